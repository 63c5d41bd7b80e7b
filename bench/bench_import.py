"""Benchmark of the data pipeline: the Aube offline (every source), then the national BPE 2025 + proximity.

Usage (from the project root; PostgreSQL for the real figures):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/osez .venv/bin/python bench/bench_import.py [--skip-national]

It never touches the database named in DATABASE_URL: it (re)creates a dedicated one (``osez_bench``,
or ``var/bench/bench.sqlite3`` for SQLite) for each scenario. Each step runs as its own process so that
its peak memory (``ru_maxrss`` from ``os.wait4``) is its own; it prints wall time, CPU and peak memory.

- Aube: ``refresh_layers --offline`` with an empty raw cache, so every registered source falls back to
  the embedded ``fixtures/raw`` (real communes, fictional layers in today's formats), proximity included.
- National: the 34,875 real communes of ../shared/data/national/communes and a BPE 2025 at its real size
  (≈2.8 million rows, 95 columns, INSEE's zip) written by the project's generator
  (``python -m communes.fictional layers … --filler 30``), cached under var/bench/. The DVF part of the
  national figure is measured by the new sources' own benchmark script.
"""

import argparse
import os
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
        env = {**base_env, "DATABASE_URL": bench_database(url, args.db_name), "OSEZ_DEPARTEMENTS": "all",
               "OSEZ_RAW_DIR": str(raw)}  # fmt: skip
        step("national: migrate", ["migrate", "--noinput", "-v0"], env, results)
        step("national: communes (101 départements)",
             ["refresh_layers", "--offline", "--source", "communes", "--no-proximity"], env, results)  # fmt: skip
        step("national: BPE 2025 import (2.8 M rows, 95 columns, streamed from the zip)",
             ["refresh_layers", "--offline", "--source", "bpe", "--no-proximity"], env, results)  # fmt: skip
        step("national: proximity", ["shell", "-c", "from communes import services; print(services.compute_proximity())"],
             env, results)  # fmt: skip
        step("national: BPE 2025 second run (all unchanged)",
             ["refresh_layers", "--offline", "--source", "bpe", "--no-proximity"], env, results)  # fmt: skip

    print("\n| step | wall time | CPU (Python) | peak memory |\n|---|---|---|---|")
    for label, wall, cpu, peak, _code in results:
        print(f"| {label} | {wall:.1f} s | {cpu:.1f} s | {peak:.0f} MB |")
    national = [r for r in results if r[0].startswith("national:") and "second run" not in r[0]]
    if national:
        total = sum(r[1] for r in national)
        print(f"\nnational, communes + BPE + proximity: {total / 60:.1f} min, peak {max(r[3] for r in national):.0f} MB "
              "(targets, DVF included by its own script: ≤ 15 min, ≤ 1.5 GB)")  # fmt: skip
    aube = [r for r in results if r[0].startswith("aube: refresh")]
    if aube:
        print(
            f"aube, every source offline: {aube[0][1]:.1f} s, peak {aube[0][3]:.0f} MB (targets ≤ 60 s, ≤ 300 MB)"
        )
    print(f"\ndatabase: {urlsplit(url).scheme}, cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
