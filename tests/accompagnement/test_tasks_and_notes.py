"""Tasks that forgive (edit, postpone with a reason, reopen, a note and a checklist when done), overdue items
standing out, and notes limited in size and correctable by their author for a day, with the history kept."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompagnement import stages
from accompagnement.enums import Stage, TaskKind
from accompagnement.models import Interaction, InteractionRevision, TaskLog
from tests.factories import UserFactory
from tests.helpers import page_text as text

from .factories import HouseholdFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(advisor):
    return HouseholdFactory(advisor=advisor, stage=Stage.PROJECT)


def task_url(task):
    return reverse("accompagnement:task-edit", args=[task.household_id, task.pk])


def test_postpone_needs_a_reason_and_keeps_it(client, advisor, household):
    task = TaskFactory(household=household, title="Rappeler", due_date=timezone.localdate())
    client.force_login(advisor)
    later = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    response = client.post(
        task_url(task), {"action": "edit", "edit-title": "Rappeler", "edit-due_date": later}
    )
    assert response.status_code == 400
    assert "Dites pourquoi la tâche est reportée" in text(response)
    task.refresh_from_db()
    assert task.due_date == timezone.localdate()
    client.post(
        task_url(task),
        {
            "action": "edit",
            "edit-title": "Rappeler",
            "edit-due_date": later,
            "edit-reason": "Famille en congés",
        },
    )
    task.refresh_from_db()
    assert task.due_date.isoformat() == later
    log = TaskLog.objects.get(task=task)
    assert log.action == TaskLog.Action.POSTPONED and log.reason == "Famille en congés"
    page = text(client.get(household.get_absolute_url()))
    assert "Reporté au" in page and "Famille en congés" in page


def test_done_by_mistake_is_reopened(client, advisor, household):
    task = TaskFactory(household=household, title="Envoyer le livret")
    client.force_login(advisor)
    client.post(reverse("accompagnement:task-done", args=[household.pk, task.pk]))
    task.refresh_from_db()
    assert task.is_done
    client.post(task_url(task), {"action": "reopen"})
    task.refresh_from_db()
    assert not task.is_done
    actions = list(TaskLog.objects.filter(task=task).order_by("at").values_list("action", flat=True))
    assert actions == [TaskLog.Action.DONE, TaskLog.Action.REOPENED]


def test_milestone_done_with_its_checklist_and_a_note(client, advisor, household):
    stages.mark_arrived(
        household, by=advisor, arrival_date=timezone.localdate() - datetime.timedelta(days=40)
    )
    month = household.tasks.get(kind=TaskKind.MILESTONE, milestone_days=30)
    assert [item["key"] for item in month.checklist] == ["enfants_inscrits", "medecin", "conjoint"]
    client.force_login(advisor)
    page = text(client.get(task_url(month)))
    assert "Médecin traitant trouvé" in page and "En retard" in page
    client.post(
        task_url(month),
        {"action": "done", "done-done_note": "Tout va bien", "done-check_enfants_inscrits": "oui",
         "done-check_medecin": "en_cours", "done-check_conjoint": "non"},
    )  # fmt: skip
    month.refresh_from_db()
    assert month.is_done and month.done_note == "Tout va bien"
    assert {i["key"]: i["answer"] for i in month.checklist} == {
        "enfants_inscrits": "oui", "medecin": "en_cours", "conjoint": "non",
    }  # fmt: skip
    dossier = text(client.get(household.get_absolute_url()))
    assert "Médecin traitant trouvé : <strong>En cours</strong>" in dossier


def test_overdue_tasks_stand_out_in_the_dossier_summary(client, advisor, household):
    TaskFactory(
        household=household,
        title="Relancer la mairie",
        due_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    client.force_login(advisor)
    page = text(client.get(household.get_absolute_url()))
    summary = page[page.index("Prochaines étapes") : page.index("Fil du dossier")]
    assert "task--overdue" in summary and "En retard" in summary and "Relancer la mairie" in summary


def test_a_task_of_a_closed_dossier_cannot_be_changed(client, advisor, household):
    task = TaskFactory(household=household, title="X")
    household.stage = Stage.CLOSED
    household.save()
    client.force_login(advisor)
    client.post(task_url(task), {"action": "reopen"})
    client.post(task_url(task), {"action": "done"})
    task.refresh_from_db()
    assert not task.is_done


def test_empty_task_title_error_is_visible(client, advisor, household):
    client.force_login(advisor)
    response = client.post(
        reverse("accompagnement:task-add", args=[household.pk]), {"title": "", "due_date": ""}
    )
    page = text(response)
    assert response.status_code == 400
    assert "<details open>" in page  # the form with its error is not hidden in a folded section


def test_a_huge_note_is_refused_with_its_size_and_kept(client, advisor, household):
    client.force_login(advisor)
    huge = "x" * 480_000
    response = client.post(
        reverse("accompagnement:interaction-add", args=[household.pk]),
        {"kind": "appel", "happened_on": timezone.localdate().isoformat(), "text": huge},
    )
    assert response.status_code == 400
    assert "limité à 5000 caractères (il en compte 480000)" in text(response)
    assert not Interaction.objects.exists()


def test_author_corrects_a_note_within_a_day_and_history_keeps_the_old_text(client, advisor, household):
    note = Interaction.objects.create(household=household, text="Rendez-vous mardi", author=advisor)
    client.force_login(advisor)
    url = reverse("accompagnement:interaction-edit", args=[household.pk, note.pk])
    assert 'href="' + url in text(client.get(household.get_absolute_url()))
    client.post(url, {"text": "Rendez-vous mercredi"})
    note.refresh_from_db()
    assert note.text == "Rendez-vous mercredi" and note.edited_at is not None
    assert InteractionRevision.objects.get(interaction=note).text == "Rendez-vous mardi"
    assert "(corrigé)" in text(client.get(household.get_absolute_url()))
    # A colleague (even a team lead) cannot correct it; nor can the author two days later.
    lead = UserFactory(roles=["team lead"])
    client.force_login(lead)
    assert client.post(url, {"text": "Autre"}).status_code == 403
    client.force_login(advisor)
    Interaction.objects.filter(pk=note.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    response = client.post(url, {"text": "Trop tard"})
    assert response.status_code == 403
    assert "seulement le jour qui suit" in text(response)
    note.refresh_from_db()
    assert note.text == "Rendez-vous mercredi"


def test_dossier_page_has_no_duplicate_ids(client, advisor, household):
    import re
    from collections import Counter

    client.force_login(advisor)
    page = client.get(household.get_absolute_url()).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [i for i, n in ids.items() if n > 1] == []


def test_a_bad_arrival_date_names_the_field_in_words(client, advisor, household):
    client.force_login(advisor)
    response = client.post(
        reverse("accompagnement:dossier-transition", args=[household.pk]),
        {"to_stage": Stage.ARRIVED, "arrival_date": "32/13/2026"},
        follow=True,
    )
    page = text(response)
    assert "Date d'arrivée : Saisissez une date valide." in page
    assert "arrival_date" not in page.split("<main")[-1].split("</main>")[0] or "* arrival_date" not in page
