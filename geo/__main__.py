"""Command line: ``python -m geo prepare``, ``import-listings`` and ``build-national``.

Examples
--------
Rebuild the reference territories from the raw data (run from the project root)::

    python -m geo prepare --raw ../shared/geodata/raw

Import listings files (seed extractions or a département's own file) into ``data/listings``::

    python -m geo import-listings data/sources/seeds/*.csv

Build the national layers (annuaire 2016, FINESS hospitals 2020) into ``data/national``::

    python -m geo build-national --raw ../shared/geodata/raw
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    prep = sub.add_parser("prepare", help="Construit data/processed depuis les données brutes.")
    prep.add_argument("--raw", type=Path, default=Path("../shared/geodata/raw"),
                      help="dossier geodata/raw (défaut : ../shared/geodata/raw)")
    prep.add_argument("--only", nargs="*", default=None,
                      help="étapes à refaire (défaut : toutes)")

    imp = sub.add_parser("import-listings", help="Importe des fichiers de recensement.")
    imp.add_argument("files", nargs="+", type=Path, help="fichiers CSV au format des extractions")
    imp.add_argument("--check", action="store_true",
                     help="valider et afficher le rapport sans rien écrire")

    nat = sub.add_parser("build-national",
                         help="Construit data/national (annuaire 2016, hôpitaux FINESS 2020).")
    nat.add_argument("--raw", type=Path, default=Path("../shared/geodata/raw"),
                     help="dossier geodata/raw (défaut : ../shared/geodata/raw)")

    args = parser.parse_args(argv)
    if args.command == "prepare":
        from geo import prepare

        return prepare.run(args.raw, only=args.only)
    if args.command == "build-national":
        from geo import national

        return national.run(args.raw)
    from geo import importer

    return importer.run(args.files, write=not args.check)


if __name__ == "__main__":
    sys.exit(main())
