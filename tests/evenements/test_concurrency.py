"""A waiting list never over-books: concurrent sign-ups on PostgreSQL, each thread on its own connection."""

import threading

import pytest
from django.db import connection
from django.db.models import Sum

from evenements import services
from evenements.models import CONSENT_TEXT_VERSION, Registration

from .conftest import make_event

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db(transaction=True)]


def _concurrently(event, emails, party_size=1):
    barrier = threading.Barrier(len(emails))
    outcomes, errors = [], []

    def sign_up(email):
        try:
            barrier.wait(timeout=10)
            _registration, outcome = services.sign_up(
                event,
                name="Participant Fictif",
                email=email,
                party_size=party_size,
                consent_text_version=CONSENT_TEXT_VERSION,
            )
            outcomes.append(outcome)
        except Exception as error:  # reported below: a thread's exception would otherwise vanish
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(email,)) for email in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return outcomes


def test_concurrent_sign_ups_for_the_last_places_never_over_book():
    event = make_event(capacity=3)
    outcomes = _concurrently(event, [f"personne{n}@exemple.fr" for n in range(8)])
    assert sorted(outcomes) == ["confirmed"] * 3 + ["waiting"] * 5
    taken = Registration.objects.filter(event=event, status="inscrit").aggregate(n=Sum("party_size"))["n"]
    assert taken == 3


def test_two_concurrent_sign_ups_with_one_email_make_one_sign_up():
    event = make_event(capacity=10)
    outcomes = _concurrently(event, ["meme@exemple.fr", "meme@exemple.fr"], party_size=2)
    assert sorted(outcomes) == ["already", "confirmed"]
    assert Registration.objects.filter(event=event).count() == 1


def test_concurrent_cancel_and_sign_up_keep_the_count_right():
    event = make_event(capacity=2)
    first, _ = services.sign_up(
        event, name="A", email="a@exemple.fr", party_size=2, consent_text_version=CONSENT_TEXT_VERSION
    )
    barrier = threading.Barrier(2)
    errors = []

    def cancel():
        try:
            barrier.wait(timeout=10)
            services.cancel_registration(first)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    def sign_up():
        try:
            barrier.wait(timeout=10)
            services.sign_up(
                event, name="B", email="b@exemple.fr", party_size=2, consent_text_version=CONSENT_TEXT_VERSION
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel), threading.Thread(target=sign_up)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    # Whichever came first, B ends with the place (directly, or promoted from the waiting list).
    assert Registration.objects.get(email="b@exemple.fr").status == "inscrit"
    taken = Registration.objects.filter(event=event, status="inscrit").aggregate(n=Sum("party_size"))["n"]
    assert taken == 2
