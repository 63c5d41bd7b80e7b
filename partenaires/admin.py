"""Admin of the partner organisations and their contacts (advisors, team leads and HR specialists).

Apps above this one add inlines about their own rows (the dossiers a partner sent) with
``register_inline`` from their admin module: this app imports none of them.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from osez import roles
from osez.roles import RoleAdminMixin, has_role

from .models import Contact, Organisation

PARTNER_ROLES = (roles.ADVISOR, roles.TEAM_LEAD, roles.HR)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 1

    def has_view_permission(self, request, obj=None):
        return has_role(request.user, *PARTNER_ROLES)

    def has_add_permission(self, request, obj=None):
        return has_role(request.user, *PARTNER_ROLES)

    has_change_permission = has_add_permission
    has_delete_permission = has_add_permission


@admin.register(Organisation)
class OrganisationAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_roles = PARTNER_ROLES
    change_roles = PARTNER_ROLES
    list_display = ["name", "kind", "sector", "commune", "size_band", "n_households"]
    list_filter = ["kind", "size_band", "business_club"]
    search_fields = ["name", "siret", "sector", "contacts__name"]
    inlines = [ContactInline]

    @admin.display(description=_("dossiers envoyés"))
    def n_households(self, obj):
        # The reverse relation the back-office declares (Household.referrer); 0 when it is not installed.
        related = getattr(obj, "households", None)
        return related.count() if related is not None else 0


def register_inline(inline):
    """Add an inline (declared by another app) to the organisation's admin page."""
    if inline not in OrganisationAdmin.inlines:
        OrganisationAdmin.inlines = [*OrganisationAdmin.inlines, inline]
