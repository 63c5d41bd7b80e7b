"""URL map of the whole site (see docs in ../shared/docs/contract.md for the public contract)."""

from django.contrib import admin
from django.urls import path

from . import views

handler404 = "osez.views.error_404"
handler500 = "osez.views.error_500"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
