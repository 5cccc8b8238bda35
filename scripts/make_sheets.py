"""Write the territory sheet (PDF) of every EPCI and arrondissement of a département.

    python scripts/make_sheets.py --dep 62 --out /tmp/fiches62

One file per territory, ``fiche-epci-<SIREN>.pdf`` or ``fiche-arr-<code>.pdf``, the same
bytes as the "Télécharger la fiche (PDF)" button of the "Mon territoire" page: the script
calls the functions of ``components.data`` (their Streamlit caches work without a server,
in memory), so the page and the batch cannot disagree.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
logging.getLogger("streamlit").setLevel(logging.ERROR)  # "No runtime found" warnings

from components import data  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, write the sheets, print one line per file and the total time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dep", required=True, help="code du département (62, 03, 2A…)")
    parser.add_argument("--out", required=True, type=Path, help="dossier de sortie")
    args = parser.parse_args(argv)
    if args.dep not in data.departement_names():
        parser.error(f"département inconnu : {args.dep!r}")
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    choices = data.sheet_choices(args.dep)
    for key, label in choices.items():
        level, code = key.split(":", 1)
        path = args.out / f"fiche-{level}-{code}.pdf"
        path.write_bytes(data.sheet_pdf(key, args.dep))
        print(f"{path}  {label}")
    print(f"{len(choices)} fiches en {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
