"""gunicorn configuration for production (docker-compose's web service and the load benchmark use it).

In production gunicorn sits behind the reverse proxy (nginx, see deploy/nginx/): it is never
published on a public address, so the proxy's appended X-Forwarded-For hop is the only one trusted.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
# Idle keep-alive connections are closed after this many seconds. A client that sends its next request
# on a connection at the moment the server closes it gets a read error, so closes must be rare: a few
# seconds of idleness only, never a busy connection.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
backlog = int(os.environ.get("GUNICORN_BACKLOG", 2048))
# No periodic recycling by default. Recycling a gthread worker (max_requests) closes every keep-alive
# connection it holds, including ones a client is writing its next request on at that instant: that was
# the cause of the load test's socket read errors (README, Benchmarks). The app has no known leak; set
# GUNICORN_MAX_REQUESTS to recycle anyway — behind nginx, which retries an idempotent request that
# met a closed upstream connection (proxy_next_upstream error), visitors never see it.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 10
# Our own middleware writes one JSON line per request; gunicorn's access log would duplicate it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Whose X-Forwarded-Proto gunicorn believes: the proxy's. In docker-compose only the proxy can reach
# gunicorn (no published port), so the compose file sets "*".
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
