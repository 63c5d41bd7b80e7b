"""A request submitted on the public site opens a dossier in "nouvelle demande" with what the family typed."""

import pytest
from django.core import mail
from django.utils import timezone

from accompagnement.enums import Channel, InteractionKind, Need, NeedState, Stage
from accompagnement.models import Household
from portail.models import SupportRequest
from portail.signals import support_request_submitted
from tests.factories import CommuneFactory

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def make_request(**overrides):
    fields = {
        "first_name": "Léa",
        "last_name": "Exemple",
        "email": "lea@example.org",
        "phone": "06 00 00 00 00",
        "adults": 2,
        "children": [
            {"first_name": "Noé", "birth_year": timezone.localdate().year - 4},
            {"birth_year": "2010"},
        ],
        "origin": "Nantes",
        "needs": [Need.SCHOOL, Need.SPOUSE_JOB, "not-a-need"],
        "arrival_horizon": "6m",
        "employer": "",
        "message": "Nous arrivons pour un poste à l'hôpital.",
        "consent_text_version": "2026-01",
    }
    fields.update(overrides)
    return SupportRequest.objects.create(**fields)


def test_signal_opens_a_new_dossier(django_capture_on_commit_callbacks):
    commune = CommuneFactory()
    request = make_request()
    request.communes_considered.add(commune)
    with django_capture_on_commit_callbacks(execute=True):
        support_request_submitted.send(sender=SupportRequest, support_request=request)
    household = Household.objects.get(support_request=request)
    assert household.stage == Stage.NEW
    assert household.reference.startswith(f"OSZ-{timezone.localdate().year}-")
    assert household.email == "lea@example.org" and household.origin == "Nantes"
    assert (
        household.consent_text_version == "2026-01" and household.consent_given_at == request.consent_given_at
    )
    assert list(household.communes_considered.all()) == [commune]
    adults = list(household.adults.order_by("pk"))
    assert adults[0].first_name == "Léa" and len(adults) == 2 and adults[1].is_spouse_seeking_job
    assert sorted((c.first_name, c.birth_year) for c in household.children.all()) == [
        ("Enfant 2", 2010),
        ("Noé", timezone.localdate().year - 4),
    ]
    assert sorted(household.needs.values_list("kind", "state")) == [
        (Need.SCHOOL, NeedState.TO_DO),
        (Need.SPOUSE_JOB, NeedState.TO_DO),
    ]
    assert household.interactions.get().kind == InteractionKind.REQUEST
    assert household.transitions.get().to_stage == Stage.NEW
    # The team is told, with the reference only (the family's own mail is its family-space link).
    team = [m for m in mail.outbox if m.to != ["lea@example.org"]]
    assert len(team) == 1
    assert household.reference in team[0].subject
    assert "Léa" not in team[0].body and "lea@example.org" not in team[0].body


def test_same_request_twice_opens_one_dossier():
    request = make_request()
    support_request_submitted.send(sender=SupportRequest, support_request=request)
    support_request_submitted.send(sender=SupportRequest, support_request=request)
    assert Household.objects.filter(support_request=request).count() == 1


def test_known_employer_becomes_the_referrer():
    partner = OrganisationFactory(name="Centre hospitalier fictif")
    request = make_request(employer="centre hospitalier fictif ")
    support_request_submitted.send(sender=SupportRequest, support_request=request)
    household = Household.objects.get(support_request=request)
    assert household.referrer == partner
    assert household.channel == Channel.PARTNER_EMPLOYER


def test_references_are_sequential_and_unique():
    first = make_request()
    second = make_request(email="autre@example.org")
    support_request_submitted.send(sender=SupportRequest, support_request=first)
    support_request_submitted.send(sender=SupportRequest, support_request=second)
    refs = sorted(Household.objects.values_list("reference", flat=True))
    year = timezone.localdate().year
    assert refs == [f"OSZ-{year}-0001", f"OSZ-{year}-0002"]


def test_a_failing_receiver_does_not_break_the_request_and_the_command_catches_up(monkeypatch):
    import io

    from django.core.management import call_command

    from accompagnement import services

    request = make_request()

    def broken(_request):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(services, "open_from_support_request", broken)
    support_request_submitted.send(sender=SupportRequest, support_request=request)  # no exception
    assert not Household.objects.exists()
    monkeypatch.undo()
    out = io.StringIO()
    call_command("open_pending_requests", stdout=out)
    assert Household.objects.get(support_request=request).stage == Stage.NEW
    assert "1 dossier(s) ouvert(s)" in out.getvalue()
    call_command("open_pending_requests", stdout=io.StringIO())
    assert Household.objects.count() == 1
