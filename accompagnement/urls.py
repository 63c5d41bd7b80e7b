"""Staff pages of the back-office, under /admin/accompagnement/."""

from django.urls import path

from . import cohort_views, views

app_name = "accompagnement"

urlpatterns = [
    path("", views.home, name="home"),
    path("taches/", views.my_tasks, name="tasks"),
    path("equipe/", views.team, name="team"),
    path("chiffres/", views.figures_page, name="figures"),
    path("chiffres.csv", views.figures_csv, name="figures-csv"),
    path("chiffres/campagnes/", views.marketing_page, name="marketing"),
    path("chiffres/campagnes.csv", views.marketing_csv, name="marketing-csv"),
    path("dossiers/nouveau/", views.intake, name="intake"),
    path("groupes/", cohort_views.cohort_list, name="cohorts"),
    path("groupes/<int:pk>/", cohort_views.cohort_detail, name="cohort"),
    path("groupes/<int:pk>/etapes.csv", cohort_views.cohort_figures_csv, name="cohort-csv"),
    path("groupes/<int:pk>/import/", cohort_views.cohort_import_view, name="cohort-import"),
    path("dossiers/<int:pk>/", views.dossier, name="dossier"),
    path("dossiers/<int:pk>/fusionner/", views.merge, name="merge"),
    path("dossiers/<int:pk>/modifier/", views.dossier_edit, name="dossier-edit"),
    path("dossiers/<int:pk>/etape/", views.dossier_transition, name="dossier-transition"),
    path("dossiers/<int:pk>/prendre/", views.dossier_take, name="dossier-take"),
    path("dossiers/<int:pk>/besoins/ajouter/", views.need_add, name="need-add"),
    path("dossiers/<int:pk>/besoins/<int:need_pk>/", views.need_update, name="need-update"),
    path("dossiers/<int:pk>/echanges/", views.interaction_add, name="interaction-add"),
    path("dossiers/<int:pk>/taches/", views.task_add, name="task-add"),
    path("dossiers/<int:pk>/taches/<int:task_pk>/fait/", views.task_done, name="task-done"),
    path("dossiers/<int:pk>/taches/<int:task_pk>/", views.task_edit, name="task-edit"),
    path("dossiers/<int:pk>/echanges/<int:interaction_pk>/", views.interaction_edit, name="interaction-edit"),
    path("dossiers/<int:pk>/lieux/", views.pin_place, name="pin"),
    path("dossiers/<int:pk>/lieux/<int:pin_pk>/retirer/", views.unpin_place, name="unpin"),
    path("dossiers/<int:pk>/livret/", views.welcome_pack, name="welcome-pack"),
    path("dossiers/<int:pk>/livret.pdf", views.welcome_pack_pdf, name="welcome-pack-pdf"),
    path("dossiers/<int:pk>/courriel/", views.send_letter, name="send-letter"),
]
