"""The household finder and the comparison of communes."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from communes.models import Layer
from osez.cache import cached_public

from .. import finder, services
from ..forms import FinderForm
from ..maps import leaflet_options


def _sport_layers():
    return list(
        Layer.objects.filter(slug__in=finder.SPORT_LAYERS)
        .order_by("order", "name")
        .values_list("slug", "name")
    )


def _figure_sources(criteria):
    """Where the figures of the criteria come from, and of when: one line under the results (each figure's
    source and vintage, as everywhere else on the site), fictional sources said so."""
    from communes.publication import is_fictional, vintage_label

    reference = services.reference_data()
    by_slug = {i.slug: i for i in reference.indicators}
    lines = []
    for slug in dict.fromkeys(c.indicator for c in criteria.figures):
        indicator = by_slug.get(slug)
        source = reference.sources.get(indicator.source_id) if indicator else None
        if source is not None:
            lines.append(
                {"indicator": indicator.name, "source": source.name, "vintage": vintage_label(source),
                 "fictional": is_fictional(source)}
            )  # fmt: skip
    return lines


def _finder_map_data(results, criteria):
    points = [
        {
            "name": r.name,
            "rank": r.rank,
            "lat": r.latitude,
            "lon": r.longitude,
            "url": reverse("portail:commune", kwargs={"code": r.code, "slug": r.slug}),
        }
        for r in results
    ]
    workplaces = [{"name": w.name, "lat": w.latitude, "lon": w.longitude} for w in criteria.workplaces]
    return {"points": points, "workplaces": workplaces}


# Every field of the form, the indicator criteria it adds at run time included.
@cached_public(prefix="finder", query=(*FinderForm.base_fields, *finder.FIGURE_FIELDS))
@require_GET
def finder_view(request):
    index = finder.get_index()
    form = FinderForm(
        request.GET or None, sport_layers=_sport_layers(), figure_fields=finder.available_figure_fields(index)
    )
    context = {"form": form, "results": None}
    if request.GET and form.is_valid():
        criteria = form.criteria()
        results, fitting = finder.search(index, criteria)
        context.update(
            results=results,
            fitting=fitting,
            map_options=leaflet_options(),
            map_json=_finder_map_data(results, criteria),
            figure_sources=_figure_sources(criteria),
        )
    status = 400 if request.GET and not form.is_valid() else 200
    return render(request, "portail/finder.html", context, status=status)


@cached_public(prefix="compare", query=("communes",))
@require_GET
def compare(request):
    codes = services.parse_codes(request.GET.getlist("communes"))
    communes, rows, unknown, layer_rows = services.comparison(codes)
    errors = []
    if unknown:
        errors.append(_("Commune introuvable : %(codes)s.") % {"codes": ", ".join(unknown[:10])})
    if len([c for c in codes if c not in unknown]) > services.MAX_COMPARED:
        errors.append(_("On compare au plus quatre communes : seules les quatre premières sont affichées."))
    asked = "communes" in request.GET
    if asked and len(communes) < 2:
        errors.append(_("Choisissez au moins deux communes à comparer."))
    context = {
        "communes": communes if len(communes) >= 2 else [],
        "rows": rows,
        "layer_rows": layer_rows,
        "errors": errors,
        "codes_text": ", ".join(codes),
    }
    return render(
        request, "portail/compare.html", context, status=400 if asked and len(communes) < 2 else 200
    )
