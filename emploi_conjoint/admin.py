"""Admin screens of the pipeline; the day-to-day work happens in the HR workspace (/admin/emploi/)."""

from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from osez.roles import RoleAdminMixin

from .models import Candidate, Consent, Introduction, Opportunity, StageTransition


class AdministratorsOnlyAdmin(RoleAdminMixin):
    """The pipeline's admin pages are for administrators (the permission matrix, tests/security): HR
    specialists work in the workspace (/admin/emploi/), which applies the stage machine and the consent
    rules; an installation advisor reads a spouse's stage only in their own dossiers (the dossier panel,
    « suivi »), never in a list of every advisor's families."""

    view_roles = change_roles = delete_roles = ()


class TransitionInline(RoleAdminMixin, admin.TabularInline):
    view_roles = ()

    model = StageTransition
    extra = 0
    can_delete = False
    fields = ["at", "from_stage", "to_stage", "by", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ConsentInline(RoleAdminMixin, admin.TabularInline):
    # Read only: a consent is recorded and withdrawn on the candidate's page, which keeps one active
    # consent and pauses the search on withdrawal.
    view_roles = ()

    model = Consent
    extra = 0
    can_delete = False
    fields = ["text_version", "given_on", "withdrawn_on", "recorded_by"]
    readonly_fields = fields


@admin.register(Candidate)
class CandidateAdmin(AdministratorsOnlyAdmin, admin.ModelAdmin):
    list_display = ["__str__", "stage", "stage_changed_at", "hr_specialist", "is_fictional", "workspace_link"]
    list_filter = ["stage", "is_fictional"]
    search_fields = ["adult__first_name", "adult__last_name", "adult__household__reference"]
    # The stage changes only through the state machine (HR workspace), which logs each move.
    readonly_fields = ["stage", "stage_changed_at", "held_from_stage", "version"]
    exclude = ["contract_types"]
    raw_id_fields = ["adult", "home_commune"]
    inlines = [ConsentInline, TransitionInline]

    @admin.display(description=_("espace RH"))
    def workspace_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("emploi_conjoint:candidate", args=[obj.pk]), _("ouvrir")
        )


@admin.register(Opportunity)
class OpportunityAdmin(AdministratorsOnlyAdmin, admin.ModelAdmin):
    # Links without a scheme are read as https (Django 6's default; silences its deprecation warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "organisation", "commune", "contract_type", "closing_date", "is_fictional"]
    list_filter = ["contract_type", "work_time", "is_fictional"]
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["organisation", "commune"]


@admin.register(Introduction)
class IntroductionAdmin(AdministratorsOnlyAdmin, admin.ModelAdmin):
    list_display = ["candidate", "organisation", "opportunity", "date", "outcome", "next_follow_up"]
    list_filter = ["outcome", "channel"]
    raw_id_fields = ["candidate", "organisation", "opportunity"]
