#!/usr/bin/env python3
"""Requests per second of the open-data API on loopback, beside a static file served by the same server.

    .venv/bin/python bench/bench_api.py [--database-url URL] [--redis-url URL] [--duration 10]
                                        [--connections 16] [--workers 2] [--layer medecins-generalistes]

1. Migrates the bench database and, when it holds no commune (or with --reload), loads the Aube with
   ``manage.py refresh_layers --offline`` from OSEZ_RAW_DIR (default ../shared/data/raw).
2. Collects the static files into a temporary STATIC_ROOT and starts gunicorn (gunicorn.conf.py,
   production settings ``osez.settings.prod``, whitenoise) on 127.0.0.1 only.
3. Measures, each for --duration seconds with --connections clients: a static file (the server's
   ceiling); a commune's API detail computed from the database (a random ignored parameter defeats
   the answer cache), then answered from the shared cache, then as the 304 a returning client gets;
   and a whole layer's GeoJSON download (streamed, never cached); with wrk when installed, else a
   small threaded Python client.
4. Prints requests/s, latency and each figure's ratio to the static ceiling.

Every request goes to 127.0.0.1; every run is bounded in time and in requests.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DEFAULT_RAW = ROOT.parent / "shared" / "data" / "raw"
MAX_PYTHON_REQUESTS = 50_000

# STATIC_ROOT is not read from the environment: a two-line settings module in the temporary folder
# points it there, on top of the unchanged production settings.
BENCH_SETTINGS = """from osez.settings.prod import *  # noqa: F403
STATIC_ROOT = {static_root!r}
"""
# Used only when the production storage's post-processing fails (a file referencing a missing one):
# whitenoise then serves unhashed names, which changes their cache headers, not the serving cost.
FALLBACK_STORAGE = """STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}
"""


def django_env(args, workdir):
    env = dict(os.environ)
    env.update(
        PYTHONPATH=f"{workdir}{os.pathsep}{ROOT}",
        DJANGO_SETTINGS_MODULE="bench_settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback, no TLS proxy in front
        DEBUG="false",
        OSEZ_API_ANON_RATE="100000000/minute",  # the throttle would measure itself
        OSEZ_REQUEST_LOG_LEVEL="WARNING",  # one log line per request would measure the terminal
        LOG_LEVEL="WARNING",
        AXES_ENABLED="false",
        OSEZ_RAW_DIR=str(args.raw_dir),
        # Persistent connections, as a production deployment sets them (settings read CONN_MAX_AGE).
        CONN_MAX_AGE=str(args.conn_max_age),
    )
    env["DATABASE_URL"] = args.database_url
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


def manage(env, *command, capture=False, check=True):
    result = subprocess.run(
        [str(PY), "manage.py", *command], cwd=ROOT, env=env, capture_output=capture, text=True, check=False
    )
    if result.returncode != 0 and check:
        sys.exit(f"manage.py {' '.join(command)} failed:\n{(result.stderr or '')[-3000:]}")
    return result.stdout if check else result


def collect_static(env, workdir):
    result = manage(env, "collectstatic", "--noinput", "-v0", capture=True, check=False)
    if result.returncode == 0:
        return
    reason = (result.stderr.strip().splitlines() or ["?"])[-1]
    print(
        f"WARNING: collectstatic fails with the production storage ({reason}); benchmarking with", flush=True
    )
    print(
        "         whitenoise's CompressedStaticFilesStorage instead. Fix that file for production.",
        flush=True,
    )
    with (workdir / "bench_settings.py").open("a") as fh:
        fh.write(FALLBACK_STORAGE)
    manage(env, "collectstatic", "--noinput", "-v0")


def prepare_data(env, reload):
    manage(env, "migrate", "--noinput", "-v0")
    count = manage(
        env,
        "shell",
        "-c",
        "from communes.models import Commune; print(Commune.objects.count())",
        capture=True,
    )
    if reload or int(count.strip().splitlines()[-1]) == 0:
        print(f"Loading the Aube from {env['OSEZ_RAW_DIR']} (refresh_layers --offline)…", flush=True)
        started = time.monotonic()
        manage(env, "refresh_layers", "--offline")
        print(f"  loaded in {time.monotonic() - started:.0f} s", flush=True)
    summary = manage(
        env,
        "shell",
        "-c",
        "from communes.models import Commune, Place; "
        "print(Commune.objects.count(), Place.objects.filter(is_active=True).count())",
        capture=True,
    )
    communes, places = summary.strip().splitlines()[-1].split()
    print(f"Bench database: {communes} communes, {places} active places", flush=True)


def static_path(static_root):
    """The hashed name of the site's stylesheet, as a page would link it (plain name without a manifest)."""
    manifest = static_root / "staticfiles.json"
    if not manifest.exists():
        return "/static/css/osez.css"
    return "/static/" + json.loads(manifest.read_text())["paths"]["css/osez.css"]


def fetch(url, headers=None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
        return response.status, dict(response.headers), response.read()


# Adds a random, ignored query parameter to each request: the server's answer cache never matches,
# so this measures an answer computed from the database.
LUA_UNCACHED = """
math.randomseed(os.time())
request = function()
  return wrk.format(nil, wrk.path .. "?nocache=" .. math.random(1, 1000000000))
end
"""


def run_wrk(wrk, url, headers, connections, duration, uncached=False):
    command = [wrk, "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    script = None
    if uncached:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
            fh.write(LUA_UNCACHED)
        script = fh.name
        command += ["-s", script]
    try:
        out = subprocess.run([*command, url], capture_output=True, text=True, timeout=duration + 60).stdout
    finally:
        if script:
            os.unlink(script)
    result = {"rps": 0.0, "requests": 0, "errors": 0, "p50": None, "p99": None}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        result["rps"] = float(m.group(1))
    if m := re.search(r"(\d+) requests in", out):
        result["requests"] = int(m.group(1))
    for pct in ("50", "99"):
        if m := re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s)", out, re.M):
            result[f"p{pct}"] = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        result["errors"] += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        result["errors"] += sum(int(x) for x in m.groups())
    return result


def run_python(url, headers, connections, duration, uncached=False):
    """A bounded threaded client (httpx, keep-alive) for machines without wrk."""
    import random

    import httpx

    deadline = time.monotonic() + duration
    latencies, errors, lock = [], [0], threading.Lock()
    budget = [MAX_PYTHON_REQUESTS]

    def worker():
        with httpx.Client(headers=headers, timeout=10) as client:
            while time.monotonic() < deadline:
                with lock:
                    if budget[0] <= 0:
                        return
                    budget[0] -= 1
                started = time.perf_counter()
                params = {"nocache": random.randint(1, 10**9)} if uncached else None
                try:
                    status = client.get(url, params=params).status_code
                except httpx.HTTPError:
                    status = 0
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    errors[0] += not (200 <= status < 400)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    spent = time.monotonic() - started
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] if latencies else None

    return {
        "rps": len(latencies) / spent,
        "requests": len(latencies),
        "errors": errors[0],
        "p50": pct(0.5),
        "p99": pct(0.99),
    }


def wait_for(url, server, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped:\n" + server.stderr.read().decode()[-3000:])
        try:
            if fetch(url)[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not answer in time")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-api.sqlite3'}"),
        help="bench database (default: BENCH_DATABASE_URL, else var/bench-api.sqlite3)",
    )
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    parser.add_argument("--raw-dir", type=Path, default=Path(os.environ.get("OSEZ_RAW_DIR", DEFAULT_RAW)))
    parser.add_argument("--reload", action="store_true", help="reload the Aube even if the database has data")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measure (1-120)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (gthread, 2 threads each)")
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--conn-max-age", type=int, default=60, help="CONN_MAX_AGE given to the server")
    parser.add_argument("--commune", default="10387", help="code INSEE of the commune measured")
    parser.add_argument("--layer", default="medecins-generalistes", help="layer whose GeoJSON is measured")
    parser.add_argument(
        "--python-client", action="store_true", help="use the Python client even if wrk exists"
    )
    args = parser.parse_args()
    if not 1 <= args.duration <= 120 or not 1 <= args.connections <= 256:
        sys.exit("--duration must be 1-120 s and --connections 1-256")
    if args.database_url.startswith("sqlite:///"):
        Path(args.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)

    workdir = Path(tempfile.mkdtemp(prefix="osez-bench-api-"))
    static_root = workdir / "static"
    (workdir / "bench_settings.py").write_text(BENCH_SETTINGS.format(static_root=str(static_root)))
    env = django_env(args, workdir)
    server = None
    try:
        prepare_data(env, args.reload)
        collect_static(env, workdir)
        base = f"http://127.0.0.1:{args.port}"
        env.update(GUNICORN_BIND=f"127.0.0.1:{args.port}", GUNICORN_WORKERS=str(args.workers))
        server = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", "osez.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, stopped as a whole below
        )
        wait_for(f"{base}/healthz", server)

        commune_url = f"{base}/api/v1/communes/{args.commune}/"
        _status, headers, _body = fetch(commune_url)
        etag = headers.get("ETag")
        # (name, URL, headers, bypass the answer cache)
        targets = [
            ("static file (ceiling)", f"{base}{static_path(static_root)}", {}, False),
            (f"API commune {args.commune}, computed", commune_url, {}, True),
            (f"API commune {args.commune}, cached", commune_url, {}, False),
        ]
        if etag:
            targets.append((f"API commune {args.commune}, 304", commune_url, {"If-None-Match": etag}, False))
        targets.append(
            (
                f"GeoJSON layer {args.layer} (streamed)",
                f"{base}/api/v1/downloads/{args.layer}.geojson",
                {},
                False,
            )
        )

        wrk = None if args.python_client else shutil.which("wrk")
        client = "wrk" if wrk else "Python threads (httpx)"
        print(
            f"gunicorn {args.workers} workers × 2 threads on 127.0.0.1:{args.port}; {client}, "
            f"{args.connections} connections, {args.duration} s per measure, CONN_MAX_AGE={args.conn_max_age}",
            flush=True,
        )
        results = []
        for name, url, extra, uncached in targets:
            _status, _h, body = fetch(url, extra) if not extra else (304, {}, b"")
            size = len(body)
            if wrk:
                result = run_wrk(wrk, url, extra, args.connections, args.duration, uncached)
            else:
                result = run_python(url, extra, args.connections, args.duration, uncached)
            results.append((name, size, result))
            print(f"  measured {name}", flush=True)
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    ceiling = results[0][2]["rps"] or 1
    print()
    print(f"{'what':<48} {'bytes':>9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'/static':>8}")
    for name, size, r in results:
        print(
            f"{name:<48} {size:>9} {r['rps']:>9.0f} {r['p50'] or 0:>8.1f} {r['p99'] or 0:>8.1f} "
            f"{r['errors']:>7} {r['rps'] / ceiling:>8.2f}"
        )


if __name__ == "__main__":
    main()
