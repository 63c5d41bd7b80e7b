"""Benchmark of the data pipeline: the Aube offline (every source), then the national BPE 2025 + DVF + proximity.

Usage (from the project root; PostgreSQL for the real figures):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/osez .venv/bin/python bench/bench_import.py \
        [--skip-aube] [--skip-national] [--dvf-lines 3700000] [--db-name osez_bench]

It never touches the database named in DATABASE_URL: it (re)creates a dedicated one (``osez_bench``,
or ``var/bench/bench.sqlite3`` for SQLite) for each scenario. Each step runs as its own process so that
its peak memory (``ru_maxrss`` from ``os.wait4``) is its own; it prints wall time, CPU and peak memory.

- Aube: ``refresh_layers --offline`` with an empty raw cache, so every registered source — the registry,
  the four place sources and the five commune-indicator sources — falls back to the embedded
  ``fixtures/raw`` (real communes, fictional layers and figures in today's formats), proximity included.
- National: the 34,875 real communes of ../shared/data/national/communes, a BPE 2025 at its real size
  (≈2.8 million rows, 95 columns, INSEE's zip) written by the project's generator
  (``python -m communes.fictional layers … --filler 30``), and one geo-DVF year for France at its real
  size (``--dvf-lines`` lines, real 3.5–4 million, 40 columns, one gzip file per département, none for
  Alsace-Moselle and Mayotte) written by ``communes.fictional_indicators.dvf_mutations``; both cached
  under var/bench/ (the DVF year is rebuilt when the generator changes).
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
VAR = ROOT / "var" / "bench"
PYTHON = sys.executable
DVF_YEAR = 2025
DVF_NOT_PUBLISHED = {"57", "67", "68", "976"}  # Alsace-Moselle and Mayotte: no DVF


def bench_database(url, name):
    """A fresh dedicated database on the same server as ``url``; returns its URL."""
    parts = urlsplit(url)
    if parts.scheme.startswith("postgres"):
        import psycopg

        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return urlunsplit(parts._replace(path=f"/{name}"))
    VAR.mkdir(parents=True, exist_ok=True)
    path = VAR / f"{name}.sqlite3"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def step(label, args, env, results):
    """Run one step as a child process; record its wall time and its own peak RSS."""
    started = time.monotonic()
    proc = subprocess.Popen([PYTHON, "manage.py", *args], cwd=ROOT, env=env)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    code = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime  # this process only: the database server's work is in the wall time
    results.append((label, wall, cpu, peak_mb, code))
    print(f"### {label}: {wall:.1f} s wall, {cpu:.1f} s CPU, peak {peak_mb:.0f} MB, exit {code}", flush=True)
    if code != 0:
        raise SystemExit(f"step {label} failed (exit {code})")


def national_dvf(raw, total_lines):
    """``raw/dvf``: one generated geo-DVF year for France, lines in proportion to population."""
    sys.path.insert(0, str(ROOT))
    from communes import fictional_indicators

    folder = raw / "dvf"
    digest = hashlib.sha256(Path(fictional_indicators.__file__).read_bytes()).hexdigest()[:12]
    stamp = folder / f".complete-{DVF_YEAR}-{total_lines}-{digest}"
    if stamp.exists():
        return int(stamp.read_text(encoding="utf-8"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    by_dep = {}
    for path in sorted((SHARED / "data" / "national" / "communes").glob("geo-api-communes-*.json")):
        dep = path.stem.rsplit("-", 1)[-1]
        if dep not in DVF_NOT_PUBLISHED:
            by_dep[dep] = json.loads(path.read_text(encoding="utf-8"))
    population = sum(c.get("population") or 0 for communes in by_dep.values() for c in communes)
    per_inhabitant = total_lines / population
    print(
        f"### generating one geo-DVF year for {len(by_dep)} départements (cached for later runs)…", flush=True
    )
    started = time.monotonic()
    written = 0
    for dep, communes in by_dep.items():
        rng = random.Random(f"dvf-{dep}-{DVF_YEAR}")
        rows = list(
            fictional_indicators.dvf_mutations(communes, DVF_YEAR, rng, per_inhabitant, fictional_names=False)
        )
        written += len(rows)
        fictional_indicators.write_dvf(folder / f"dvf-{dep}-{DVF_YEAR}.csv.gz", rows, compresslevel=6)
    print(f"### generated {written:,} DVF lines in {time.monotonic() - started:.0f} s", flush=True)
    stamp.write_text(str(written), encoding="utf-8")
    return written


def national_raw_dir():
    """var/bench/national-raw-2025 with the national communes (linked) and the generated BPE 2025 zip."""
    raw = VAR / "national-raw-2025"
    bpe = raw / "bpe" / "BPE25.zip"
    (raw).mkdir(parents=True, exist_ok=True)
    communes = raw / "communes"
    if not communes.exists():
        communes.symlink_to(SHARED / "data" / "national" / "communes", target_is_directory=True)
    if not bpe.exists():
        print("### generating the national BPE 2025 (cached for later runs)…", flush=True)
        tmp = VAR / "generate"
        shutil.rmtree(tmp, ignore_errors=True)
        started = time.monotonic()
        subprocess.run(
            [PYTHON, "-m", "communes.fictional", "layers", str(SHARED / "data" / "national" / "communes"),
             str(tmp), "--only", "bpe", "--filler", "30", "--fast-zip"],
            check=True, cwd=ROOT,
        )  # fmt: skip
        bpe.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(tmp / "bpe" / "BPE25.zip", bpe)
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"### generated in {time.monotonic() - started:.0f} s", flush=True)
    return raw


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--skip-aube", action="store_true")
    parser.add_argument("--db-name", default="osez_bench")
    parser.add_argument("--dvf-lines", type=int, default=3_700_000, help="lines of the national DVF year")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'db.sqlite3'}")
    base_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "osez.settings.dev", "PYTHONUNBUFFERED": "1"}
    base_env.pop("REDIS_URL", None)  # in-process tasks: the figures are the pipeline's, not a broker's
    results = []

    if not args.skip_aube:
        empty = VAR / "empty-raw"
        shutil.rmtree(empty, ignore_errors=True)
        empty.mkdir(parents=True)
        env = {**base_env, "DATABASE_URL": bench_database(url, args.db_name), "OSEZ_DEPARTEMENTS": "10",
               "OSEZ_RAW_DIR": str(empty), "OSEZ_FIXTURES_FALLBACK": "true"}  # fmt: skip
        step("aube: migrate", ["migrate", "--noinput", "-v0"], env, results)
        step("aube: refresh_layers --offline, every source from fixtures/ (with proximity)",
             ["refresh_layers", "--offline"], env, results)  # fmt: skip
        step("aube: second run (all unchanged)", ["refresh_layers", "--offline"], env, results)

    if not args.skip_national:
        raw = national_raw_dir()
        dvf_lines = national_dvf(raw, args.dvf_lines)
        env = {**base_env, "DATABASE_URL": bench_database(url, args.db_name), "OSEZ_DEPARTEMENTS": "all",
               "OSEZ_RAW_DIR": str(raw), "OSEZ_DVF_YEARS": str(DVF_YEAR), "OSEZ_FIXTURES_FALLBACK": "false"}  # fmt: skip
        step("national: migrate", ["migrate", "--noinput", "-v0"], env, results)
        step("national: communes (101 départements)",
             ["refresh_layers", "--offline", "--source", "communes", "--no-proximity"], env, results)  # fmt: skip
        step("national: BPE 2025 import (2.8 M rows, 95 columns, streamed from the zip)",
             ["refresh_layers", "--offline", "--source", "bpe", "--no-proximity"], env, results)  # fmt: skip
        step(f"national: DVF {DVF_YEAR} import ({dvf_lines:,} lines streamed)",
             ["refresh_layers", "--offline", "--source", "dvf", "--no-proximity"], env, results)  # fmt: skip
        step("national: proximity", ["shell", "-c", "from communes import services; print(services.compute_proximity())"],
             env, results)  # fmt: skip
        step("national: BPE 2025 second run (all unchanged)",
             ["refresh_layers", "--offline", "--source", "bpe", "--no-proximity"], env, results)  # fmt: skip
        step("national: DVF second run (all unchanged)",
             ["refresh_layers", "--offline", "--source", "dvf", "--no-proximity"], env, results)  # fmt: skip

    print("\n| step | wall time | CPU (Python) | peak memory |\n|---|---|---|---|")
    for label, wall, cpu, peak, _code in results:
        print(f"| {label} | {wall:.1f} s | {cpu:.1f} s | {peak:.0f} MB |")
    national = [r for r in results if r[0].startswith("national:") and "second run" not in r[0]]
    if national:
        total = sum(r[1] for r in national)
        print(f"\nnational, communes + BPE + DVF + proximity: {total / 60:.1f} min, peak "
              f"{max(r[3] for r in national):.0f} MB (targets ≤ 15 min, ≤ 1.5 GB)")  # fmt: skip
    aube = [r for r in results if r[0].startswith("aube: refresh")]
    if aube:
        print(
            f"aube, every source offline: {aube[0][1]:.1f} s, peak {aube[0][3]:.0f} MB (targets ≤ 60 s, ≤ 300 MB)"
        )
    print(f"\ndatabase: {urlsplit(url).scheme}, cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
