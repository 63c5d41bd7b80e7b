"""The territory kit a candidate opens by its address (no account, no personal data): page and PDF."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from accompagnement.letters import service_contact, welcome_pack_pdf

from .. import kit as content
from ..models import TerritoryKit


def _context(request, token):
    kit = get_object_or_404(
        TerritoryKit.objects.select_related("organisation", "workplace").defer("workplace__contour"),
        token=token,
    )
    return {"kit": kit, "area": content.describe(kit), "contact": service_contact()}


def _private(response):
    # The address is the key: never stored by a shared cache, never sent on to another site, never indexed.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def kit_page(request, token):
    return _private(render(request, "employeurs/kit.html", _context(request, token)))


@require_GET
def kit_pdf(request, token):
    context = _context(request, token)
    html = render_to_string("employeurs/kit_print.html", context, request=request)
    response = HttpResponse(welcome_pack_pdf(html), content_type="application/pdf")
    name = slugify(f"kit-territoire-{context['kit'].job_title}-{context['kit'].workplace.name}")[:80]
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return _private(response)
