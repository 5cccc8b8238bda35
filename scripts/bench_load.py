"""Benchmark P3: read the processed layers vs the raw 30 m GeoJSON files (min and median of 7 runs).

Usage (from the project root)::

    python scripts/bench_load.py [--raw ../shared/geodata/raw] [--runs 7]

Processed = every ``data/processed/display/*.parquet`` + ``communes.parquet`` through the
``geo.territories`` loaders;
raw = the 96 ``communes-adminexpress2025-30m/*.geojson`` files. Budget: processed ≥ 10× faster.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.territories import departement_codes, read_communes, read_display  # noqa: E402


def timed(load: Callable[[], int], runs: int) -> tuple[float, float, int]:
    """Return (min, median) seconds over ``runs`` calls of ``load`` and the rows it read."""
    seconds, rows = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        rows = load()
        seconds.append(time.perf_counter() - start)
    return min(seconds), statistics.median(seconds), rows


def load_processed() -> int:
    """Read every display layer and the communes table; return the number of rows."""
    layers = [read_display(dep) for dep in departement_codes()]
    return len(pd.concat(layers)) + len(read_communes())


def load_raw(folder: Path) -> Callable[[], int]:
    """Return a loader of the 96 raw département GeoJSON files."""
    files = sorted(p for p in folder.glob("*.geojson") if p.stem not in {"departements", "regions"})

    def load() -> int:
        return len(pd.concat([gpd.read_file(p) for p in files]))
    return load


def main() -> int:
    """Run both benchmarks and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=ROOT.parent / "shared/geodata/raw")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    processed = timed(load_processed, args.runs)
    raw = timed(load_raw(args.raw / "communes-adminexpress2025-30m"), args.runs)
    for name, (low, median, rows) in (("processed", processed), ("raw geojson", raw)):
        print(f"{name:12s} rows {rows:6d}  min {low:6.3f} s  median {median:6.3f} s")
    ratio = raw[1] / processed[1]
    print(f"ratio (median raw / median processed): {ratio:.1f}x  budget P3 >= 10x: "
          f"{'OK' if ratio >= 10 else 'FAILED'}")
    return 0 if ratio >= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
