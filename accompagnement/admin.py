"""The Django admin for dossiers and partners, made comfortable: filters, search, inlines, actions.

Role checks mirror the purpose-built pages (see accompagnement/rules.py): advisors and team leads work
on dossiers, HR specialists see partners, marketing sees nothing here (figures only).
"""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from osez import rights, roles
from osez.audit import Action, record
from osez.locking import STALE_MESSAGE, StaleVersionError
from osez.roles import RoleAdminMixin as BaseRoleAdminMixin
from osez.roles import has_role
from osez.state_machine import TransitionRefused
from partenaires import admin as partner_admin

from . import stages
from .enums import Stage
from .forms import HouseholdForm
from .models import (
    Adult,
    AdvisorProfile,
    Child,
    Household,
    HouseholdNeed,
    Interaction,
    PinnedPlace,
    StageTransition,
    Task,
)

DOSSIER_ROLES = (roles.ADVISOR, roles.TEAM_LEAD)


def _household_of(obj):
    if isinstance(obj, Household):
        return obj
    return getattr(obj, "household", None)


class RoleAdminMixin(BaseRoleAdminMixin):
    """Dossier roles by default; a dossier and the rows it holds (tasks, needs, exchanges, pins) are seen and
    changed only by who may see and change the dossier on its own page: lists, add forms and change forms
    alike (the household choice of an add form offers only those dossiers).
    """

    view_roles = DOSSIER_ROLES
    change_roles = DOSSIER_ROLES
    delete_roles = ()  # only admins (has_role always lets them through)

    @staticmethod
    def _on_dossier(request, obj, roles_, permission):
        """For a row of a dossier: the role and the right on that dossier; None for anything else."""
        household = _household_of(obj)
        if household is None:
            return None
        return has_role(request.user, *roles_) and request.user.has_perm(permission, household)

    def has_view_permission(self, request, obj=None):
        allowed = self._on_dossier(request, obj, self.view_roles, "accompagnement.read_dossier")
        return super().has_view_permission(request, obj) if allowed is None else allowed

    def has_change_permission(self, request, obj=None):
        allowed = self._on_dossier(request, obj, self.change_roles, "accompagnement.edit_dossier")
        return super().has_change_permission(request, obj) if allowed is None else allowed

    def has_delete_permission(self, request, obj=None):
        household = _household_of(obj)
        if household is not None and not request.user.has_perm("accompagnement.edit_dossier", household):
            return False
        return super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not has_role(request.user, *self.view_roles):
            return queryset  # refused by the permission checks with a 403, not hidden behind a redirect
        if queryset.model is Household:
            return queryset.filter(pk__in=Household.objects.editable_by(request.user).values("pk"))
        if any(f.name == "household" for f in queryset.model._meta.get_fields()):
            return queryset.filter(household__in=Household.objects.editable_by(request.user).values("pk"))
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Household:
            kwargs["queryset"] = Household.objects.editable_by(request.user)
            kwargs.setdefault(
                "error_messages",
                {
                    "invalid_choice": _(
                        "Ce dossier n'existe pas ou il est suivi par un·e collègue : vous ne pouvez pas y "
                        "ajouter d'élément. Demandez à votre responsable d'équipe de vous l'attribuer."
                    )
                },
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RoleInlineMixin(RoleAdminMixin):
    def has_add_permission(self, request, obj=None):
        return has_role(request.user, *self.change_roles) and (
            obj is None or request.user.has_perm("accompagnement.edit_dossier", obj)
        )

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


class AdultInline(RoleInlineMixin, admin.TabularInline):
    model = Adult
    extra = 0


class ChildInline(RoleInlineMixin, admin.TabularInline):
    model = Child
    extra = 0
    fields = ["first_name", "birth_year", "expected_on", "school_level_label"]
    readonly_fields = ["school_level_label"]

    @admin.display(description=_("niveau scolaire"))
    def school_level_label(self, obj):
        return obj.school_level_label if obj.pk else "—"


class NeedInline(RoleInlineMixin, admin.TabularInline):
    model = HouseholdNeed
    extra = 0


class TaskInline(RoleInlineMixin, admin.TabularInline):
    model = Task
    extra = 0
    fields = ["title", "kind", "due_date", "owner", "done_at"]


class InteractionInline(RoleInlineMixin, admin.StackedInline):
    model = Interaction
    extra = 0
    fields = ["kind", "happened_on", "text", "author"]
    readonly_fields = ["author"]


class TransitionInline(admin.TabularInline):
    """The stage log is written only by the transition services; here it is read-only."""

    model = StageTransition
    extra = 0
    can_delete = False
    fields = ["at", "from_stage", "to_stage", "outcome", "by", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return has_role(request.user, *DOSSIER_ROLES)


class PinnedInline(RoleInlineMixin, admin.TabularInline):
    model = PinnedPlace
    extra = 0
    fields = ["place", "distance_km", "pinned_by"]
    readonly_fields = fields


class HouseholdAdminForm(HouseholdForm):
    can_reassign = True  # set per request by HouseholdAdmin.get_form
    author = None

    def __init__(self, *args, **kwargs):
        kwargs["can_reassign"] = self.can_reassign
        super().__init__(*args, **kwargs)
        if not self.instance.pk and self.author is not None and not self.can_reassign:
            # An advisor opening a dossier here becomes its advisor (they cannot pick a colleague).
            self.fields["advisor"].initial = self.author.pk


@admin.register(Household)
class HouseholdAdmin(RoleAdminMixin, admin.ModelAdmin):
    form = HouseholdAdminForm
    # "version" is the form's hidden optimistic-locking field, not an editable model field.
    exclude = ["version"]
    list_display = [
        "reference",
        "family",
        "stage",
        "advisor",
        "channel",
        "referrer",
        "commune_chosen",
        "arrival_date",
        "open_link",
    ]
    list_filter = [
        "stage",
        "outcome",
        ("advisor", admin.RelatedOnlyFieldListFilter),
        "channel",
        "referrer",
        ("commune_chosen", admin.RelatedOnlyFieldListFilter),
        "communes_considered__epci",
    ]
    search_fields = [
        "reference",
        "adults__first_name",
        "adults__last_name",
        "email",
        "origin",
        "referrer__name",
    ]
    readonly_fields = [
        "stage",
        "outcome",
        "stage_changed_at",
        "closed_on",
        "support_request",
        "consent_text_version",
        "consent_given_at",
        "created_at",
    ]
    filter_horizontal = ["communes_considered"]
    autocomplete_fields = ["referrer"]
    inlines = [
        AdultInline,
        ChildInline,
        NeedInline,
        TaskInline,
        InteractionInline,
        PinnedInline,
        TransitionInline,
    ]
    actions = ["assign_to_me", "advance_stage"]
    list_select_related = ["advisor", "referrer", "commune_chosen"]
    date_hierarchy = "created_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "reference",
                    "advisor",
                    "stage",
                    "outcome",
                    "stage_changed_at",
                    "closed_on",
                    "version",
                ]
            },
        ),
        (_("Contact"), {"fields": ["email", "phone", "language", "origin"]}),
        (
            _("Comment la famille est venue"),
            {"fields": ["channel", "referrer", "employer_text", "support_request"]},
        ),
        (_("Installation"), {"fields": ["communes_considered", "commune_chosen", "arrival_date"]}),
        (_("Consentement"), {"fields": ["consent_text_version", "consent_given_at", "created_at"]}),
    ]

    @admin.display(description=_("famille"))
    def family(self, obj):
        return obj.display_name

    @admin.display(description=_("fiche"))
    def open_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Ouvrir le dossier"))

    def delete_model(self, request, obj):
        # Deleting a dossier is an erasure: files, change history and the original request go too, audited.
        rights.erase(obj, request, reason=str(_("suppression depuis l'administration")))

    def delete_queryset(self, request, queryset):
        for household in queryset:
            self.delete_model(request, household)

    def get_queryset(self, request):
        # Advisors see their own dossiers and the unassigned requests only (issue 8): RoleAdminMixin.
        return super().get_queryset(request).prefetch_related("adults").defer("commune_chosen__contour")

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The advisor field follows the dossier page's rule: only a team lead (or an admin) reassigns.
        form = super().get_form(request, obj, change, **kwargs)
        can_reassign = request.user.has_perm("accompagnement.reassign_dossier", obj)
        return type(form.__name__, (form,), {"can_reassign": can_reassign, "author": request.user})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET":
            record(request, Action.VIEW, obj, detail="admin")
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.save()
            stages.open_dossier(obj, by=request.user, reason=str(_("Dossier ouvert par l'équipe.")))
            record(request, Action.CREATE, obj, detail="admin")
            return
        try:
            obj.save_if_current(form.cleaned_data.get("version"))
        except StaleVersionError:
            # The form's clean() refuses most stale saves with the typed data kept; this is the rare race.
            messages.error(request, STALE_MESSAGE)
            raise
        record(request, Action.CHANGE, obj, detail="admin")

    @admin.action(description=_("M'attribuer les dossiers sélectionnés (non attribués)"))
    def assign_to_me(self, request, queryset):
        count = queryset.filter(advisor__isnull=True).update(advisor=request.user)
        self.message_user(request, _("%(n)d dossier(s) vous ont été attribués.") % {"n": count})

    @admin.action(description=_("Passer à l'étape suivante (sauf arrivée et clôture)"))
    def advance_stage(self, request, queryset):
        moved, refused = 0, []
        for household in queryset:
            if not request.user.has_perm("accompagnement.edit_dossier", household):
                refused.append(f"{household.reference} : {_('dossier d’un·e collègue')}")
                continue
            nxt = stages.next_stage(household.stage)
            if nxt not in (Stage.FIRST_CONTACT, Stage.PROJECT):
                refused.append(
                    f"{household.reference} : {_('arrivée et clôture se font depuis la fiche du dossier')}"
                )
                continue
            try:
                stages.move_to(household, nxt, by=request.user, reason=str(_("Action groupée")))
                moved += 1
            except TransitionRefused as error:
                refused.append(f"{household.reference} : {error}")
        self.message_user(request, _("%(n)d dossier(s) avancés.") % {"n": moved})
        for line in refused:
            self.message_user(request, line, level=messages.WARNING)


class HouseholdOfPartnerInline(admin.TabularInline):
    """The dossiers a partner sent (reference and stage only)."""

    model = Household
    fk_name = "referrer"
    fields = ["reference", "stage", "advisor", "arrival_date"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("dossiers envoyés par ce partenaire")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return has_role(request.user, *DOSSIER_ROLES)

    def get_queryset(self, request):
        # The dossier pages' rule: an advisor sees their own (and unassigned) dossiers, never a colleague's.
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=Household.objects.editable_by(request.user).values("pk"))
        )


# The organisation's admin page lives in partenaires, which cannot import the dossiers: the back-office
# adds its inline there.
partner_admin.register_inline(HouseholdOfPartnerInline)


class OverdueFilter(admin.SimpleListFilter):
    title = _("retard")
    parameter_name = "retard"

    def lookups(self, request, model_admin):
        return [("oui", _("En retard")), ("non", _("À l'heure ou faites"))]

    def queryset(self, request, queryset):
        from django.utils import timezone

        late = {"done_at__isnull": True, "due_date__lt": timezone.localdate()}
        if self.value() == "oui":
            return queryset.filter(**late)
        if self.value() == "non":
            return queryset.exclude(**late)
        return queryset


@admin.register(Task)
class TaskAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["title", "household", "due_date", "owner", "done_at"]
    list_filter = [
        OverdueFilter,
        "kind",
        ("owner", admin.RelatedOnlyFieldListFilter),
        ("done_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["title", "household__reference"]
    date_hierarchy = "due_date"
    raw_id_fields = ["household"]


@admin.register(AdvisorProfile)
class AdvisorProfileAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Administrators record each advisor's work phone, printed on what is sent to the families."""

    view_roles = ()
    change_roles = ()
    list_display = ["user", "phone"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
