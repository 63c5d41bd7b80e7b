"""Shared API plumbing: pagination, content negotiation, throttling and the error format (a 400 names the parameter)."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler

from .throttling import AnonRateThrottle  # noqa: F401 - its former home, still imported from here

# One source to credit; kept inline so the pagination schema does not depend on a serializer being used.
ATTRIBUTION_SCHEMA = {
    "type": "object",
    "required": ["source", "name", "publisher", "licence", "licence_url"],
    "properties": {
        "source": {"type": "string"},
        "name": {"type": "string"},
        "publisher": {"type": "string"},
        "licence": {"type": "string"},
        "licence_url": {"type": "string", "format": "uri"},
        "homepage": {"type": "string"},
        "last_update": {"type": "string", "format": "date-time", "nullable": True},
    },
}


class Pagination(PageNumberPagination):
    """Page numbers, with a malformed ``page``/``page_size`` answered by a 400 that names it.

    DRF silently falls back to the default size for a bad ``page_size`` and answers 404 for ``page=abc``;
    a re-user's script is better served by being told which parameter is wrong.
    """

    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_page_message = _("Cette page n'existe pas.")

    def _positive_int(self, request, name):
        raw = request.query_params.get(name)
        if raw is None:
            return None
        # An empty value ("?page_size=") is a malformed integer, not an absent parameter.
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value < 1:
            raise exceptions.ValidationError({name: [_("Un entier supérieur ou égal à 1 est attendu.")]})
        return value

    def get_page_size(self, request):
        size = self._positive_int(request, self.page_size_query_param)
        if size is None:
            return self.page_size
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self._positive_int(request, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["count", "licence", "attribution", "results"]
        paginated["properties"]["licence"] = {
            "type": "string",
            "description": "Licence(s) des données de la page (réutilisation libre avec mention de la source).",
        }
        paginated["properties"]["attribution"] = {
            "type": "array",
            "description": "Sources à citer pour les données de la page.",
            "items": ATTRIBUTION_SCHEMA,
        }
        return paginated


class FirstRendererNegotiation(BaseContentNegotiation):
    """Each URL has one representation: answer it whatever ``Accept`` says, rather than a 406.

    CSV and GeoJSON downloads are streamed outside the renderers, and an error is always JSON.
    """

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def exception_handler(exc, context):
    """DRF's handler, with every error body shaped as ``{"detail": …}`` plus ``errors`` per parameter."""
    if isinstance(exc, Http404):
        # Django's message is English and names the model ("No Commune matches…"); DRF's is French.
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        names = ", ".join(sorted(errors))
        response.data = {
            "detail": str(_("Paramètre invalide : %(names)s.") % {"names": names}),
            "errors": errors,
        }
    elif not (isinstance(data, dict) and "detail" in data):
        response.data = {"detail": str(data)}
    return response
