"""Back-office for thematic sheets: staff write them in Markdown, attach files and publish them."""

from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from communes.search import BoundedAdminSearch

from .models import Sheet, SheetAttachment, SupportRequest


class SheetAttachmentInline(admin.TabularInline):
    model = SheetAttachment
    extra = 1


@admin.register(Sheet)
class SheetAdmin(BoundedAdminSearch, TranslationAdmin):
    """Title, summary and text in French and in English (django-modeltranslation: ``portail/translation.py``);
    an English field left empty shows the French text on the English page, with a notice."""

    list_display = ("title", "theme", "is_published", "updated_at")
    list_filter = ("theme", "is_published")
    search_fields = ("title", "summary", "body")
    prepopulated_fields = {"slug": ("title",)}
    list_editable = ("is_published",)
    inlines = [SheetAttachmentInline]
    readonly_fields = ("preview",)
    save_on_top = True
    fieldsets = (
        (None, {"fields": ("title", "slug", "theme", "summary", "body", "order", "is_published")}),
        (_("Aperçu"), {"fields": ("preview",)}),
    )

    @admin.display(description=_("Aperçu de la fiche enregistrée"))
    def preview(self, sheet):
        """The saved text as visitors read it, and a link to the whole page (published or not)."""
        from .views.sheets import render_markdown

        if sheet is None or sheet.pk is None:
            return _("Enregistrez la fiche (sans la publier) pour la prévisualiser.")
        with translation.override("en"):
            english_preview = reverse("portail:sheet-preview", kwargs={"pk": sheet.pk})
        return format_html(
            '<p><a href="{}" target="_blank" rel="noopener">{}</a> · <a href="{}" target="_blank" rel="noopener">{}</a></p>'
            '<div class="sheet-preview">{}</div>',
            reverse("portail:sheet-preview", kwargs={"pk": sheet.pk}),
            _("Ouvrir l'aperçu de la page (nouvel onglet)"),
            english_preview,
            _("Aperçu de la page anglaise (nouvel onglet)"),
            _safe(render_markdown(sheet.body)),
        )


def _safe(html):
    """The sanitised Markdown (nh3 in render_markdown) marked safe for the admin page."""
    from django.utils.safestring import mark_safe

    return mark_safe(html)  # sanitised by nh3 in render_markdown just before


@admin.register(SupportRequest)
class SupportRequestAdmin(BoundedAdminSearch, admin.ModelAdmin):
    """Requests exactly as the family sent them: read-only (the dossier is where advisors work)."""

    list_display = ("__str__", "origin", "arrival_horizon", "created_at")
    list_filter = ("arrival_horizon",)
    search_fields = ("first_name", "last_name", "email")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
