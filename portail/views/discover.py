"""The household finder and the comparison of communes."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from communes import search
from communes.models import Commune, Layer
from osez.cache import cached_public

from .. import finder, services
from ..forms import FinderForm
from ..maps import leaflet_options


def _sport_layers():
    return [
        (layer.slug, layer.label)
        for layer in Layer.objects.filter(slug__in=finder.SPORT_LAYERS)
        .order_by("order", "name")
        .only("slug", "name")
    ]


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
                {"indicator": indicator.label, "source": source.label, "vintage": vintage_label(source),
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


PAGE_SIZE = 20


def _with(request, **changes):
    """This search's query string with some parameters replaced (a workplace chosen, a page)."""
    query = request.GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return query.urlencode()


def _request_link(results, criteria):
    """ "Être accompagné": the request form prefilled with the communes' names and the children's ages."""
    query = QueryDict(mutable=True)
    if results:
        query["communes"] = ", ".join(r.name for r in results[:3])
    if criteria.child_ages:
        query["ages"] = ", ".join(str(a) for a in criteria.child_ages)
    return f"{reverse('portail:request')}?{query.urlencode()}" if query else reverse("portail:request")


def _understood(request, form):
    """What each workplace was read as, with links that switch to the other commune the number names."""
    lines = []
    for line in form.understood_lines():
        switch = [(e, _with(request, **{line["field"]: v, "page": None})) for e, v in line["alternatives"]]
        lines.append({**line, "alternatives": switch})
    return lines


# Every field of the form (the indicator criteria it adds at run time included) and the page.
@cached_public(prefix="finder", query=(*FinderForm.base_fields, *finder.FIGURE_FIELDS, "page"))
@require_GET
def finder_view(request):
    index = finder.get_index()
    form = FinderForm(
        request.GET or None, sport_layers=_sport_layers(), figure_fields=finder.available_figure_fields(index)
    )
    context = {"form": form, "results": None}
    if request.GET and form.is_valid():
        criteria = form.criteria()
        ranking = finder.rank(index, criteria)
        page = Paginator(ranking, PAGE_SIZE).get_page(request.GET.get("page"))
        results = list(page.object_list)
        context.update(
            results=results,
            page=page,
            query=_with(request, page=None),
            total=len(ranking),
            fitting=ranking.fitting,
            order_text=finder.order_text(criteria),
            understood=_understood(request, form),
            request_link=_request_link(results, criteria),
            map_options=leaflet_options(),
            map_json=_finder_map_data(results, criteria),
            figure_sources=_figure_sources(criteria),
        )
    # A workplace that names several communes: each one as a link that re-runs this search with it.
    context["workplace_choices"] = [
        {
            "field": form[name],
            "choices": [
                (
                    search.choice_label(e, form.data.get(name, "")),
                    _with(request, **{name: search.choice_value(e), "page": None}),
                )
                for e in entries
            ],
        }
        for name, entries in form.workplace_choices.items()
        if entries
    ]
    status = 400 if request.GET and not form.is_valid() else 200
    return render(request, "portail/finder.html", context, status=status)


def _compared(values):
    """The communes asked for, each typed as a name, postcode or code INSEE: (communes, errors, choices).

    A five-digit number that is a code INSEE is read as one: the contract's ``?communes=10387,10362``,
    the commune pages' "compare" links, the finder's checkboxes and the shortlist all send codes INSEE.
    """
    parts = services.parse_codes(values)
    communes, errors, choices = [], [], []
    if len(parts) > 10:
        errors.append(_("Indiquez au plus quatre communes à comparer."))
    for part in parts[:10]:
        try:
            understood = search.understand(part, codes_first=True)
        except search.QueryTooLong as exc:
            errors.append(str(exc))
            continue
        if understood.ok:
            if understood.commune.code not in [c.code for c in communes]:
                communes.append(understood.commune)
        elif understood.choices:
            errors.append(understood.message)
            choices.append(
                {
                    "asked": part,
                    "entries": [
                        (search.choice_label(e, part), search.choice_value(e)) for e in understood.choices
                    ],
                }
            )
        else:
            errors.append(_("Commune introuvable : %(codes)s.") % {"codes": part})
    return communes, errors, choices


# Query parameters (cached per full URL): communes (one or several, each a name, postcode or code INSEE).
@cached_public(prefix="compare", query=("communes",))
@require_GET
def compare(request):
    asked = "communes" in request.GET
    entries, errors, choices = _compared(request.GET.getlist("communes"))
    if len(entries) > services.MAX_COMPARED:
        errors.append(_("On compare au plus quatre communes : seules les quatre premières sont affichées."))
        entries = entries[: services.MAX_COMPARED]
    found = {
        c.pk: c
        for c in Commune.objects.active()
        .filter(pk__in=[e.code for e in entries])
        .select_related("epci", "departement")
    }
    communes = [found[e.code] for e in entries if e.code in found]
    notice = ""
    if asked and len(communes) == 1 and not errors:
        # From a commune's page: not an error, the next step.
        notice = _("Ajoutez au moins une autre commune à comparer avec %(name)s.") % {
            "name": communes[0].name
        }
    elif asked and len(communes) < 2:
        errors.append(_("Choisissez au moins deux communes à comparer."))
    rows, layer_rows, indicator_rows = services.comparison(communes) if len(communes) >= 2 else ([], [], [])
    # Four fields, each with suggestions: those understood as "Name (code)", what was not understood as typed.
    understood = [search.choice_value(e) for e in entries]
    for c in choices:  # each candidate: a link comparing it with the communes already understood
        c["links"] = [
            (label, urlencode([("communes", v) for v in [*understood, value]]))
            for label, value in c["entries"]
        ]
    typed = understood + [c["asked"] for c in choices]
    fields = [(i + 1, typed[i] if i < len(typed) else "") for i in range(services.MAX_COMPARED)]
    context = {
        "communes": communes if len(communes) >= 2 else [],
        "rows": rows,
        "layer_rows": layer_rows,
        "indicator_rows": indicator_rows,
        "errors": errors,
        "notice": notice,
        "choices": choices,
        "fields": fields,
        "codes_text": ",".join(c.pk for c in communes),
    }
    status = 400 if asked and len(communes) < 2 and errors else 200
    return render(request, "portail/compare.html", context, status=status)
