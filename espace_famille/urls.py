"""The family space, under /mon-espace/."""

from django.urls import path

from . import views

app_name = "espace_famille"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.sign_in, name="sign-in"),
    path("connexion/<str:token>/", views.redeem, name="redeem"),
    path("deconnexion/", views.sign_out, name="sign-out"),
    path("langue/", views.set_language, name="language"),
    path("messages/", views.message_post, name="message"),
    path("messages/<int:pk>/piece-jointe/", views.attachment, name="attachment"),
    path("demarches/<int:item_pk>/", views.tick, name="tick"),
    path("questionnaire/", views.survey_answer, name="survey"),
    path("lieux/", views.places, name="places"),
    path("livret/", views.welcome_pack, name="welcome-pack"),
    path("livret.pdf", views.welcome_pack_pdf, name="welcome-pack-pdf"),
    path("mes-donnees/", views.my_data, name="my-data"),
    path("mes-donnees/export/", views.export, name="export"),
    path("mes-donnees/partage/", views.sharing, name="sharing"),
    path("mes-donnees/consentement-cv/", views.withdraw_cv_consent, name="withdraw-cv-consent"),
    path("mes-donnees/effacement/", views.erasure, name="erasure"),
]
