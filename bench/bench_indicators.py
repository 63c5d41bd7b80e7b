"""Benchmark of the commune-indicator sources: the Aube offline (fixtures/raw), then one year of DVF for all
of France at its real size; wall time and peak RSS of each step.

Usage (from the project root; PostgreSQL for the real figures):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/osez .venv/bin/python bench/bench_indicators.py \
        [--db-name osez_bench_indicators] [--skip-aube] [--skip-national] [--lines 3700000]

It never touches the database named in DATABASE_URL: it (re)creates a dedicated one (``--db-name`` on the
same server, or ``var/bench/<name>.sqlite3`` for SQLite) for each scenario. Each step runs as its own
process, so its peak memory (``ru_maxrss`` from ``os.wait4``) is its own.

The national DVF year is generated once (cached under var/bench/dvf-national/, ≈ 250 MB of gzip) by
``fixtures/make_indicator_fixtures.py``'s ``dvf_mutations``: the 40 real columns, one file per
département (none for Alsace-Moselle and Mayotte, as geo-DVF), over the 34,875 communes of
../shared/data/national/communes, lines in proportion to population (``--lines`` in all, real size
3.5–4 million).
"""

import argparse
import hashlib
import importlib.util
import os
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import bench_database, step  # the sibling benchmark's helpers

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
VAR = ROOT / "var" / "bench"
YEAR = 2025
NOT_PUBLISHED = {"57", "67", "68", "976"}
SOURCES = ("caf", "arcep", "dvf", "carte-scolaire", "apl")


def fixtures_module():
    spec = importlib.util.spec_from_file_location(
        "make_indicator_fixtures", ROOT / "fixtures" / "make_indicator_fixtures.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def aube_raw_dir():
    """var/bench/aube-indicators: the shared Aube registry and Annuaire, and the project's fictional files."""
    raw = VAR / "aube-indicators"
    shutil.rmtree(raw, ignore_errors=True)
    raw.mkdir(parents=True)
    for slug in ("communes", "ecoles"):
        (raw / slug).symlink_to(SHARED / "raw" / slug, target_is_directory=True)
    for slug in SOURCES:
        (raw / slug).symlink_to(ROOT / "fixtures" / "raw" / slug, target_is_directory=True)
    return raw


def national_dvf_dir(total_lines):
    """var/bench/dvf-national: the national registry (linked) and one generated geo-DVF year."""
    import json

    raw = VAR / "dvf-national"
    folder = raw / "dvf"
    generator_digest = hashlib.sha256(
        (ROOT / "fixtures" / "make_indicator_fixtures.py").read_bytes()
    ).hexdigest()[:12]
    stamp = folder / f".complete-{YEAR}-{total_lines}-{generator_digest}"
    communes_link = raw / "communes"
    raw.mkdir(parents=True, exist_ok=True)
    if not communes_link.exists():
        communes_link.symlink_to(SHARED / "national" / "communes", target_is_directory=True)
    if stamp.exists():
        return raw, int(stamp.read_text(encoding="utf-8"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    generator = fixtures_module()
    by_dep = {}
    for path in sorted((SHARED / "national" / "communes").glob("geo-api-communes-*.json")):
        dep = path.stem.rsplit("-", 1)[-1]
        if dep not in NOT_PUBLISHED:
            by_dep[dep] = json.loads(path.read_text(encoding="utf-8"))
    population = sum(c.get("population") or 0 for communes in by_dep.values() for c in communes)
    per_inhabitant = total_lines / population
    print(f"### generating one geo-DVF year for {len(by_dep)} départements ({per_inhabitant:.4f} lines per "
          "inhabitant, cached for later runs)…", flush=True)  # fmt: skip
    started = time.monotonic()
    written = 0
    for dep, communes in by_dep.items():
        rng = random.Random(f"dvf-{dep}-{YEAR}")
        rows = list(generator.dvf_mutations(communes, YEAR, rng, per_inhabitant, fictional_names=False))
        written += len(rows)
        generator.write_dvf(folder / f"dvf-{dep}-{YEAR}.csv.gz", rows, compresslevel=6)
    size = sum(p.stat().st_size for p in folder.glob("*.gz")) / 1e6
    print(
        f"### generated {written:,} lines, {size:.0f} MB of gzip, in {time.monotonic() - started:.0f} s",
        flush=True,
    )
    stamp.write_text(str(written), encoding="utf-8")
    return raw, written


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-aube", action="store_true")
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--db-name", default="osez_bench_indicators")
    parser.add_argument("--lines", type=int, default=3_700_000, help="lines of the national DVF year")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'db.sqlite3'}")
    base_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "osez.settings.dev", "PYTHONUNBUFFERED": "1"}
    base_env.pop("REDIS_URL", None)  # in-process tasks: the figures are the pipeline's, not a broker's
    results = []

    if not args.skip_aube:
        env = {**base_env, "DATABASE_URL": bench_database(url, args.db_name), "OSEZ_DEPARTEMENTS": "10",
               "OSEZ_RAW_DIR": str(aube_raw_dir())}  # fmt: skip
        step("aube: migrate", ["migrate", "--noinput", "-v0"], env, results)
        step("aube: registry and Annuaire (prerequisites)",
             ["refresh_layers", "--offline", "--source", "communes", "--source", "ecoles", "--no-proximity"],
             env, results)  # fmt: skip
        indicator_args = [a for slug in SOURCES for a in ("--source", slug)]
        step("aube: the five indicator sources", ["refresh_layers", "--offline", *indicator_args, "--no-proximity"],
             env, results)  # fmt: skip
        step("aube: the five again (all unchanged)",
             ["refresh_layers", "--offline", *indicator_args, "--no-proximity"], env, results)  # fmt: skip

    if not args.skip_national:
        raw, lines = national_dvf_dir(args.lines)
        env = {**base_env, "DATABASE_URL": bench_database(url, args.db_name), "OSEZ_DEPARTEMENTS": "all",
               "OSEZ_RAW_DIR": str(raw), "OSEZ_DVF_YEARS": str(YEAR)}  # fmt: skip
        step("national: migrate", ["migrate", "--noinput", "-v0"], env, results)
        step("national: communes (101 départements, prerequisite)",
             ["refresh_layers", "--offline", "--source", "communes", "--no-proximity"], env, results)  # fmt: skip
        step(f"national: DVF {YEAR} import ({lines:,} lines streamed)",
             ["refresh_layers", "--offline", "--source", "dvf", "--no-proximity"], env, results)  # fmt: skip
        step("national: DVF second run (all unchanged)",
             ["refresh_layers", "--offline", "--source", "dvf", "--no-proximity"], env, results)  # fmt: skip

    print("\n| step | wall time | CPU (Python) | peak memory |\n|---|---|---|---|")
    for label, wall, cpu, peak, _code in results:
        print(f"| {label} | {wall:.1f} s | {cpu:.1f} s | {peak:.0f} MB |")
    print(f"\ndatabase: {url.split(':', 1)[0]}, cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
