"""Production behind a TLS-terminating proxy: secrets from the environment, HTTPS everywhere, 2FA for staff."""

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, DATABASES, MIDDLEWARE, REST_FRAMEWORK
from .env import env, fail

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY.startswith("insecure") or len(SECRET_KEY) < 40:
    fail(
        "Configuration error: SECRET_KEY must be set to a random value of at least 40 characters in production."
    )

# Keep database connections across requests: opening one per request (PostgreSQL forks a backend for
# each) cost more than the cached API answer it served. Checked before reuse, so a restarted database
# costs one failed request per worker, not an error page.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
OSEZ_REQUIRE_2FA = env.bool("OSEZ_REQUIRE_2FA", default=True)
# The TLS proxy appends the visitor's address to X-Forwarded-For; trust exactly that one hop (see osez.audit).
OSEZ_PROXY_COUNT = env.int("OSEZ_PROXY_COUNT", default=1)
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": OSEZ_PROXY_COUNT}
CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"], "upgrade-insecure-requests": True},
}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MIDDLEWARE = list(MIDDLEWARE)
