#!/usr/bin/env python3
"""Load test of the public site: a realistic mix of pages and API calls against gunicorn, on loopback.

    .venv/bin/python bench/load.py [--database-url URL] [--redis-url URL] [--duration 60] [--connections 50]
                                   [--runs 3] [--nginx] [--max-requests N]

Starts gunicorn with the production settings (and gunicorn.conf.py) on 127.0.0.1, warms the cache,
then runs wrk (installed from Debian's packages if missing):
  1. a static file (the server's ceiling),
  2. one cached commune page,
  3. one cached API commune detail,
  4. the public mix for --duration seconds with --connections clients (--runs times in a row): home,
     directory search (typos included), commune pages, finder (with indicator criteria), comparison,
     API commune detail and places GeoJSON.
For each it prints requests/s, errors by kind (connect, read, write, timeout, non-2xx/3xx) and p50/p95/p99,
the ratios of the cached page and the API detail to the static file, and how many gunicorn workers were
started or stopped during the run (read from gunicorn's own log). With --nginx the same runs go through
nginx (deploy/nginx/osez-proxy.conf, Debian's nginx-light) in front of the same gunicorn.
The database must already hold the data (see README "Benchmarks"). Every request goes to 127.0.0.1
only; every run is bounded in time.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

# Percentiles printed by the script itself: wrk's --latency table has no 95th.
DONE = r"""
done = function(summary, latency, requests)
  io.write(string.format("PCT_US %d %d %d\n", latency:percentile(50.0), latency:percentile(95.0),
    latency:percentile(99.0)))
end
"""

# Every request carries what a browser sends: gzip is accepted (the static file and the cached pages
# are then both sent compressed); OSEZ_LOAD_ENCODING="" (--identity) measures uncompressed answers.
LUA_HEADERS = r"""
HEADERS = {["Host"] = "127.0.0.1", ["X-Forwarded-Proto"] = "https"}
if os.getenv("OSEZ_LOAD_ENCODING") ~= "" then HEADERS["Accept-Encoding"] = os.getenv("OSEZ_LOAD_ENCODING") end
"""

LUA_MIX = (
    LUA_HEADERS
    + r"""
local paths = {}
for line in io.lines(os.getenv("OSEZ_LOAD_PATHS")) do paths[#paths + 1] = line end
request = function()
  local path = paths[math.random(#paths)]
  return wrk.format("GET", path, HEADERS)
end
"""
    + DONE
)

LUA_ONE = (
    LUA_HEADERS
    + r"""
request = function()
  return wrk.format("GET", os.getenv("OSEZ_LOAD_PATH"), HEADERS)
end
"""
    + DONE
)

ENCODING = "gzip, deflate, br"

# The bench's nginx: the production proxy rules (deploy/nginx/osez-proxy.conf) on a plain-HTTP loopback
# port, static files from the collected folder, no per-address limit (every wrk client is 127.0.0.1).
NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  proxy_cache_path {tmp}/cache levels=1:2 keys_zone=osez_pages:10m max_size=256m inactive=10m use_temp_path=off;
  upstream osez_app {{ server 127.0.0.1:{app_port}; keepalive 32; }}
  server {{
    listen 127.0.0.1:{port};
    location /static/ {{
      alias {static}/;
      gzip_static on;
      add_header Cache-Control "public, max-age=31536000, immutable";
    }}
    include {root}/deploy/nginx/osez-proxy.conf;
  }}
}}
"""


def ensure(binary, package):
    if shutil.which(binary) or Path(f"/usr/sbin/{binary}").exists():
        return shutil.which(binary) or f"/usr/sbin/{binary}"
    print(f"Installing {package} from Debian's packages…", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, stdout=subprocess.DEVNULL)
    return shutil.which(binary) or f"/usr/sbin/{binary}"


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
        # Every wrk client is 127.0.0.1: the limits stay on (their counters are part of the cost
        # measured) with rates no run can reach.
        OSEZ_API_ANON_RATE="100000000/minute",
        OSEZ_PUBLIC_PAGE_RATE="100000000/m",
        OSEZ_PROXY_COUNT="1" if args.nginx else "0",
        GUNICORN_LOG_LEVEL="info",
    )
    if args.max_requests is not None:
        env["GUNICORN_MAX_REQUESTS"] = str(args.max_requests)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    if args.departements:
        env["OSEZ_DEPARTEMENTS"] = args.departements
    return env


def sample_paths(env, count=400):
    """Pick real communes, layers, search terms and finder criteria from the database the server uses."""
    code = r"""
import random, json
from communes.models import Commune, Layer
from portail import finder
codes = list(Commune.objects.values_list("code_insee", "name", "slug")[:200000])
random.seed(7)
pick = random.sample(codes, min(len(codes), 300))
layers = list(Layer.objects.filter(is_territory=False).values_list("slug", flat=True))
figures = {name: [c.key for c in criteria]
           for name, criteria in finder.available_figure_fields(finder.get_index()).items()}
print(json.dumps({"communes": pick, "layers": layers, "figures": figures}))
"""
    out = subprocess.run(
        [str(PY), "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        sys.exit("Could not read communes from the database:\n" + out.stderr[-2000:])
    data = json.loads(out.stdout.strip().splitlines()[-1])
    communes, layers = data["communes"], data["layers"] or ["medecins-generalistes"]
    figures = data["figures"]
    if not communes:
        sys.exit("The database holds no commune: load data first (see README, Benchmarks).")
    rng = random.Random(11)
    paths = []
    for _ in range(count):
        roll = rng.random()
        code, name, slug = rng.choice(communes)
        if roll < 0.10:
            paths.append("/")
        elif roll < 0.20:
            term = urllib.request.quote(name.split("-")[0][:6])
            paths.append(f"/communes/?q={term}")
        elif roll < 0.25:
            # A typo: two letters swapped (the typo-tolerant search of the open issues).
            word = name.split("-")[0][:8].lower()
            if len(word) > 3:
                i = rng.randrange(1, len(word) - 2)
                word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            paths.append(f"/communes/?q={urllib.request.quote(word)}")
        elif roll < 0.58:
            paths.append(f"/communes/{code}-{slug}/")
        elif roll < 0.72:
            # As the form sends a workplace chosen from its suggestions: "Name (code INSEE)".
            work_code, work_name, _slug = rng.choice(communes)
            work = urllib.request.quote(f"{work_name} ({work_code})")
            path = f"/trouver/?work_1={work}&km_1={rng.choice([15, 25, 40])}&ages=4%2C9&gp_km=10"
            if figures and rng.random() < 0.5:  # the finder with more criteria
                for name in rng.sample(sorted(figures), min(2, len(figures))):
                    path += f"&{name}={urllib.request.quote(rng.choice(figures[name]))}"
            paths.append(path)
        elif roll < 0.80:
            other = rng.choice(communes)[0]
            paths.append(f"/comparer/?communes={code},{other}")
        elif roll < 0.92:
            paths.append(f"/api/v1/communes/{code}/")
        else:
            layer = rng.choice(layers)
            paths.append(f"/api/v1/places/geojson/?layer={layer}&commune={code}")
    return paths


def run_wrk(wrk, script, env_extra, port, connections, duration, threads):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
        lua = fh.name
    env = dict(os.environ, **env_extra)
    env.setdefault("OSEZ_LOAD_ENCODING", ENCODING)
    cmd = [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s"]
    cmd += ["-s", lua, f"http://127.0.0.1:{port}"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=duration + 60).stdout
    os.unlink(lua)
    return parse_wrk(out), out


def parse_wrk(text):
    result = {"rps": 0.0, "requests": 0, "p50": None, "p95": None, "p99": None}
    result.update(dict.fromkeys(("connect", "read", "write", "timeout", "status"), 0))
    if m := re.search(r"Requests/sec:\s+([\d.]+)", text):
        result["rps"] = float(m.group(1))
    if m := re.search(r"(\d+) requests in", text):
        result["requests"] = int(m.group(1))
    if m := re.search(r"PCT_US (\d+) (\d+) (\d+)", text):
        result["p50"], result["p95"], result["p99"] = (int(x) / 1000 for x in m.groups())
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text):
        result["status"] = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text):
        result["connect"], result["read"], result["write"], result["timeout"] = (int(x) for x in m.groups())
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "timeout", "status"))
    return result


class GunicornLog:
    """gunicorn's own log, to count the workers it started and stopped during each run."""

    EVENTS = {
        "booted": "Booting worker",
        "recycled": "Autorestarting worker",
        "timed out": "WORKER TIMEOUT",
        "exited": "Worker exiting",
    }

    def __init__(self, path):
        self.path = path
        self.offset = 0

    def since_last(self):
        text = self.path.read_text(errors="replace")
        new, self.offset = text[self.offset :], len(text)
        return {name: new.count(marker) for name, marker in self.EVENTS.items() if marker in new}


class CpuMeter:
    """CPU seconds spent by the server's processes (gunicorn's master and workers, nginx), Redis and wrk
    during a run, to say where a request's cost goes (from /proc, Linux only: None elsewhere)."""

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self, groups):
        self.groups = groups  # name → process group ids, or the name of a program (Redis)

    @classmethod
    def _seconds(cls, match):
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                name = (entry / "comm").read_text().strip()
            except OSError:
                continue
            if match(int(fields[2]), name):  # fields[2]: the process group
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / cls.TICK

    def read(self):
        if not Path("/proc/self/stat").exists():
            return None
        values = {}
        for label, target in self.groups.items():
            if isinstance(target, str):
                values[label] = self._seconds(lambda _pgid, name, t=target: name.startswith(t))
            else:
                values[label] = self._seconds(lambda pgid, _name, t=target: pgid in t)
        children = os.times()
        values["wrk"] = children.children_user + children.children_system
        return values


def warm(port, paths):
    """Ask every path once (the mix then measures warm caches); say which answered with an error, since
    wrk only counts them."""
    failed = []
    for path in sorted(paths):
        # The Host wrk sends (the page cache's key holds the host): warm the entries the mix will read.
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
        )
        try:
            urllib.request.urlopen(request, timeout=30).read()
        except urllib.error.HTTPError as exc:
            failed.append((exc.code, path))
        except Exception as exc:
            failed.append((type(exc).__name__, path))
    if failed:
        print(f"warm-up: {len(failed)} of {len(paths)} paths answered with an error:", flush=True)
        for status, path in failed[:20]:
            print(f"  {status} {path}", flush=True)


def wait_for(port, process, log):
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return
        except Exception:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    sys.exit(f"server on port {port} did not start:\n" + log.read_text(errors="replace")[-3000:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9"))
    parser.add_argument("--departements", default=os.environ.get("OSEZ_DEPARTEMENTS"))
    parser.add_argument("--duration", type=int, default=60, help="seconds of each mix run")
    parser.add_argument("--short", type=int, default=15, help="seconds of each single-URL run")
    parser.add_argument("--runs", type=int, default=1, help="mix runs in a row")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--max-requests", type=int, help="gunicorn max_requests (default: gunicorn.conf.py's)"
    )
    parser.add_argument("--nginx", action="store_true", help="measure through nginx in front of gunicorn")
    parser.add_argument("--nginx-port", type=int, default=8766)
    parser.add_argument(
        "--identity", action="store_true", help="send no Accept-Encoding (default: gzip, as browsers)"
    )
    args = parser.parse_args()
    global ENCODING
    ENCODING = "" if args.identity else ENCODING
    if not 1 <= args.duration <= 600 or not 1 <= args.short <= 600 or not 1 <= args.runs <= 10:
        sys.exit("--duration and --short must be between 1 and 600 seconds, --runs between 1 and 10")
    wrk = ensure("wrk", "wrk")
    nginx = ensure("nginx", "nginx-light") if args.nginx else None
    work = Path(tempfile.mkdtemp(prefix="osez-load-"))
    work.chmod(0o755)  # nginx's workers run as another user (nobody) when started by root
    static_root = work / "static"
    env = django_env(args, static_root)
    subprocess.run([str(PY), "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    paths = sample_paths(env)
    paths_file = work / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    commune_path = next(p for p in paths if re.fullmatch(r"/communes/[0-9AB]{5}-[-a-z0-9]+/", p))
    api_path = next(p for p in paths if p.startswith("/api/v1/communes/"))
    env["GUNICORN_BIND"] = f"127.0.0.1:{args.port}"
    env["GUNICORN_WORKERS"] = str(args.workers)
    gunicorn_log = work / "gunicorn.log"
    processes = []
    try:
        with gunicorn_log.open("w") as log_file:
            server = subprocess.Popen(
                [str(GUNICORN), "-c", "gunicorn.conf.py", "osez.wsgi:application"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
                start_new_session=True,
            )
        processes.append(server)
        wait_for(args.port, server, gunicorn_log)
        port = args.port
        if nginx:
            (work / "nginx").mkdir()
            conf = work / "nginx" / "nginx.conf"
            conf.write_text(
                NGINX_CONF.format(
                    tmp=work / "nginx",
                    app_port=args.port,
                    port=args.nginx_port,
                    static=static_root,
                    root=ROOT,
                )
            )
            proxy = subprocess.Popen(
                [nginx, "-c", str(conf), "-g", "daemon off;"],
                stdout=subprocess.DEVNULL,
                stderr=(work / "nginx" / "stderr.log").open("w"),
                start_new_session=True,
            )
            processes.append(proxy)
            port = args.nginx_port
            wait_for(port, proxy, work / "nginx" / "error.log")
        # Follow the commune redirect once to get the canonical page, then warm every path of the mix.
        final = urllib.request.urlopen(
            urllib.request.Request(
                f"http://127.0.0.1:{port}{commune_path}", headers={"X-Forwarded-Proto": "https"}
            )
        ).geturl()
        commune_page = final.replace(f"http://127.0.0.1:{port}", "")
        warm(port, set(paths))
        log = GunicornLog(gunicorn_log)
        log.since_last()
        meter = CpuMeter(
            {"gunicorn": {processes[0].pid}, "nginx": {p.pid for p in processes[1:]}, "redis": "redis-server"}
        )

        def measured(run):
            before = meter.read()
            result, raw = run()
            after = meter.read()
            if before and after and result["requests"]:
                result["cpu_us"] = {
                    k: (after[k] - before[k]) / result["requests"] * 1e6
                    for k in after
                    if after[k] > before[k]
                }
            return result, raw

        base = {"OSEZ_PORT": str(port)}
        one = [
            ("static file", "/static/css/osez.css"),
            ("cached commune page", commune_page),
            ("cached API commune detail", api_path),
        ]
        results = []
        for name, path in one:
            result, _raw = measured(
                lambda path=path: run_wrk(
                    wrk,
                    LUA_ONE,
                    {**base, "OSEZ_LOAD_PATH": path},
                    port,
                    args.connections,
                    args.short,
                    args.wrk_threads,
                )
            )
            results.append((f"{name} ({args.short}s)", result, log.since_last()))
        for run in range(1, args.runs + 1):
            result, _raw = measured(
                lambda: run_wrk(
                    wrk,
                    LUA_MIX,
                    {**base, "OSEZ_LOAD_PATHS": str(paths_file)},
                    port,
                    args.connections,
                    args.duration,
                    args.wrk_threads,
                )
            )
            results.append((f"public mix {run} ({args.duration}s)", result, log.since_last()))
    finally:
        for process in reversed(processes):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    load = os.getloadavg()
    via = f"nginx on :{args.nginx_port} → " if nginx else ""
    print(
        f"Load on 127.0.0.1: {via}gunicorn on :{args.port} ({args.workers} workers × threads of gunicorn.conf.py), "
        f"{args.connections} connections, wrk {args.wrk_threads} threads, "
        f"Accept-Encoding: {ENCODING or '(none)'}; load average at the end "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    for name, r, events in results:
        kinds = ", ".join(f"{k} {r[k]}" for k in ("connect", "read", "write", "timeout", "status") if r[k])
        print(
            f"{name:<32} {r['rps']:>8.0f} req/s  {r['requests']:>7} requests  errors {r['errors']:>4}"
            f"{' (' + kinds + ')' if kinds else ''}  p50 {r['p50'] or 0:>6.1f} ms  p95 {r['p95'] or 0:>6.1f} ms  "
            f"p99 {r['p99'] or 0:>6.1f} ms"
        )
        if r.get("cpu_us"):
            print(
                f"{'':<32} CPU per request: " + ", ".join(f"{k} {v:.0f} µs" for k, v in r["cpu_us"].items())
            )
        if events:
            print(f"{'':<32} gunicorn workers: " + ", ".join(f"{k} {v}" for k, v in events.items()))
    static = results[0][1]["rps"]
    if static:
        print(f"cached commune page / static file: {results[1][1]['rps'] / static:.2f}")
        print(f"cached API commune detail / static file: {results[2][1]['rps'] / static:.2f}")


if __name__ == "__main__":
    main()
