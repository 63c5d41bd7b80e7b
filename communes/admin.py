"""Back-office for the data pipeline: freshness of sources, import records, places and their annotations,
and the upload → preview → publish pages of the territory layers.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from osez import durations, roles
from osez.roles import NOBODY, RoleAdminMixin, has_role

from . import publication, territory
from .enums import UploadState
from .models import (
    Commune,
    CommuneIndicator,
    ImportRecord,
    Indicator,
    Layer,
    Place,
    PlaceAnnotation,
    Source,
    TerritoryUpload,
)
from .search import BoundedAdminSearch

# Who may see the data pipeline, and who may upload partners' files and annotate places.
VIEW_ROLES = (roles.ADVISOR, roles.TEAM_LEAD, roles.MARKETING)
EDIT_ROLES = (roles.ADVISOR,)


class PipelineAdminMixin(RoleAdminMixin):
    """The pipeline's rows come from imports: nobody, administrators included, adds, changes or deletes
    them, unless a page names the roles that may."""

    view_roles = VIEW_ROLES
    change_roles = NOBODY
    delete_roles = NOBODY


@admin.register(Source)
class SourceAdmin(BoundedAdminSearch, PipelineAdminMixin, admin.ModelAdmin):
    """Two dates per source (the data's own, our import's) and whether the publisher has anything newer."""

    list_display = [
        "name",
        "slug",
        "state",
        "data_edition",
        "imported_on",
        "freshness",
        "is_current_flag",
        "fictional_flag",
        "last_attempt_at",
    ]
    list_filter = ["state", "is_territory"]
    readonly_fields = ["state", "last_success_at", "last_attempt_at", "last_message", "data_vintage", "data_date",
                       "published_every_words", "freshness", "fictional_flag"]  # fmt: skip
    exclude = ["published_every"]  # shown in words by published_every_words
    search_fields = ["name", "slug", "publisher"]

    @admin.display(description=_("rythme de publication de la source"))
    def published_every_words(self, obj):
        return durations.in_words(obj.published_every)  # "1 semaine", not "7 days, 0:00:00"

    @admin.display(description=_("données du"))
    def data_edition(self, obj):
        return publication.vintage_label(obj) or "—"

    @admin.display(description=_("importées le"), ordering="last_success_at")
    def imported_on(self, obj):
        if obj.last_success_at is None:
            return _("jamais")
        return formats.date_format(timezone.localtime(obj.last_success_at), "j F Y H:i")

    @admin.display(description=_("fraîcheur"))
    def freshness(self, obj):
        status = publication.edition_status(obj)
        if status.state == publication.Edition.NEVER:
            text = _("Jamais importée")
        elif status.state == publication.Edition.OUTDATED:
            text = _(
                "PÉRIMÉE — une édition plus récente que celle importée est probablement parue (attendue vers le %(date)s)"
            ) % {"date": formats.date_format(status.next_edition, "j F Y")}
        elif status.state == publication.Edition.LATE:
            text = _("PÉRIMÉE — aucun import réussi depuis plus que le rythme attendu")
        elif status.next_edition and status.next_edition > timezone.localdate():
            text = _("À jour — prochaine édition attendue vers le %(date)s") % {
                "date": formats.date_format(status.next_edition, "j F Y")
            }
        elif status.next_edition:
            text = _(
                "À jour — rien de plus récent chez le producteur au dernier import (édition attendue depuis le %(date)s)"
            ) % {"date": formats.date_format(status.next_edition, "j F Y")}
        else:
            text = _("À jour")
        if status.failing:
            text = f"{text} ; " + str(
                _("imports en échec depuis plus que le rythme attendu")
                if publication.import_is_late(obj)
                else _("dernière tentative en échec")
            )
        return text

    @admin.display(description=_("à jour"), boolean=True)
    def is_current_flag(self, obj):
        return publication.edition_status(obj).is_current

    @admin.display(description=_("données fictives"), boolean=True)
    def fictional_flag(self, obj):
        return publication.is_fictional(obj)


@admin.register(ImportRecord)
class ImportRecordAdmin(BoundedAdminSearch, PipelineAdminMixin, admin.ModelAdmin):
    list_display = ["source", "started_at", "finished_at", "outcome", "data_edition", "created", "updated",
                    "unchanged", "rejected", "deactivated", "forced", "is_fictional"]  # fmt: skip
    list_filter = ["source", "outcome", "forced", "is_fictional"]
    date_hierarchy = "started_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.display(description=_("données du"))
    def data_edition(self, obj):
        return publication.vintage_label(obj) or "—"


@admin.register(Indicator)
class IndicatorAdmin(BoundedAdminSearch, PipelineAdminMixin, admin.ModelAdmin):
    """Indicators belong to their source (a refresh rewrites them): staff read them here."""

    list_display = ["name", "slug", "unit", "theme", "source", "order"]
    list_filter = ["theme", "source"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(CommuneIndicator)
class CommuneIndicatorAdmin(BoundedAdminSearch, PipelineAdminMixin, admin.ModelAdmin):
    list_display = ["commune", "indicator", "shown_value", "level", "territory_name", "count", "vintage",
                    "is_active"]  # fmt: skip
    list_filter = ["indicator", "level", "is_active"]
    search_fields = ["commune__name", "commune__code_insee"]
    list_select_related = ["commune", "indicator"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.display(description=_("valeur"))
    def shown_value(self, obj):
        from .indicators import IndicatorReading

        return IndicatorReading(obj.indicator, None, obj).value_text


@admin.register(Layer)
class LayerAdmin(BoundedAdminSearch, PipelineAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "theme", "order", "is_territory"]
    list_filter = ["theme", "is_territory"]


@admin.register(Commune)
class CommuneAdmin(BoundedAdminSearch, PipelineAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code_insee", "departement", "epci", "population", "is_active"]
    list_filter = ["departement", "is_active"]
    search_fields = ["name", "code_insee", "search_text"]
    exclude = ["contour"]


class PlaceAnnotationInline(PipelineAdminMixin, admin.TabularInline):
    model = PlaceAnnotation
    fields = ["text", "observed_on", "author"]
    readonly_fields = ["author"]
    extra = 1
    change_roles = EDIT_ROLES
    delete_roles = EDIT_ROLES


@admin.register(Place)
class PlaceAdmin(BoundedAdminSearch, PipelineAdminMixin, admin.ModelAdmin):
    """Places belong to their source (a refresh rewrites them); staff add annotations, which survive it."""

    list_display = ["name", "layer", "commune", "source", "is_active", "last_seen"]
    list_filter = ["layer", "source", "is_active"]
    search_fields = ["name", "source_ref", "commune__name"]
    list_select_related = ["layer", "commune", "source"]
    inlines = [PlaceAnnotationInline]
    change_roles = EDIT_ROLES

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def save_formset(self, request, form, formset, change):
        for annotation in formset.save(commit=False):
            if annotation.author_id is None:
                annotation.author = request.user
            annotation.save()
        for deleted in formset.deleted_objects:
            deleted.delete()


@admin.register(PlaceAnnotation)
class PlaceAnnotationAdmin(BoundedAdminSearch, PipelineAdminMixin, admin.ModelAdmin):
    list_display = ["text", "place", "observed_on", "author"]
    search_fields = ["text", "place__name"]
    raw_id_fields = ["place"]
    readonly_fields = ["author"]
    change_roles = EDIT_ROLES

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)


class UploadForm(forms.Form):
    layer = forms.ModelChoiceField(Layer.objects.filter(is_territory=True), label=_("Couche du territoire"))
    provider = forms.CharField(label=_("Partenaire qui fournit le fichier"), max_length=200)
    data_date = forms.DateField(label=_("Date des données"), widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label=_("Fichier CSV ou XLSX"), help_text=_("5 Mo au plus."))


@admin.register(TerritoryUpload)
class TerritoryUploadAdmin(BoundedAdminSearch, PipelineAdminMixin, admin.ModelAdmin):
    list_display = ["layer", "provider", "data_date", "state", "uploaded_by", "uploaded_at", "published_at"]
    list_filter = ["layer", "state"]
    change_list_template = "admin/communes/territoryupload/change_list.html"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("televerser/", wrap(self.upload_view), name="communes_territoryupload_upload"),
            path("<int:pk>/apercu/", wrap(self.preview_view), name="communes_territoryupload_preview"),
            path("<int:pk>/publier/", wrap(self.publish_view), name="communes_territoryupload_publish"),
            *super().get_urls(),
        ]

    def _check(self, request):
        if not has_role(request.user, *EDIT_ROLES):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied

    def upload_view(self, request):
        self._check(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload_file = form.cleaned_data["file"]
            try:
                data = upload_file.read(territory.MAX_UPLOAD_BYTES + 1)
                upload = territory.create_upload(
                    form.cleaned_data["layer"], provider=form.cleaned_data["provider"],
                    data_date=form.cleaned_data["data_date"], file_name=upload_file.name, data=data,
                    user=request.user,
                )  # fmt: skip
            except territory.UploadError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect(reverse("admin:communes_territoryupload_preview", args=[upload.pk]))
        people = Layer.objects.filter(slug__in=territory.PEOPLE_LAYERS).values_list("name", flat=True)
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
                   "title": _("Téléverser le fichier d'un partenaire"),
                   "people_layers": ", ".join(str(n).lower() for n in people)}  # fmt: skip
        return TemplateResponse(request, "admin/communes/territory_upload.html", context)

    def preview_view(self, request, pk):
        upload = get_object_or_404(TerritoryUpload.objects.select_related("layer", "source"), pk=pk)
        if not has_role(request.user, *self.view_roles):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return self._preview(request, upload)

    def _preview(self, request, upload, shrink=None, confirm_form=None):
        published_now = territory.published_count(upload)
        names = dict(
            Commune.objects.filter(pk__in={r["code_commune"] for r in upload.rows}).values_list("pk", "name")
        )
        entries = territory.public_entries(upload.layer, upload.rows, names)
        data_lines = upload.data_lines or len(upload.rows) + len(upload.rejected_rows)
        blank = max(0, data_lines - len(upload.rows) - len(upload.rejected_rows))
        if shrink is None and upload.state == UploadState.PREVIEW:
            would_shrink = territory.shrinks_too_much(len(entries), published_now)
        else:
            would_shrink = shrink is not None
        context = {
            **self.admin_site.each_context(request), "upload": upload, "opts": self.model._meta,
            "accepted": upload.rows[:500], "accepted_count": len(upload.rows), "rejected": upload.rejected_rows,
            "data_lines": data_lines, "blank_lines": blank, "entries": entries[:500], "entry_count": len(entries),
            "people_layer": territory.is_people_layer(upload.layer), "published_now": published_now,
            "would_shrink": would_shrink, "shrink_error": shrink, "confirm_form": confirm_form or ShrinkConfirmForm(),
            "max_shrink": round(settings.OSEZ_MAX_SHRINK * 100),
            "can_publish": upload.state == UploadState.PREVIEW and bool(upload.rows)
            and has_role(request.user, *EDIT_ROLES), "title": _("Aperçu avant publication"),
        }  # fmt: skip
        return TemplateResponse(request, "admin/communes/territory_preview.html", context)

    def publish_view(self, request, pk):
        self._check(request)
        upload = get_object_or_404(TerritoryUpload.objects.select_related("layer", "source"), pk=pk)
        if request.method != "POST":
            return redirect(reverse("admin:communes_territoryupload_preview", args=[pk]))
        form = ShrinkConfirmForm(request.POST)
        confirmed = form.is_valid() and form.cleaned_data["confirm_shrink"]
        reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
        try:
            record = territory.publish_upload(upload, request.user, confirm_shrink=confirmed, reason=reason)
        except territory.ShrinkRefused as exc:
            # The preview again, with the refusal and the confirmation to give (nothing was published).
            return self._preview(request, upload, shrink=str(exc), confirm_form=form)
        except territory.UploadError as exc:
            if confirmed and not reason.strip():  # confirmed without saying why: ask for the reason
                form.add_error("reason", str(exc))
                return self._preview(request, upload, shrink=str(exc), confirm_form=form)
            messages.error(request, str(exc))
        else:
            text = _("Publié : %(c)d créés, %(u)d mis à jour, %(n)d inchangés, %(d)d retirés.") % {
                "c": record.created, "u": record.updated, "n": record.unchanged, "d": record.deactivated
            }  # fmt: skip
            if record.forced:
                text += " " + str(_("Baisse confirmée par %(who)s, enregistrée avec l'import.")) % {
                    "who": request.user.get_username()
                }
            messages.success(request, text)
        return redirect(reverse("admin:communes_territoryupload_preview", args=[pk]))


class ShrinkConfirmForm(forms.Form):
    """A person's explicit confirmation that a file with far fewer places than published is right."""

    confirm_shrink = forms.BooleanField(
        label=_(
            "Je confirme que les lieux absents de ce fichier ont vraiment disparu et doivent être retirés du site"
        ),
        required=False,
    )
    reason = forms.CharField(
        label=_("Pourquoi ? (enregistré avec l'import)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
