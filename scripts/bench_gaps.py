"""Benchmark of geo/gaps.py against budgets P6, P7, P8 (docs: /work/shared/BUDGETS.md).

Run from the repository root::

    python scripts/bench_gaps.py            # real data when present, else synthetic
    python scripts/bench_gaps.py --synthetic
    python scripts/bench_gaps.py --layers   # with every located place of the layers (P13)
    python scripts/bench_gaps.py --wait 600 # poll up to 600 s for data/processed/units.parquet

Real data: ``data/processed/units.parquet`` (map units, population points) and
``data/processed/france_services.parquet`` (France services sites, used as the services and,
in the Pas-de-Calais, as candidates with the town halls). Without them, a synthetic
national-size grid: 35,000 units (887 of them in a "62" box, a few in each DROM) and 3,000
services. Each measure is the min and median of at least 7 runs; ratios use baselines
measured in the same run. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.crs import zone_of  # noqa: E402
from geo.gaps import (  # noqa: E402
    ServiceIndex,
    greedy_max_coverage,
    k_nearest,
    nearest_distance,
    population_beyond,
    project_points,
    step_fn,
    two_step_fca,
)
from geo.schema import FRANCE_SERVICES_FILE, UNITS_FILE  # noqa: E402

RUNS = 9
DROM_UNITS = {"971": 32, "972": 34, "973": 22, "974": 24, "976": 17}
DROM_BOX = {  # rough metric extents of each DROM in its own CRS (m)
    "971": ((620e3, 1760e3), (710e3, 1830e3)),
    "972": ((690e3, 1595e3), (740e3, 1650e3)),
    "973": ((150e3, 230e3), (380e3, 640e3)),
    "974": ((315e3, 7635e3), (380e3, 7690e3)),
    "976": ((500e3, 8560e3), (530e3, 8600e3)),
}


def timed(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """Min and median wall time in seconds of ``runs`` calls (after one warm-up)."""
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


# --------------------------------------------------------------------------- data


def layer_points() -> pd.DataFrame:
    """Every located place of the national layers and of the plans (P13), as x/y points."""
    import geopandas as gpd

    from geo import national
    from geo.schema import SERVICES_FILE

    frames = [pd.read_csv(p, dtype=str, keep_default_na=False)
              for p in (national.ANNUAIRE_FILE, national.FINESS_FILE, SERVICES_FILE)]
    table = pd.concat(frames, ignore_index=True)
    table = table[(table["lat"] != "") & (table["category"] != "hebergement")]
    points = gpd.GeoDataFrame(
        table[["id", "dep"]].assign(nom=table["name"], zone=table["dep"].map(zone_of)),
        geometry=gpd.points_from_xy(table["lon"].astype(float), table["lat"].astype(float)),
        crs=4326)
    return project_points(points[points["zone"].notna()])


def real_data(layers: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    import geopandas as gpd

    units = gpd.read_parquet(UNITS_FILE)
    if "zone" not in units:
        units["zone"] = units["dep"].map(zone_of)
    units = project_points(units[["unit", "insee", "dep", "zone", "population", "geometry"]])
    fs = gpd.read_parquet(FRANCE_SERVICES_FILE)
    fs = fs[fs.geometry.notna() & ~fs.geometry.is_empty]
    fs = fs.assign(id="fs:" + fs["fs_id"].astype(str), zone=fs["dep"].map(zone_of))
    fs = fs[fs["dep"].isin(set(units["dep"]))]  # drops collectivités d'outre-mer
    services = project_points(fs[["id", "nom", "dep", "zone", "geometry"]])
    if layers:
        services = pd.concat([services, layer_points()], ignore_index=True)
    return units.reset_index(drop=True), services.reset_index(drop=True)


def synthetic_data(
    n_units: int = 35_000, n_services: int = 3_000
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(62)
    n_metro = n_units - sum(DROM_UNITS.values())
    xy = rng.uniform((100e3, 6_050e3), (1_200e3, 7_100e3), (n_metro, 2))
    dep = np.full(n_metro, "00", dtype=object)
    xy[:887] = rng.uniform((590e3, 7_000e3), (700e3, 7_070e3), (887, 2))  # a Pas-de-Calais
    dep[:887] = "62"
    frames = [pd.DataFrame({"dep": dep, "zone": "metro", "x": xy[:, 0], "y": xy[:, 1]})]
    for zone, n in DROM_UNITS.items():
        lo, hi = DROM_BOX[zone]
        p = rng.uniform(lo, hi, (n, 2))
        frames.append(pd.DataFrame({"dep": zone, "zone": zone, "x": p[:, 0], "y": p[:, 1]}))
    units = pd.concat(frames, ignore_index=True)
    units.insert(0, "unit", [f"u{i:05d}" for i in range(len(units))])
    units.insert(1, "insee", units["unit"])
    units["population"] = np.minimum(rng.pareto(1.1, len(units)) * 300 + 50, 2e6).astype(int)
    pick = rng.choice(len(units), n_services, replace=False)
    services = units.iloc[pick][["dep", "zone", "x", "y"]].reset_index(drop=True)
    services.insert(0, "id", [f"fs:{i}" for i in range(n_services)])
    services["nom"] = services["id"]
    return units, services


def candidates_62(units: pd.DataFrame, services: pd.DataFrame) -> pd.DataFrame:
    """Town halls (unit points) and France services of the Pas-de-Calais."""
    mairies = units[units["dep"] == "62"]
    mairies = pd.DataFrame(
        {
            "id": "mairie:" + mairies["unit"],
            "label": "Mairie " + mairies["unit"],
            "zone": mairies["zone"],
            "x": mairies["x"],
            "y": mairies["y"],
        }
    )
    fs = services[services["dep"] == "62"]
    fs = pd.DataFrame(
        {
            "id": "cand:" + fs["id"],
            "label": fs["nom"],
            "zone": fs["zone"],
            "x": fs["x"],
            "y": fs["y"],
        }
    )
    return pd.concat([mairies, fs], ignore_index=True)


# --------------------------------------------------------------------------- baselines


def bare_ckdtree(units: pd.DataFrame, services: pd.DataFrame) -> Callable[[], object]:
    uxy, sxy = units[["x", "y"]].to_numpy(), services[["x", "y"]].to_numpy()
    return lambda: cKDTree(sxy).query(uxy, k=1)


def naive_loop(units: pd.DataFrame, services: pd.DataFrame) -> float:
    """Seconds per unit of a per-commune Python loop over every service (sample of 200)."""
    sample = units.sample(200, random_state=0)
    rows = list(services[["zone", "x", "y"]].itertuples(index=False))
    t0 = time.perf_counter()
    for unit in sample.itertuples(index=False):
        best = math.inf
        for zone, x, y in rows:
            if zone == unit.zone:
                best = min(best, math.hypot(x - unit.x, y - unit.y))
    return (time.perf_counter() - t0) / len(sample)


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", action="store_true", help="ignore data/processed")
    parser.add_argument("--wait", type=float, default=0, help="seconds to poll for units.parquet")
    parser.add_argument("--layers", action="store_true",
                        help="services = France services + every located place of the national "
                             "layers and the plans (P13)")
    args = parser.parse_args()
    deadline = time.monotonic() + args.wait
    while not args.synthetic and not UNITS_FILE.exists() and time.monotonic() < deadline:
        time.sleep(10)
    real = not args.synthetic and UNITS_FILE.exists() and FRANCE_SERVICES_FILE.exists()
    units, services = real_data(args.layers) if real else synthetic_data()
    print(
        f"data: {'real' if real else 'synthetic'}; {len(units):,} units, "
        f"{len(services):,} services, {units['zone'].nunique()} zones"
    )

    rows = []

    def add(what: str, t: tuple[float, float], budget: str = "", ok: bool | None = None) -> None:
        rows.append(
            (what, t[0] * 1e3, t[1] * 1e3, budget, "" if ok is None else ("ok" if ok else "OVER"))
        )

    bare = timed(bare_ckdtree(units, services))
    near = timed(lambda: nearest_distance(units, services))
    add("bare cKDTree build + query (baseline)", bare)
    add(
        "nearest_distance, all units",
        near,
        "<= 500 ms, <= 3x bare",
        near[1] <= 0.5 and near[1] <= 3 * bare[1],
    )
    distances = nearest_distance(units, services)
    beyond = timed(lambda: [population_beyond(units, distances, t) for t in (10, 20, 30)])
    add("population_beyond 10/20/30 km", beyond)
    p6 = (near[0] + beyond[0], near[1] + beyond[1])
    per_unit = naive_loop(units, services)
    naive_total = per_unit * len(units)
    add(
        "P6 total: nearest + beyond 10/20/30",
        p6,
        "<= 500 ms, >= 100x naive",
        p6[1] <= 0.5 and naive_total / p6[1] >= 100,
    )
    add(f"naive Python loop (200 sampled, x{len(units):,})", (naive_total, naive_total))
    fca = timed(lambda: two_step_fca(units, services, 30))
    add("two_step_fca 30 km", fca, "<= 1000 ms", fca[1] <= 1.0)
    decay = step_fn({10: 1, 20: 0.68, 30: 0.22})
    fca_d = timed(lambda: two_step_fca(units, services, 30, decay))
    add("two_step_fca 30 km, step decay", fca_d, "<= 1000 ms", fca_d[1] <= 1.0)
    index = ServiceIndex(services)
    add("ServiceIndex build", timed(lambda: ServiceIndex(services)))
    picks = units.sample(50, random_state=1)
    worst = max(
        timed(lambda r=r: index.k_nearest(r.x, r.y, r.zone, 10), 7)[1] for r in picks.itertuples()
    )
    one = picks.iloc[0]
    add("k_nearest k=10, cached index (worst of 50)", (worst, worst), "<= 50 ms", worst <= 0.05)
    wrap = timed(lambda: k_nearest(one, services, 10))
    add("k_nearest k=10, wrapper (builds index)", wrap, "<= 50 ms", wrap[1] <= 0.05)
    u62, cands = units[units["dep"] == "62"], candidates_62(units, services)
    greedy = timed(lambda: greedy_max_coverage(u62, cands, services, 10, 5), 7)
    add(
        f"greedy 5 sites, 62 ({len(u62)} units, {len(cands)} candidates)",
        greedy,
        "<= 2000 ms",
        greedy[1] <= 2.0,
    )

    width = max(len(r[0]) for r in rows)
    print(f"{'operation':<{width}}  {'min ms':>10}  {'median ms':>10}  {'budget':<26} check")
    for what, lo, med, budget, ok in rows:
        print(f"{what:<{width}}  {lo:>10.1f}  {med:>10.1f}  {budget:<26} {ok}")
    print(
        f"nearest_distance / bare cKDTree (median): {near[1] / bare[1]:.2f}x; "
        f"naive loop / P6 total: {naive_total / p6[1]:,.0f}x"
    )
    result = greedy_max_coverage(u62, cands, services, 10, 5)
    print(result.to_string(index=False))


if __name__ == "__main__":
    main()
