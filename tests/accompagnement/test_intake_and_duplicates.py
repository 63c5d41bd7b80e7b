"""Opening a dossier after a call (intake), duplicates found at opening, the merge of two dossiers, triage."""

import re
import uuid

import pytest
from django.urls import reverse

from accompagnement import services
from accompagnement.enums import Need, Stage
from accompagnement.models import DossierMerge, Household
from portail.models import CONSENT_TEXT_VERSION, SupportRequest
from tests.factories import CommuneFactory, UserFactory
from tests.helpers import page_text as text

from .factories import AdultFactory, HouseholdFactory, NeedFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def advisor():
    return UserFactory(roles=["installation advisor"], first_name="Conseillère", last_name="Fictive")


def intake_data(**overrides):
    data = {
        "intake_key": str(uuid.uuid4()),
        "intake_channel": "telephone",
        "first_name": "Léa",
        "last_name": "Martin",
        "email": "lea.martin@example.org",
        "phone": "06 12 34 56 78",
        "adults": "2",
        "origin": "Rennes",
        "channel": "salon",
        "needs": [Need.SCHOOL, Need.SPOUSE_JOB],
        "arrival_horizon": "3m",
        "note": "Appel de la famille : poste à l'hôpital de Troyes.",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_intake_opens_a_dossier_assigned_to_its_author_with_consent(client, advisor):
    commune = CommuneFactory(name="Bar-sur-Seine")
    client.force_login(advisor)
    page = text(client.get(reverse("accompagnement:intake")))
    assert CONSENT_TEXT_VERSION in page  # the consent text is shown with its version
    response = client.post(reverse("accompagnement:intake"), intake_data(communes_considered=[commune.pk]))
    household = Household.objects.get(email="lea.martin@example.org")
    assert response.status_code == 302 and response["Location"] == household.get_absolute_url()
    assert household.advisor == advisor
    assert household.consent_text_version == CONSENT_TEXT_VERSION and household.consent_given_at
    assert household.arrival_horizon == "3m" and household.intake_channel == "telephone"
    assert household.adults.count() == 2
    assert set(household.needs.values_list("kind", flat=True)) == {Need.SCHOOL, Need.SPOUSE_JOB}
    assert list(household.communes_considered.all()) == [commune]
    assert household.interactions.get().author == advisor
    dossier = text(client.get(household.get_absolute_url()))
    assert "Dans moins de 3 mois" in dossier and "Appel téléphonique" in dossier


def test_intake_sent_twice_opens_one_dossier(client, advisor):
    client.force_login(advisor)
    data = intake_data()
    first = client.post(reverse("accompagnement:intake"), data)
    second = client.post(reverse("accompagnement:intake"), data)
    assert Household.objects.filter(email="lea.martin@example.org").count() == 1
    assert first["Location"] == second["Location"]


def test_intake_without_consent_or_contact_keeps_what_was_typed(client, advisor):
    client.force_login(advisor)
    data = intake_data(email="", phone="", note="Ce que j'ai noté au salon")
    del data["consent"]
    response = client.post(reverse("accompagnement:intake"), data)
    page = text(response)
    assert response.status_code == 200
    assert "Sans l'accord de la personne" in page
    assert "Indiquez au moins un courriel ou un téléphone" in page
    assert "Ce que j'ai noté au salon" in page and 'value="Martin"' in page
    assert '<a href="#id_consent">' in page  # the summary names the field in words and links to it
    assert not Household.objects.exists()


def test_intake_advisor_cannot_assign_a_colleague(client, advisor):
    colleague = UserFactory(roles=["installation advisor"])
    client.force_login(advisor)
    client.post(reverse("accompagnement:intake"), intake_data(advisor=colleague.pk))
    assert Household.objects.get().advisor == advisor


def test_intake_finds_a_duplicate_reassigned_to_a_colleague(client, advisor):
    colleague = UserFactory(roles=["installation advisor"], first_name="Collègue", last_name="Fictif")
    first = HouseholdFactory(advisor=colleague, email="autre@example.org", phone="")
    AdultFactory(household=first, first_name="LÉA", last_name="martin", phone="+33 6 12 34 56 78")
    client.force_login(advisor)
    client.post(reverse("accompagnement:intake"), intake_data(email="nouvelle@example.org"))
    household = Household.objects.get(email="nouvelle@example.org")
    page = text(client.get(household.get_absolute_url()))
    assert "Doublons possibles" in page
    assert re.search(rf"{first.reference}</a> — même téléphone, même nom — suivi par Collègue Fictif", page)


def test_public_request_sent_twice_with_the_same_email_is_flagged(client):
    def request():
        return SupportRequest.objects.create(
            first_name="Alex", last_name="Fictif", email="Alex@Example.org", origin="Reims",
            arrival_horizon="3m", consent_text_version=CONSENT_TEXT_VERSION,
        )  # fmt: skip

    one = services.open_from_support_request(request())
    two = services.open_from_support_request(request())
    assert two.arrival_horizon == "3m"  # the horizon is carried into the dossier
    assert list(two.possible_duplicates.all()) == [one]
    lead = UserFactory(roles=["team lead"])
    client.force_login(lead)
    home = text(client.get(reverse("accompagnement:home")))
    assert "doublon possible" in home and "Dans moins de 3 mois" in home and "Demande sur le site" in home


def _pair(advisor_a, advisor_b):
    kept = HouseholdFactory(advisor=advisor_a, email="kept@example.org")
    AdultFactory(household=kept, first_name="Léa", last_name="Martin")
    NeedFactory(household=kept, kind=Need.SCHOOL, note="École maternelle")
    other = HouseholdFactory(advisor=advisor_b, email="kept@example.org", phone="03 25 00 00 00")
    AdultFactory(household=other, first_name="Noé", last_name="Martin")
    NeedFactory(household=other, kind=Need.SCHOOL, note="Collège aussi")
    NeedFactory(household=other, kind=Need.DOCTOR)
    TaskFactory(household=other, title="Rappeler la famille")
    kept.possible_duplicates.add(other)
    return kept, other


def test_merge_moves_everything_keeps_the_other_dossier_and_logs_it(client, advisor):
    kept, other = _pair(advisor, None)
    client.force_login(advisor)
    url = reverse("accompagnement:merge", args=[kept.pk])
    page = text(client.get(url, {"autre": other.pk}))
    assert f"Rattacher {other.reference} au dossier {kept.reference}" in page
    response = client.post(url, {"other": other.pk})
    assert response.status_code == 302
    kept.refresh_from_db()
    other.refresh_from_db()
    assert sorted(kept.adults.values_list("first_name", flat=True)) == ["Léa", "Noé"]
    assert set(kept.needs.values_list("kind", flat=True)) == {Need.SCHOOL, Need.DOCTOR}
    assert kept.needs.get(kind=Need.SCHOOL).note == "École maternelle\nCollège aussi"
    assert kept.tasks.filter(title="Rappeler la famille").exists()
    assert kept.phone == "03 25 00 00 00"  # filled only because the kept dossier had none
    # Nothing deleted: the other dossier still exists, closed, pointing to the kept one.
    assert other.merged_into == kept and other.stage == Stage.CLOSED
    merge = DossierMerge.objects.get()
    assert (merge.source, merge.target, merge.by) == (other, kept, advisor)
    assert merge.moved["adultes"] == 1 and merge.moved["taches"] == 1
    dossier = text(client.get(kept.get_absolute_url()))
    assert f"Dossier {other.reference} fusionné dans celui-ci" in dossier
    assert "Doublons possibles" not in dossier


def test_merge_brings_what_the_family_did_in_its_space_its_event_sign_ups_and_its_referral(client, advisor):
    from django.utils import timezone

    from employeurs.models import Referral
    from espace_famille import services as family
    from espace_famille.models import Author, ChecklistItem, ErasureRequest, SettlingSurvey
    from tests.evenements.conftest import make_event, register
    from tests.partenaires.factories import OrganisationFactory

    kept, other = _pair(advisor, None)
    family.post_message(other, text="Où inscrire Noé au collège ?", author=Author.FAMILY)
    caf, school = ChecklistItem.objects.create(label="CAF"), ChecklistItem.objects.create(label="École")
    for household in (kept, other):  # both ticked the CAF: the kept dossier's tick stays the one shown
        family.set_tick(household, caf, done=True)
    family.set_tick(other, school, done=True)
    SettlingSurvey.objects.create(household=other, milestone=6, score=8, answered_at=timezone.now())
    ErasureRequest.objects.create(household=other)
    sign_up = register(make_event(), "kept@example.org", household=other)
    Referral.objects.create(
        organisation=OrganisationFactory(), household=other, recruit_name="Noé Martin", consent_contact=True,
        consented_at=timezone.now(),
    )  # fmt: skip
    client.force_login(advisor)
    client.post(reverse("accompagnement:merge", args=[kept.pk]), {"other": other.pk})
    assert [m.text for m in kept.family_messages.all()] == ["Où inscrire Noé au collège ?"]
    assert sorted(kept.checklist_ticks.values_list("item__label", flat=True)) == ["CAF", "École"]
    assert other.checklist_ticks.count() == 1  # its own CAF tick, kept on the closed dossier for the record
    assert kept.settling_surveys.get().score == 8
    assert kept.erasure_requests.count() == 1  # a team lead still sees the family's request
    sign_up.refresh_from_db()
    assert sign_up.household == kept
    assert Referral.objects.get(household=kept).recruit_name == "Noé Martin"
    moved = DossierMerge.objects.get().moved
    assert (moved["messages"], moved["demarches"], moved["inscriptions"], moved["orientation"]) == (
        1,
        1,
        1,
        1,
    )
    history = text(client.get(kept.get_absolute_url()))
    assert "1 messages de la famille" in history and "1 inscriptions à des événements" in history


def test_merge_keeps_the_referral_of_the_dossier_kept(client, advisor):
    from django.utils import timezone

    from employeurs.models import Referral
    from tests.partenaires.factories import OrganisationFactory

    kept, other = _pair(advisor, None)
    for household, name in ((kept, "Léa Martin"), (other, "Noé Martin")):
        Referral.objects.create(
            organisation=OrganisationFactory(), household=household, recruit_name=name, consent_contact=True,
            consented_at=timezone.now(),
        )  # fmt: skip
    client.force_login(advisor)
    client.post(reverse("accompagnement:merge", args=[kept.pk]), {"other": other.pk})
    assert Referral.objects.get(household=kept).recruit_name == "Léa Martin"
    assert Referral.objects.get(household=other).recruit_name == "Noé Martin"  # left on the closed dossier
    assert DossierMerge.objects.get().moved["orientation"] == 0


def test_merge_of_two_advisors_dossiers_needs_the_team_lead(client, advisor):
    colleague = UserFactory(roles=["installation advisor"])
    kept, other = _pair(advisor, colleague)
    client.force_login(advisor)
    response = client.post(reverse("accompagnement:merge", args=[kept.pk]), {"other": other.pk})
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.merged_into is None and other.adults.count() == 1
    lead = UserFactory(roles=["team lead"])
    client.force_login(lead)
    page = text(
        client.post(reverse("accompagnement:merge", args=[kept.pk]), {"other": other.pk}, follow=True)
    )
    assert "est rattaché" in page
    other.refresh_from_db()
    assert other.merged_into == kept


def test_merge_into_itself_or_garbage_never_answers_500(client, advisor):
    kept, _other = _pair(advisor, None)
    client.force_login(advisor)
    url = reverse("accompagnement:merge", args=[kept.pk])
    assert client.post(url, {"other": kept.pk}).status_code == 403
    assert client.post(url, {"other": "abc"}).status_code == 302
    assert client.get(url, {"autre": "999999"}).status_code == 404


def test_triage_is_sortable_by_age(client, advisor):
    old = HouseholdFactory(advisor=None)
    new = HouseholdFactory(advisor=None)
    Household.objects.filter(pk=old.pk).update(
        created_at=old.created_at.replace(year=old.created_at.year - 1)
    )
    client.force_login(advisor)
    page = text(client.get(reverse("accompagnement:home")))
    assert page.index(old.reference) < page.index(new.reference)
    page = text(client.get(reverse("accompagnement:home"), {"tri": "-age"}))
    assert page.index(new.reference) < page.index(old.reference)
    assert client.get(reverse("accompagnement:home"), {"tri": "'; drop"}).status_code == 200


@pytest.mark.parametrize(
    "overrides",
    [
        {"intake_key": "pas-un-uuid"},
        {"intake_key": ""},
        {"adults": "-3"},
        {"arrival_date": "31/02/2026"},
        {"needs": ["inconnu"]},
        {"communes_considered": ["99999"]},
        {"intake_channel": "pigeon"},
        {"note": "x" * 6000},
    ],
)
def test_intake_odd_input_is_refused_in_words_and_keeps_the_rest(client, advisor, overrides):
    client.force_login(advisor)
    response = client.post(reverse("accompagnement:intake"), intake_data(**overrides))
    page = text(response)
    assert response.status_code == 200
    assert "Le dossier n’a pas été ouvert" in page and 'value="Martin"' in page
    assert not Household.objects.exists()


@pytest.mark.parametrize("role", ["HR specialist", "marketing"])
def test_intake_is_refused_to_other_roles(client, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.post(reverse("accompagnement:intake"), intake_data()).status_code == 403
    assert not Household.objects.exists()
