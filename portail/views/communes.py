"""Home page and commune pages: the directory, a commune's page, search suggestions, the territory map's points."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from communes import search
from communes.models import Commune
from communes.text import fold
from osez.cache import cached_public

from .. import services
from ..forms import DirectoryForm
from ..maps import leaflet_options

PAGE_SIZE = 50
SUGGESTIONS = 8


@cached_public(prefix="home", query=())
def home(request):
    return render(request, "portail/home.html", {"map_options": leaflet_options()})


@cached_public(prefix="directory", query=(*DirectoryForm.base_fields, "page"))
@require_GET
def directory(request):
    form = DirectoryForm(request.GET or None)
    # "troyes" alone: straight to Troyes' page (a typo or several answers list them instead).
    only_q = set(request.GET) == {"q"}
    if only_q and form.is_valid() and form.cleaned_data.get("q"):
        commune = search.unambiguous(form.cleaned_data["q"])
        if commune is not None:
            return redirect(commune.get_absolute_url())
    queryset = form.filter(Commune.objects.active().select_related("epci"))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portail/directory.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "searched": bool(request.GET.get("q")),
            "corrected": form.corrected,
        },
    )


def _not_found(request, text, message=""):
    """A 404 that helps: the search field, and the communes whose names look like what was asked."""
    suggestions = []
    if not message:
        try:
            suggestions = [m.entry for m in search.search(text.replace("-", " "), limit=SUGGESTIONS)]
        except search.QueryTooLong as exc:
            message = str(exc)
    return render(
        request,
        "portail/commune_not_found.html",
        {
            "asked": text[: search.MAX_QUERY_CHARS],
            "too_long": len(text) > search.MAX_QUERY_CHARS,
            "message": message,
            "suggestions": suggestions,
            "query": text.replace("-", " ")[: search.MAX_QUERY_CHARS],
        },
        status=404,
    )


def detail_code(request, code):
    """``/communes/<code>/``: redirects to the slugged address; a name typed instead of a code is understood
    (``/communes/troyes/`` → Troyes) or answered with the communes it looks like."""
    commune = Commune.objects.active().filter(pk=code.upper()).only("code_insee", "slug").first()
    if commune is not None:
        return redirect(commune, permanent=True)
    try:
        found = search.unambiguous(code.replace("-", " "))
    except search.QueryTooLong as exc:
        return _not_found(request, code, message=str(exc))
    if found is not None:
        return redirect(found.get_absolute_url())
    return _not_found(request, code)


@cached_public(prefix="commune", query=())
def detail(request, code, slug):
    commune = Commune.objects.active().select_related("epci", "departement").filter(pk=code.upper()).first()
    if commune is None:
        return _not_found(request, slug or code)
    if slug != commune.slug:
        return redirect(commune, permanent=True)
    context = services.commune_page(commune)
    context["map_options"] = leaflet_options()
    return render(request, "portail/commune.html", context)


@cached_public(prefix="suggestions", query=("q",))
@require_GET
def suggestions(request):
    """JSON suggestions while typing in a search field: exact names, then prefixes, words, look-alikes
    (typos), or postcodes and codes INSEE (communes.search). The back-office's combobox reads it too."""
    raw = request.GET.get("q", "")
    query = raw[: search.MAX_QUERY_CHARS]
    results, message = [], ""
    try:
        matches = search.search(raw, limit=SUGGESTIONS) if len(fold(raw[:200])) >= 2 else []
    except search.QueryTooLong as exc:
        matches, message = [], str(exc)
    for m in matches:
        e = m.entry
        results.append(
            {
                "code": e.code,
                "name": e.name,
                "postcodes": list(e.postcodes),
                "label": search.label(e) if e.postcodes else e.name,
                "url": e.get_absolute_url(),
            }
        )
    body = {"query": query, "results": results}
    if message:
        body["message"] = message
    response = JsonResponse(body)
    response["Cache-Control"] = "public, max-age=300"
    return response


@cached_public(prefix="communes-map", query=())
@require_GET
def map_points(request):
    """The centres of the territory's communes for the home page map (about 20 kB for the Aube)."""
    rows = (
        Commune.objects.active()
        .filter(departement_id__in=settings.OSEZ_DEPARTEMENTS, latitude__isnull=False)
        .order_by("code_insee")
        .values_list("code_insee", "slug", "name", "latitude", "longitude", "population")
    )
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
            "properties": {
                "name": name,
                "population": population,
                "url": reverse("portail:commune", kwargs={"code": code, "slug": slug}),
            },
        }
        for code, slug, name, lat, lon, population in rows
    ]
    return JsonResponse(
        {"type": "FeatureCollection", "features": features}, json_dumps_params={"separators": (",", ":")}
    )
