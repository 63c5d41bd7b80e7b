"""Views of the public site: finder, comparison, thematic sheets, request for support, data and legal pages."""

from __future__ import annotations

import markdown
import nh3
from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited

from communes.models import Layer, Place, Source
from osez.audit import client_address
from osez.cache import cached_public, data_generation

from . import finder, services
from .forms import FinderForm, SupportRequestForm, support_request_rate
from .maps import leaflet_options
from .models import Sheet, SheetAttachment, SheetTheme


def _sport_layers():
    return list(
        Layer.objects.filter(slug__in=finder.SPORT_LAYERS)
        .order_by("order", "name")
        .values_list("slug", "name")
    )


def _finder_map_data(results, criteria):
    points = [
        {
            "name": r.name,
            "rank": r.rank,
            "lat": r.latitude,
            "lon": r.longitude,
            "url": reverse("communes:detail", kwargs={"code": r.code, "slug": r.slug}),
        }
        for r in results
    ]
    workplaces = [{"name": w.name, "lat": w.latitude, "lon": w.longitude} for w in criteria.workplaces]
    return {"points": points, "workplaces": workplaces}


@cached_public(prefix="finder")
@require_GET
def finder_view(request):
    form = FinderForm(request.GET or None, sport_layers=_sport_layers())
    context = {"form": form, "results": None}
    if request.GET and form.is_valid():
        criteria = form.criteria()
        results, fitting = finder.search(finder.get_index(), criteria)
        context.update(
            results=results,
            fitting=fitting,
            map_options=leaflet_options(),
            map_json=_finder_map_data(results, criteria),
        )
    status = 400 if request.GET and not form.is_valid() else 200
    return render(request, "portail/finder.html", context, status=status)


@cached_public(prefix="compare")
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


@cached_public(prefix="sheets")
def sheets(request):
    published = list(Sheet.objects.published())
    themes = []
    for value, label in SheetTheme.choices:
        items = [s for s in published if s.theme == value]
        if items:
            themes.append({"value": value, "label": label, "sheets": items})
    return render(request, "portail/sheets.html", {"themes": themes})


def render_markdown(text):
    """Markdown to HTML, then sanitised: staff write the text, but a pasted snippet must not run code."""
    html = markdown.markdown(text, extensions=["extra", "sane_lists"])
    return nh3.clean(html, tags=nh3.ALLOWED_TAGS - {"img"}, link_rel="noopener noreferrer")


@cached_public(prefix="sheet")
def sheet(request, slug):
    sheet = get_object_or_404(Sheet.objects.published().prefetch_related("attachments"), slug=slug)
    return render(request, "portail/sheet.html", {"sheet": sheet, "body": render_markdown(sheet.body)})


def sheet_attachment(request, slug, pk):
    attachment = get_object_or_404(
        SheetAttachment.objects.select_related("sheet"), pk=pk, sheet__slug=slug, sheet__is_published=True
    )
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("Ce fichier n'est plus disponible.")) from None
    return FileResponse(handle, as_attachment=True, filename=attachment.file.name.rsplit("/", 1)[-1])


def _client_key(group, request):
    # The visitor's address as the whole project sees it: behind the production proxy REMOTE_ADDR
    # is the proxy, and keying on it would make every family share one limit.
    return client_address(request)


@require_http_methods(["GET", "POST"])
def support_request(request):
    initial = {}
    if request.method == "GET" and request.GET.get("communes"):
        initial["communes_considered"] = ", ".join(services.parse_codes(request.GET.getlist("communes")))
    form = SupportRequestForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        limited = is_ratelimited(
            request,
            group="portail.support_request",
            key=_client_key,
            rate=support_request_rate,
            method="POST",
            increment=True,
        )
        if form.is_spam:
            # Robots get the same answer as people so they learn nothing; nothing is stored.
            return redirect("portail:request-done")
        if limited:
            form.add_error(
                None,
                _(
                    "Trop de demandes ont été envoyées depuis votre connexion. Réessayez dans une heure, "
                    "ou écrivez-nous directement à %(email)s."
                )
                % {"email": settings.OSEZ_ADVISORS_EMAIL},
            )
            status = 429
        elif form.is_valid():
            services.submit_support_request(form)
            return redirect("portail:request-done")
        else:
            status = 400
    return render(request, "portail/request.html", {"form": form}, status=status)


def support_request_done(request):
    return render(request, "portail/request_done.html")


def _layer_sources():
    """Which sources feed which layer (one grouped query, cached until the data change)."""
    key = f"portail:layer-sources:{data_generation()}"
    mapping = cache.get(key)
    if mapping is None:
        mapping = {}
        for layer_id, source_id in Place.objects.values_list("layer_id", "source_id").distinct():
            mapping.setdefault(layer_id, []).append(source_id)
        cache.set(key, mapping, 3600)
    return mapping


@cached_public(prefix="donnees")
def data_sources(request):
    sources = list(Source.objects.all())
    mapping = _layer_sources()
    by_slug = {s.slug: s for s in sources}
    layers = list(Layer.objects.all())
    for layer in layers:
        layer.source_list = [by_slug[s] for s in sorted(mapping.get(layer.pk, [])) if s in by_slug]
    return render(request, "portail/donnees.html", {"sources": sources, "layers": layers})


@cached_public(prefix="static")
def privacy(request):
    return render(request, "portail/confidentialite.html", {"advisors_email": settings.OSEZ_ADVISORS_EMAIL})


@cached_public(prefix="static")
def accessibility(request):
    return render(request, "portail/accessibilite.html", {"advisors_email": settings.OSEZ_ADVISORS_EMAIL})
