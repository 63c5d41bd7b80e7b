"""Project-level views: the health check and error pages."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """200 when every configured backing service answers, 503 naming the one that does not."""
    checks, ok = {}, True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means the database does not answer
        checks["database"] = f"error: {type(exc).__name__}"
        ok = False
    if settings.REDIS_URL:
        import redis

        try:
            client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
            client.ping()
            checks["redis"] = "ok"
        except Exception as exc:  # connection refused, timeout, auth…
            checks["redis"] = f"error: {type(exc).__name__}"
            ok = False
    else:
        checks["redis"] = "not configured (tasks run in-process)"
    checks["status"] = "ok" if ok else "error"
    return JsonResponse(checks, status=200 if ok else 503)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)
