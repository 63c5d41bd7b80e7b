"""Routes of the HR workspace, under /admin/emploi/."""

from django.urls import path

from . import views

app_name = "emploi_conjoint"

urlpatterns = [
    path("", views.board, name="board"),
    path("candidats/nouveau/", views.candidate_create, name="candidate-create"),
    path("candidats/<int:pk>/", views.candidate_detail, name="candidate"),
    path("candidats/<int:pk>/modifier/", views.candidate_edit, name="candidate-edit"),
    path("candidats/<int:pk>/etape/", views.candidate_move, name="candidate-move"),
    path("candidats/<int:pk>/consentement/", views.consent, name="consent"),
    path("candidats/<int:pk>/consentement/retrait/", views.consent_withdraw, name="consent-withdraw"),
    path("candidats/<int:pk>/cv/", views.cv_list, name="cv-list"),
    path("candidats/<int:pk>/mise-en-relation/", views.introduction_create, name="introduction-create"),
    path("cv/<int:pk>/telecharger/", views.cv_download, name="cv-download"),
    path("mises-en-relation/<int:pk>/", views.introduction_update, name="introduction-update"),
    path("relances/", views.follow_ups, name="follow-ups"),
    path("offres/", views.opportunity_list, name="opportunities"),
    path("offres/nouvelle/", views.opportunity_create, name="opportunity-create"),
    path("offres/<int:pk>/", views.opportunity_detail, name="opportunity"),
    path("offres/<int:pk>/modifier/", views.opportunity_edit, name="opportunity-edit"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/nouvelle/", views.organisation_create, name="organisation-create"),
    path("organisations/import/", views.organisation_import, name="organisation-import"),
    path(
        "organisations/import/modele.csv",
        views.organisation_import_template,
        name="organisation-import-template",
    ),
    path("chiffres/", views.figures, name="figures"),
    path("chiffres.csv", views.figures_csv, name="figures-csv"),
    path("suivi/", views.followed, name="followed"),
]
