"""The API's reference pages: Swagger UI served from the project's static files, under the strict CSP."""

from django.http import HttpResponse
from django.template import engines
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView

# drf-spectacular's own page carries an inline <style> block, which our Content-Security-Policy
# (style-src 'self') refuses; this page is the same without it, in French. Its scripts are all files:
# the two Swagger UI bundles from drf-spectacular-sidecar, and the initialisation script that the
# split view serves from this same URL with ``?script=``.
PAGE = engines["django"].from_string(
    """<!DOCTYPE html>
<html lang="fr">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{ title }} — référence</title>
    <link rel="icon" href="{{ favicon_href }}">
    <link rel="stylesheet" href="{{ swagger_ui_css }}">
  </head>
  <body>
    <main id="swagger-ui"><p>Chargement de la référence de l'API… Le document OpenAPI est aussi
      disponible sans JavaScript : <a href="{{ schema_url }}">{{ schema_url }}</a>.</p></main>
    <script src="{{ swagger_ui_bundle }}"></script>
    <script src="{{ swagger_ui_standalone }}"></script>
    <script src="{{ script_url }}"></script>
  </body>
</html>
"""
)


class DocsView(SpectacularSwaggerSplitView):
    url_name = "api:schema"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if request.GET.get("script") is not None:
            return response
        context = {**response.data, "schema_url": self._get_schema_url(request)}
        return HttpResponse(PAGE.render(context, request), content_type="text/html; charset=utf-8")
