"""Checklists per need, written by staff in the admin, ticked by the family, seen by the advisor."""

import pytest
from django.test import Client
from django.urls import reverse

from espace_famille.models import ChecklistItem, ChecklistTick

pytestmark = pytest.mark.django_db


def test_the_family_sees_the_steps_of_its_needs_and_the_general_ones(family_client):
    page = family_client.get("/mon-espace/").content.decode()
    assert "Inscrire l&#x27;enfant à la mairie" in page or "Inscrire l'enfant à la mairie" in page  # school
    assert "Déclarer ce médecin traitant" in page  # doctor
    assert "Mettre à jour son dossier à la CAF" in page  # every family
    assert "Déposer une demande de place en crèche" not in page  # no childcare need


def test_a_tick_is_kept_and_the_advisor_sees_it_in_the_dossier(family_client, family, advisor, client):
    household, adult = family
    caf = ChecklistItem.objects.get(label__contains="CAF")
    response = family_client.post(f"/mon-espace/demarches/{caf.pk}/", {"done": "1"})
    assert response.status_code == 302
    tick = ChecklistTick.objects.get()
    assert (tick.household, tick.item, tick.adult) == (household, caf, adult)
    assert "Décocher" in family_client.get("/mon-espace/").content.decode()

    client.force_login(advisor)
    dossier = client.get(reverse("accompagnement:dossier", args=[household.pk])).content.decode()
    assert "Démarches cochées par la famille : 1 sur" in dossier
    assert "✓ Mettre à jour son dossier à la CAF" in dossier


def test_unticking_removes_the_tick(family_client):
    caf = ChecklistItem.objects.get(label__contains="CAF")
    family_client.post(f"/mon-espace/demarches/{caf.pk}/", {"done": "1"})
    family_client.post(f"/mon-espace/demarches/{caf.pk}/", {"done": "0"})
    assert not ChecklistTick.objects.exists()


def test_staff_edit_the_steps_in_the_admin_and_the_family_sees_the_change(family_client, advisor):
    staff = Client()  # another browser: a staff login would end the family's session in this one
    staff.force_login(advisor)
    response = staff.post(
        reverse("admin:espace_famille_checklistitem_add"),
        {"need": "ecole", "label": "Acheter les fournitures scolaires", "order": 40, "is_active": "on"},
    )
    assert response.status_code == 302
    assert "Acheter les fournitures scolaires" in family_client.get("/mon-espace/").content.decode()
    ChecklistItem.objects.filter(label__contains="fournitures").update(is_active=False)
    assert "Acheter les fournitures" not in family_client.get("/mon-espace/").content.decode()


def test_a_step_of_a_need_the_family_does_not_have_cannot_be_ticked(family_client):
    creche = ChecklistItem.objects.get(label__contains="crèche")
    assert family_client.post(f"/mon-espace/demarches/{creche.pk}/", {"done": "1"}).status_code == 404
    assert family_client.post("/mon-espace/demarches/999999/", {"done": "1"}).status_code == 404
    assert not ChecklistTick.objects.exists()


def test_the_family_space_in_english_shows_the_english_steps(family_client):
    family_client.post("/mon-espace/langue/", {"language": "en", "next": "/mon-espace/"})
    page = family_client.get("/mon-espace/").content.decode()
    assert "Update your file with the CAF" in page
