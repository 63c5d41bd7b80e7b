"""Staff pages of the events, under /admin/evenements/."""

from django.urls import path

from . import staff_views

app_name = "evenements_staff"

urlpatterns = [
    path("", staff_views.events, name="events"),
    path("<int:pk>/inscrits/", staff_views.attendees, name="attendees"),
    path("<int:pk>/emargement/", staff_views.check_in, name="check-in"),
    path("<int:pk>/chiffres/", staff_views.event_figures, name="figures"),
    path("<int:pk>/annuler/", staff_views.cancel_event, name="cancel"),
    path("<int:pk>/inscrits/<int:registration_pk>/dossier/", staff_views.dossier, name="dossier"),
]
