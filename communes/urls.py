"""Public commune URLs: ``/communes/`` directory, ``/communes/<code>/`` and ``/communes/<code>-<slug>/``."""

from django.urls import path, re_path

from . import views

app_name = "communes"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("suggestions", views.suggestions, name="suggestions"),
    path("carte.json", views.map_points, name="map-points"),
    # A code INSEE is five characters (2A/2B for Corsica); the slug follows a hyphen.
    re_path(r"^(?P<code>[0-9][0-9AaBb][0-9]{3})-(?P<slug>[-a-z0-9]+)/$", views.detail, name="detail"),
    path("<str:code>/", views.detail_code, name="detail-code"),
]
