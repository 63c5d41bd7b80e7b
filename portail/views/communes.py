"""Home page and commune pages: the directory, a commune's page, search suggestions, the territory map's points."""

from __future__ import annotations

import difflib

from django.conf import settings
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

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
    queryset = form.filter(Commune.objects.active().select_related("epci"))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portail/directory.html",
        {"form": form, "page": page, "query": query.urlencode(), "searched": bool(request.GET.get("q"))},
    )


def _not_found(request, text):
    """A 404 that helps: the search field, and the communes whose names look like what was asked."""
    folded = fold(text)
    suggestions = []
    if folded and not folded.replace(" ", "").isdigit():
        suggestions = list(Commune.objects.active().search(folded)[:SUGGESTIONS])
        if len(suggestions) < SUGGESTIONS:
            candidates = Commune.objects.active()
            if candidates.count() > 5000:
                # Nationally, compare only names sharing a piece of the longest word asked: difflib
                # over 35,000 names would cost every mistyped address a second of CPU.
                candidates = candidates.filter(search_text__contains=max(folded.split(), key=len)[:3])
            names = {fold(name): code for code, name in candidates.values_list("code_insee", "name")}
            close = difflib.get_close_matches(folded, names.keys(), n=SUGGESTIONS, cutoff=0.6)
            extra = Commune.objects.filter(pk__in=[names[n] for n in close]).exclude(
                pk__in=[c.pk for c in suggestions]
            )
            suggestions += sorted(extra, key=lambda c: close.index(fold(c.name)))
    elif folded:
        # A mistyped code: the communes whose code differs by the last digits.
        suggestions = list(Commune.objects.active().filter(code_insee__startswith=folded[:4])[:SUGGESTIONS])
    return render(
        request,
        "portail/commune_not_found.html",
        {"asked": text, "suggestions": suggestions[:SUGGESTIONS], "query": text.replace("-", " ")},
        status=404,
    )


def detail_code(request, code):
    """``/communes/<code>/``: redirects to the slugged address; a name typed instead of a code is searched."""
    commune = Commune.objects.active().filter(pk=code.upper()).only("code_insee", "slug").first()
    if commune is None:
        return _not_found(request, code)
    return redirect(commune, permanent=True)


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
    """JSON suggestions while typing in a search field (names first, then postcodes)."""
    query = request.GET.get("q", "")[:100]
    results = []
    if len(fold(query)) >= 2:
        communes = list(
            Commune.objects.active()
            .search(query)
            .only("code_insee", "name", "slug", "postcodes")
            .order_by("name")[:200]
        )
        folded = fold(query)
        # Names that start with what was typed come first ("troyes" before "saint-julien-les-troyes").
        communes.sort(key=lambda c: (not fold(c.name).startswith(folded), c.name))
        results = [
            {
                "code": c.code_insee,
                "name": c.name,
                "postcodes": c.postcodes,
                "label": f"{c.name} ({', '.join(c.postcodes)})" if c.postcodes else c.name,
                "url": c.get_absolute_url(),
            }
            for c in communes[:SUGGESTIONS]
        ]
    response = JsonResponse({"query": query, "results": results})
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
