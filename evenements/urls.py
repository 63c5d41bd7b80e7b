"""Public URLs of the events, under /evenements/."""

from django.urls import path

from . import views

app_name = "evenements"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("<int:pk>-<slug:slug>/", views.event_detail, name="event"),
    path("annuler/<str:token>/", views.cancel, name="cancel"),
]
