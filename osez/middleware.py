"""Request-scoped plumbing: a request id on every request and one structured log line per response."""

import contextvars
import logging
import time
import uuid

request_id_var = contextvars.ContextVar("request_id", default="-")
access_log = logging.getLogger("osez.requests")


def user_role(request):
    """The role of whoever made the request, never their identity (no personal data in logs)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "anonymous"
    if user.is_superuser:
        return "admin"
    from .roles import group_names

    return ",".join(sorted(group_names(user))) or "staff"


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-Id", "")
        rid = incoming if incoming and len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        request.request_id = rid
        token = request_id_var.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-Id"] = rid
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "role": user_role(request),
                },
            )
            return response
        finally:
            request_id_var.reset(token)
