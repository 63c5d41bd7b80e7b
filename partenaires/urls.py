"""Staff pages of the partner organisations, under /admin/partenaires/."""

from django.urls import path

from .views import organisations

app_name = "partenaires"

urlpatterns = [
    path("organisations/", organisations.organisation_list, name="organisations"),
    path("organisations/nouvelle/", organisations.organisation_create, name="organisation-create"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation"),
    path("organisations/import/", organisations.organisation_import, name="organisation-import"),
    path(
        "organisations/import/modele.csv",
        organisations.organisation_import_template,
        name="organisation-import-template",
    ),
]
