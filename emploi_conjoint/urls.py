"""Routes of the HR workspace, under /admin/emploi/."""

from django.urls import path
from django.views.generic import RedirectView

from osez import roles
from osez.roles import role_required

from .views import board, candidates, cvs, figures, followed, introductions, opportunities

app_name = "emploi_conjoint"


def _moved(url_name):
    # Who could open the old page is asked first, as before: the redirect tells nobody else where it went.
    view = RedirectView.as_view(pattern_name=url_name, query_string=True, permanent=True)
    return role_required(roles.ADVISOR, roles.TEAM_LEAD, roles.HR)(view)


urlpatterns = [
    path("", board.board, name="board"),
    path("besoins/<int:need_pk>/suivi/", candidates.open_from_need, name="open-from-need"),
    path("candidats/nouveau/", candidates.candidate_create, name="candidate-create"),
    path("candidats/<int:pk>/", candidates.candidate_detail, name="candidate"),
    path("candidats/<int:pk>/modifier/", candidates.candidate_edit, name="candidate-edit"),
    path("candidats/<int:pk>/etape/", candidates.candidate_move, name="candidate-move"),
    path("candidats/<int:pk>/consentement/", candidates.consent, name="consent"),
    path("candidats/<int:pk>/consentement/retrait/", candidates.consent_withdraw, name="consent-withdraw"),
    path("candidats/<int:pk>/cv/", cvs.cv_list, name="cv-list"),
    path(
        "candidats/<int:pk>/mise-en-relation/", introductions.introduction_create, name="introduction-create"
    ),
    path("cv/<int:pk>/telecharger/", cvs.cv_download, name="cv-download"),
    path("mises-en-relation/<int:pk>/", introductions.introduction_update, name="introduction-update"),
    path("relances/", introductions.follow_ups, name="follow-ups"),
    path("offres/", opportunities.opportunity_list, name="opportunities"),
    path("offres/nouvelle/", opportunities.opportunity_create, name="opportunity-create"),
    path("offres/<int:pk>/", opportunities.opportunity_detail, name="opportunity"),
    path("offres/<int:pk>/modifier/", opportunities.opportunity_edit, name="opportunity-edit"),
    # The partner organisations moved to their own pages (issue 15); the old addresses still lead there.
    path("organisations/", _moved("partenaires:organisations"), name="organisations"),
    path("organisations/nouvelle/", _moved("partenaires:organisation-create"), name="organisation-create"),
    path("organisations/import/", _moved("partenaires:organisation-import"), name="organisation-import"),
    path(
        "organisations/import/modele.csv",
        _moved("partenaires:organisation-import-template"),
        name="organisation-import-template",
    ),
    path("chiffres/", figures.figures, name="figures"),
    path("chiffres.csv", figures.figures_csv, name="figures-csv"),
    path("suivi/", followed.followed, name="followed"),
]
