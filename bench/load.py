#!/usr/bin/env python3
"""Load test of the public site: a realistic mix of pages and API calls against gunicorn, on loopback.

    .venv/bin/python bench/load.py [--database-url URL] [--redis-url URL] [--duration 60] [--connections 50]

Starts gunicorn with the production settings (and gunicorn.conf.py) on 127.0.0.1, warms the cache,
then runs wrk (installed from Debian's packages if missing) three times:
  1. a static file (the server's ceiling),
  2. one cached commune page (to compare with the ceiling),
  3. the public mix for --duration seconds with --connections clients: home, directory search,
     commune pages, finder, comparison, API commune detail and places GeoJSON.
It prints requests/s, errors and latency percentiles of each, and the commune/static ratio. The
database must already hold the data (see README "Benchmarks": `bench/bench_import.py` loads it).
Every request goes to 127.0.0.1 only; every run is bounded in time.
"""

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

LUA_MIX = r"""
local paths = {}
for line in io.lines(os.getenv("OSEZ_LOAD_PATHS")) do paths[#paths + 1] = line end
local counter = 0
request = function()
  counter = counter + 1
  local path = paths[math.random(#paths)]
  return wrk.format("GET", path, {["Host"] = "127.0.0.1", ["X-Forwarded-Proto"] = "https"})
end
done = function(summary, latency, requests)
  io.write(string.format("P95_US %d\n", latency:percentile(95.0)))
end
"""

LUA_ONE = r"""
request = function()
  return wrk.format("GET", os.getenv("OSEZ_LOAD_PATH"), {["Host"] = "127.0.0.1", ["X-Forwarded-Proto"] = "https"})
end
done = function(summary, latency, requests)
  io.write(string.format("P95_US %d\n", latency:percentile(95.0)))
end
"""


def ensure_wrk():
    if shutil.which("wrk"):
        return shutil.which("wrk")
    print("Installing wrk from Debian's packages…", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk")


def django_env(args, static_root):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="osez.settings.prod",
        SECRET_KEY="load-test-secret-key-not-for-production-0123456789abcdef",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        OSEZ_LOG_FORMAT="json",
        OSEZ_REQUEST_LOG_LEVEL="WARNING",  # one log line per request would measure the terminal
        LOG_LEVEL="WARNING",
        OSEZ_STATIC_ROOT=str(static_root),
        AXES_ENABLED="false",
        OSEZ_API_ANON_RATE="1000000/minute",
        OSEZ_RATELIMIT_ENABLED="false",
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    if args.departements:
        env["OSEZ_DEPARTEMENTS"] = args.departements
    return env


def sample_paths(env, count=400):
    """Pick real communes, layers and search terms from the database the server will use."""
    code = r"""
import random, json
from communes.models import Commune, Layer
codes = list(Commune.objects.values_list("code_insee", "name", "slug")[:200000])
random.seed(7)
pick = random.sample(codes, min(len(codes), 300))
layers = list(Layer.objects.filter(is_territory=False).values_list("slug", flat=True))
print(json.dumps({"communes": pick, "layers": layers}))
"""
    out = subprocess.run(
        [str(PY), "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        sys.exit("Could not read communes from the database:\n" + out.stderr[-2000:])
    import json

    data = json.loads(out.stdout.strip().splitlines()[-1])
    communes, layers = data["communes"], data["layers"] or ["medecins-generalistes"]
    if not communes:
        sys.exit("The database holds no commune: load data first (see README, Benchmarks).")
    rng = random.Random(11)
    paths = []
    for _ in range(count):
        roll = rng.random()
        code, name, slug = rng.choice(communes)
        if roll < 0.10:
            paths.append("/")
        elif roll < 0.25:
            term = urllib.request.quote(name.split("-")[0][:6])
            paths.append(f"/communes/?q={term}")
        elif roll < 0.60:
            paths.append(f"/communes/{code}-{slug}/")
        elif roll < 0.72:
            work = rng.choice(communes)[0]
            paths.append(f"/trouver/?work_1={work}&km_1={rng.choice([15, 25, 40])}&ages=4%2C9&gp_km=10")
        elif roll < 0.80:
            other = rng.choice(communes)[0]
            paths.append(f"/comparer/?communes={code},{other}")
        elif roll < 0.92:
            paths.append(f"/api/v1/communes/{code}/")
        else:
            layer = rng.choice(layers)
            paths.append(f"/api/v1/places/geojson/?layer={layer}&commune={code}")
    return paths


def run_wrk(wrk, script, env_extra, connections, duration, threads=2):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
        lua = fh.name
    env = dict(os.environ, **env_extra)
    cmd = [
        wrk,
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{duration}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        lua,
        "http://127.0.0.1:{}".format(env_extra["OSEZ_PORT"]),
    ]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=duration + 60).stdout
    os.unlink(lua)
    return parse_wrk(out), out


def parse_wrk(text):
    def to_ms(value):
        number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
        return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    result = {"rps": 0.0, "errors": 0, "p50": None, "p95": None, "p99": None, "requests": 0}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", text):
        result["rps"] = float(m.group(1))
    if m := re.search(r"(\d+) requests in", text):
        result["requests"] = int(m.group(1))
    for pct in ("50", "75", "90", "99"):
        if m := re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", text, re.M):
            result[f"p{pct}"] = to_ms(m.group(1))
    if m := re.search(r"P95_US (\d+)", text):
        result["p95"] = int(m.group(1)) / 1000
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text):
        result["errors"] += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text):
        result["errors"] += sum(int(x) for x in m.groups())
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9"))
    parser.add_argument("--departements", default=os.environ.get("OSEZ_DEPARTEMENTS"))
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if not 1 <= args.duration <= 600:
        sys.exit("--duration must be between 1 and 600 seconds")
    wrk = ensure_wrk()
    static_root = Path(tempfile.mkdtemp(prefix="osez-static-"))
    env = django_env(args, static_root)
    subprocess.run([str(PY), "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    paths = sample_paths(env)
    paths_file = static_root / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    commune_path = next(p for p in paths if re.fullmatch(r"/communes/[0-9AB]{5}-[-a-z0-9]+/", p))
    env["GUNICORN_BIND"] = f"127.0.0.1:{args.port}"
    env["GUNICORN_WORKERS"] = str(args.workers)
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "osez.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=2)
                break
            except Exception:
                time.sleep(0.2)
        else:
            sys.exit("gunicorn did not start:\n" + server.stderr.read1().decode()[-3000:])
        # Follow the commune redirect once to get the canonical page, then warm every path of the mix.
        final = urllib.request.urlopen(
            urllib.request.Request(
                f"http://127.0.0.1:{args.port}{commune_path}", headers={"X-Forwarded-Proto": "https"}
            )
        ).geturl()
        commune_page = final.replace(f"http://127.0.0.1:{args.port}", "")
        for path in set(paths):
            try:
                urllib.request.urlopen(
                    urllib.request.Request(
                        f"http://127.0.0.1:{args.port}{path}", headers={"X-Forwarded-Proto": "https"}
                    ),
                    timeout=30,
                ).read()
            except Exception:
                pass
        static_path = "/static/css/osez.css"
        base = {"OSEZ_PORT": str(args.port)}
        short = min(args.duration, 15)
        static, _ = run_wrk(wrk, LUA_ONE, {**base, "OSEZ_LOAD_PATH": static_path}, args.connections, short)
        commune, _ = run_wrk(wrk, LUA_ONE, {**base, "OSEZ_LOAD_PATH": commune_page}, args.connections, short)
        mix, mix_raw = run_wrk(
            wrk, LUA_MIX, {**base, "OSEZ_LOAD_PATHS": str(paths_file)}, args.connections, args.duration
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)

    def line(name, r):
        return (
            f"{name:<28} {r['rps']:>9.0f} req/s  errors {r['errors']:>5}  "
            f"p50 {r['p50'] or 0:>7.1f} ms  p95 {r['p95'] or 0:>7.1f} ms  p99 {r['p99'] or 0:>7.1f} ms"
        )

    print(f"Load on 127.0.0.1:{args.port}, {args.connections} connections, gunicorn {args.workers} workers")
    print(line(f"static file ({short}s)", static))
    print(line(f"cached commune page ({short}s)", commune))
    print(line(f"public mix ({args.duration}s)", mix))
    for detail in re.findall(r"^\s*(Socket errors:.*|Non-2xx or 3xx responses:.*)$", mix_raw, re.M):
        print(f"  public mix: {detail.strip()}")
    ratio = commune["rps"] / static["rps"] if static["rps"] else 0
    print(f"commune page / static ceiling: {ratio:.2f}")


if __name__ == "__main__":
    main()
