"""The checklists families tick, written by staff; the phone numbers advisors give families."""

from django.contrib import admin

from osez import roles
from osez.roles import RoleAdminMixin

from .models import ChecklistItem


@admin.register(ChecklistItem)
class ChecklistItemAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_roles = change_roles = (roles.ADVISOR, roles.TEAM_LEAD)
    delete_roles = (roles.TEAM_LEAD,)
    list_display = ["label", "need", "order", "is_active"]
    list_filter = ["need", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["label"]
    fields = ["need", "label", "help_text", "label_en", "help_text_en", "order", "is_active"]
