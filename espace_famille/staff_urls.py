"""Staff pages of the family space, under /admin/famille/ (reached from the dossier's panel)."""

from django.urls import path

from . import staff_views

app_name = "espace_famille_staff"

urlpatterns = [
    path("chiffres/", staff_views.figures_page, name="figures"),
    path("dossiers/<int:pk>/messages/", staff_views.reply, name="reply"),
    path("messages/<int:pk>/piece-jointe/", staff_views.attachment, name="attachment"),
]
