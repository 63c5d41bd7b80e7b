"""Staff create and edit events in the back-office (translated fields side by side); people signed up are
handled on the events' own staff pages, not here."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from modeltranslation.admin import TranslationAdmin

from osez import roles

from . import services
from .enums import EventStatus
from .models import Event


@admin.register(Event)
class EventAdmin(roles.RoleAdminMixin, TranslationAdmin):
    view_roles = (roles.ADVISOR, roles.TEAM_LEAD)
    change_roles = (roles.ADVISOR, roles.TEAM_LEAD)
    # Deleting an event deletes its sign-ups: cancel it instead (people are told); only admins delete.
    delete_roles = ()
    list_display = ("title", "kind", "starts_at", "place_name", "capacity", "status")
    list_filter = ("status", "kind")
    search_fields = ("title", "place_name")
    date_hierarchy = "starts_at"
    autocomplete_fields = ()
    raw_id_fields = ("commune",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "kind",
                    "status",
                    "starts_at",
                    "ends_at",
                    "capacity",
                    "audience",
                    "description",
                )
            },
        ),
        (_("Lieu"), {"fields": ("place_name", "address", "commune", "place_description")}),
    )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None or obj.status != EventStatus.CANCELLED:
            return form
        # A cancelled event stays cancelled (people were told); its other fields may still be corrected.
        form.base_fields["status"].choices = [(EventStatus.CANCELLED, EventStatus.CANCELLED.label)]
        return form

    def save_model(self, request, obj, form, change):
        was = Event.objects.filter(pk=obj.pk).values_list("status", flat=True).first() if change else None
        cancelling = obj.status == EventStatus.CANCELLED and was != EventStatus.CANCELLED
        if cancelling:
            obj.status = was or EventStatus.DRAFT  # cancel_event() sets it, and tells everyone
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if cancelling:
            told = services.cancel_event(obj, by=request.user)
            obj.refresh_from_db()
            messages.info(
                request,
                _("Événement annulé : %(n)d personne(s) prévenue(s) par courriel.") % {"n": len(told)},
            )
        elif change:
            promoted = services.capacity_changed(obj)
            if promoted:
                messages.info(
                    request,
                    _("%(n)d personne(s) de la liste d'attente ont reçu une place et en sont prévenues.")
                    % {"n": len(promoted)},
                )
