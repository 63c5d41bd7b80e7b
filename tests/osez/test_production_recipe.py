"""The production recipe: only the proxy is published, the cache's Redis is bounded and may evict, the
broker's never does, and the settings send Celery to the broker's Redis."""

import os
import subprocess
import sys

import yaml
from django.conf import settings

COMPOSE = settings.BASE_DIR / "docker-compose.yml"


def _services():
    return yaml.safe_load(COMPOSE.read_text())["services"]


def _flags(command):
    return dict(zip(command[1::2], command[2::2], strict=False)) if isinstance(command, list) else {}


def test_only_the_proxy_publishes_a_port():
    published = {name for name, service in _services().items() if service.get("ports")}
    assert published == {"proxy"}
    assert "8000" in [str(port) for port in _services()["web"].get("expose", [])]


def test_the_cache_redis_is_bounded_and_evicts_the_broker_redis_never_does():
    services = _services()
    cache_command = " ".join(services["redis-cache"]["command"])
    assert "--maxmemory " in cache_command and "--maxmemory-policy allkeys-lru" in cache_command
    broker_command = " ".join(services["redis-broker"]["command"])
    assert "--maxmemory-policy noeviction" in broker_command
    environment = services["web"]["environment"]
    assert environment["REDIS_URL"].startswith("redis://redis-cache:")
    assert environment["REDIS_BROKER_URL"].startswith("redis://redis-broker:")
    assert str(environment["OSEZ_PROXY_COUNT"]) == "1"
    for name in ("worker", "beat"):
        assert services[name]["environment"]["REDIS_BROKER_URL"] == environment["REDIS_BROKER_URL"]


def test_the_proxy_appends_the_visitors_address_and_serves_static_files():
    proxy = (settings.BASE_DIR / "deploy" / "nginx" / "osez-proxy.conf").read_text()
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in proxy
    assert "proxy_no_cache $cookie_sessionid" in proxy
    main = (settings.BASE_DIR / "deploy" / "nginx" / "nginx.conf").read_text()
    assert "location /static/" in main and "limit_req zone=" in main


def _broker_settings(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "REDIS_BROKER_URL")}
    environment.update(env, DJANGO_SETTINGS_MODULE="osez.settings.dev")
    code = (
        "from django.conf import settings as s; print(s.CACHES['default']['LOCATION'], s.CELERY_BROKER_URL)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_celery_uses_the_broker_url_and_falls_back_to_the_cache_one():
    assert _broker_settings(REDIS_URL="redis://cache:6379/0", REDIS_BROKER_URL="redis://broker:6379/0") == [
        "redis://cache:6379/0",
        "redis://broker:6379/0",
    ]
    assert _broker_settings(REDIS_URL="redis://cache:6379/0") == [
        "redis://cache:6379/0",
        "redis://cache:6379/0",
    ]
