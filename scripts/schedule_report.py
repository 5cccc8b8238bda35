"""Print how many schedules of the seed listings `geo.schedules` can read, and why not the others.

Usage: ``python scripts/schedule_report.py [FOLDER]``; FOLDER holds the ``*.csv`` extractions
(default: ``../shared/seeds/extractions`` next to the repository). The parse rate is given on
distinct texts and on rows (one row per service); "parsed" includes "24h/24" (always open).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.schedules import parse_schedule  # noqa: E402

DEFAULT_FOLDER = ROOT.parent / "shared" / "seeds" / "extractions"


def seed_schedules(folder: Path) -> Counter[str]:
    """Count the non-empty ``schedule`` values of every CSV in ``folder``, as written."""
    counts: Counter[str] = Counter()
    for path in sorted(folder.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "schedule" in frame:
            counts.update(v for v in frame["schedule"] if v.strip())
    return counts


def report(counts: Counter[str]) -> str:
    """Return the parse rate and the unparsed texts with their reasons, as printable text."""
    schedules = {text: parse_schedule(text) for text in counts}
    parsed = [t for t, s in schedules.items() if s.parsed]
    rows, parsed_rows = counts.total(), sum(counts[t] for t in parsed)
    lines = [
        f"Distinct schedules: {len(parsed)}/{len(counts)} parsed "
        f"({len(parsed) / len(counts):.0%})" if counts else "No schedule found.",
        f"Rows (services):    {parsed_rows}/{rows} parsed "
        f"({parsed_rows / rows:.0%})" if rows else "",
        "",
        "Unparsed (rows × text → reason):",
    ]
    for text, schedule in sorted(schedules.items(), key=lambda kv: (kv[1].reason, kv[0])):
        if not schedule.parsed:
            flag = " [sur rendez-vous]" if schedule.on_appointment else ""
            lines.append(f"  {counts[text]:>2} × {text!r} → {schedule.reason}{flag}")
    lines += ["", "Parsed:"]
    for text in sorted(parsed):
        s = schedules[text]
        what = "always open" if s.always_open else "; ".join(
            r.rrule
            + (f" {r.start:%H:%M}-{r.end:%H:%M}"
               if r.start is not None and r.end is not None else "")
            for r in s.rules)
        lines.append(f"  {counts[text]:>2} × {text!r} → {what}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    args = parser.parse_args(argv)
    print(report(seed_schedules(args.folder)))


if __name__ == "__main__":
    main()
