"""Thematic sheets: the list, one sheet, and its attached files."""

from __future__ import annotations

import markdown
import nh3
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from osez.cache import cached_public

from ..models import Sheet, SheetAttachment, SheetTheme


@cached_public(prefix="sheets", query=())
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


@cached_public(prefix="sheet", query=())
def sheet(request, slug):
    sheet = get_object_or_404(Sheet.objects.published().prefetch_related("attachments"), slug=slug)
    context = {
        "sheet": sheet,
        "body": render_markdown(sheet.body),
        # Not translated yet: the French text (modeltranslation's fallback) with a notice, and no
        # hreflang link to this language (osez.i18n.page_languages).
        "untranslated_languages": sheet.missing_languages(),
        "shown_untranslated": sheet.is_shown_untranslated(),
    }
    return render(request, "portail/sheet.html", context)


@permission_required("portail.change_sheet")
def sheet_preview(request, pk):
    """Staff see a sheet as it will read, published or not, before or after saving it (never cached)."""
    sheet = get_object_or_404(Sheet.objects.prefetch_related("attachments"), pk=pk)
    body = render_markdown(request.POST.get("body", sheet.body) if request.method == "POST" else sheet.body)
    response = render(request, "portail/sheet.html", {"sheet": sheet, "body": body, "preview": True})
    response["Cache-Control"] = "private, no-store"
    return response


def sheet_attachment(request, slug, pk):
    attachment = get_object_or_404(
        SheetAttachment.objects.select_related("sheet"), pk=pk, sheet__slug=slug, sheet__is_published=True
    )
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("Ce fichier n'est plus disponible.")) from None
    return FileResponse(handle, as_attachment=True, filename=attachment.file.name.rsplit("/", 1)[-1])
