"""Back-office for the data pipeline: freshness of sources, import records, places and their annotations,
and the upload → preview → publish pages of the territory layers.
"""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from osez import roles
from osez.roles import has_role

from . import territory
from .enums import UploadState
from .models import Commune, ImportRecord, Layer, Place, PlaceAnnotation, Source, TerritoryUpload

# Who may see the data pipeline, and who may upload partners' files and annotate places.
VIEW_ROLES = (roles.ADVISOR, roles.TEAM_LEAD, roles.MARKETING)
EDIT_ROLES = (roles.ADVISOR,)


class RoleAdminMixin:
    view_roles = VIEW_ROLES
    edit_roles = ()

    def has_module_permission(self, request):
        return has_role(request.user, *self.view_roles)

    def has_view_permission(self, request, obj=None):
        return has_role(request.user, *self.view_roles)

    def has_add_permission(self, request, obj=None):
        return bool(self.edit_roles) and has_role(request.user, *self.edit_roles)

    def has_change_permission(self, request, obj=None):
        return bool(self.edit_roles) and has_role(request.user, *self.edit_roles)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "state",
        "freshness",
        "is_stale_flag",
        "last_success_at",
        "last_attempt_at",
    ]
    list_filter = ["state", "is_territory"]
    readonly_fields = ["state", "last_success_at", "last_attempt_at", "last_message", "freshness"]
    search_fields = ["name", "slug", "publisher"]
    edit_roles = ()

    @admin.display(description=_("fraîcheur"))
    def freshness(self, obj):
        if obj.last_success_at is None:
            return _("Jamais importée")
        return _("PÉRIMÉE — à vérifier") if obj.is_stale else _("À jour")

    @admin.display(description=_("à jour"), boolean=True)
    def is_stale_flag(self, obj):
        return not obj.is_stale


@admin.register(ImportRecord)
class ImportRecordAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["source", "started_at", "finished_at", "outcome", "created", "updated", "unchanged",
                    "rejected", "deactivated", "forced"]  # fmt: skip
    list_filter = ["source", "outcome", "forced"]
    date_hierarchy = "started_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(Layer)
class LayerAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "theme", "order", "is_territory"]
    list_filter = ["theme", "is_territory"]


@admin.register(Commune)
class CommuneAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code_insee", "departement", "epci", "population", "is_active"]
    list_filter = ["departement", "is_active"]
    search_fields = ["name", "code_insee", "search_text"]
    exclude = ["contour"]


class PlaceAnnotationInline(RoleAdminMixin, admin.TabularInline):
    model = PlaceAnnotation
    fields = ["text", "observed_on", "author"]
    readonly_fields = ["author"]
    extra = 1
    edit_roles = EDIT_ROLES

    def has_delete_permission(self, request, obj=None):
        return has_role(request.user, *self.edit_roles)


@admin.register(Place)
class PlaceAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Places belong to their source (a refresh rewrites them); staff add annotations, which survive it."""

    list_display = ["name", "layer", "commune", "source", "is_active", "last_seen"]
    list_filter = ["layer", "source", "is_active"]
    search_fields = ["name", "source_ref", "commune__name"]
    list_select_related = ["layer", "commune", "source"]
    inlines = [PlaceAnnotationInline]
    edit_roles = EDIT_ROLES

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
class PlaceAnnotationAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["text", "place", "observed_on", "author"]
    search_fields = ["text", "place__name"]
    raw_id_fields = ["place"]
    readonly_fields = ["author"]
    edit_roles = EDIT_ROLES

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
class TerritoryUploadAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["layer", "provider", "data_date", "state", "uploaded_by", "uploaded_at", "published_at"]
    list_filter = ["layer", "state"]
    edit_roles = ()
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
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
                   "title": _("Téléverser le fichier d'un partenaire")}  # fmt: skip
        return TemplateResponse(request, "admin/communes/territory_upload.html", context)

    def preview_view(self, request, pk):
        upload = get_object_or_404(TerritoryUpload.objects.select_related("layer", "source"), pk=pk)
        if not has_role(request.user, *self.view_roles):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        published_now = Place.objects.filter(source=upload.source, layer=upload.layer, is_active=True).count()
        context = {
            **self.admin_site.each_context(request), "upload": upload, "opts": self.model._meta,
            "accepted": upload.rows[:500], "accepted_count": len(upload.rows), "rejected": upload.rejected_rows,
            "published_now": published_now, "can_publish": upload.state == UploadState.PREVIEW
            and bool(upload.rows) and has_role(request.user, *EDIT_ROLES), "title": _("Aperçu avant publication"),
        }  # fmt: skip
        return TemplateResponse(request, "admin/communes/territory_preview.html", context)

    def publish_view(self, request, pk):
        self._check(request)
        upload = get_object_or_404(TerritoryUpload, pk=pk)
        if request.method != "POST":
            return redirect(reverse("admin:communes_territoryupload_preview", args=[pk]))
        try:
            record = territory.publish_upload(upload, request.user)
        except territory.UploadError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Publié : %(c)d créés, %(u)d mis à jour, %(n)d inchangés, %(d)d retirés.")
                % {"c": record.created, "u": record.updated, "n": record.unchanged, "d": record.deactivated},
            )
        return redirect(reverse("admin:communes_territoryupload_preview", args=[pk]))
