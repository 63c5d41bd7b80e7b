"""Benchmark of the data pipeline: Aube offline refresh, then the national BPE + proximity; wall time and peak RSS.

Usage (from the project root; PostgreSQL for the real figures):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/osez .venv/bin/python bench/bench_import.py [--skip-national]

It never touches the database named in DATABASE_URL: it (re)creates a dedicated one (``osez_bench``,
or ``var/bench/bench.sqlite3`` for SQLite) for each scenario. Each step runs as its own process so that
its peak memory (``ru_maxrss`` from ``os.wait4``) is its own. The national BPE file (≈330 MB) is
generated once by ../shared/tools/make_synthetic_layers.py and cached under var/bench/.
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
    """var/bench/national-raw with the national communes (linked) and the generated national BPE."""
    raw = VAR / "national-raw"
    bpe = raw / "bpe" / "BPE-france.csv"
    (raw).mkdir(parents=True, exist_ok=True)
    communes = raw / "communes"
    if not communes.exists():
        communes.symlink_to(SHARED / "data" / "national" / "communes", target_is_directory=True)
    if not bpe.exists():
        print("### generating the national BPE (cached for later runs)…", flush=True)
        tmp = VAR / "generate"
        shutil.rmtree(tmp, ignore_errors=True)
        started = time.monotonic()
        subprocess.run(
            ["python3", str(SHARED / "tools" / "make_synthetic_layers.py"), str(SHARED / "data" / "national" / "communes"),
             str(tmp), "--only", "bpe", "--filler", "30", "--single-bpe"],
            check=True,
        )  # fmt: skip
        bpe.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(tmp / "bpe" / "BPE-france.csv", bpe)
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
        env = {**base_env, "DATABASE_URL": bench_database(url, args.db_name), "OSEZ_DEPARTEMENTS": "10",
               "OSEZ_RAW_DIR": str(SHARED / "data" / "raw")}  # fmt: skip
        step("aube: migrate", ["migrate", "--noinput", "-v0"], env, results)
        step("aube: refresh_layers --offline (with proximity)", ["refresh_layers", "--offline"], env, results)
        step("aube: second run (all unchanged)", ["refresh_layers", "--offline"], env, results)

    if not args.skip_national:
        raw = national_raw_dir()
        env = {**base_env, "DATABASE_URL": bench_database(url, args.db_name), "OSEZ_DEPARTEMENTS": "all",
               "OSEZ_RAW_DIR": str(raw)}  # fmt: skip
        step("national: migrate", ["migrate", "--noinput", "-v0"], env, results)
        step("national: communes (101 départements)",
             ["refresh_layers", "--offline", "--source", "communes", "--no-proximity"], env, results)  # fmt: skip
        step("national: BPE import (2.8 M rows streamed)",
             ["refresh_layers", "--offline", "--source", "bpe", "--no-proximity"], env, results)  # fmt: skip
        step("national: proximity", ["shell", "-c", "from communes import services; print(services.compute_proximity())"],
             env, results)  # fmt: skip
        step("national: BPE second run (all unchanged)",
             ["refresh_layers", "--offline", "--source", "bpe", "--no-proximity"], env, results)  # fmt: skip

    print("\n| step | wall time | CPU (Python) | peak memory |\n|---|---|---|---|")
    for label, wall, cpu, peak, _code in results:
        print(f"| {label} | {wall:.1f} s | {cpu:.1f} s | {peak:.0f} MB |")
    print(f"\ndatabase: {urlsplit(url).scheme}, cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
