"""The project's registries are filled by the apps that own the data, from their AppConfig.ready()."""

from accompagnement.models import Household
from communes import departements
from osez import retention, rights, signals
from osez.settings.env import departement_codes


def test_each_app_declares_its_retention_rules_in_order():
    assert [rule.name for rule in retention.rules()] == [
        "closed_dossiers",
        "cvs_of_inactive_searches",
        "requests_without_follow_up",
        "event_registrations",
        "access_log",
    ]
    assert {rule.months_setting for rule in retention.rules()} == {
        "OSEZ_RETENTION_CLOSED_MONTHS",
        "OSEZ_RETENTION_CV_MONTHS",
        "OSEZ_RETENTION_REQUEST_MONTHS",
        "OSEZ_RETENTION_EVENT_MONTHS",
        "OSEZ_RETENTION_ACCESS_LOG_MONTHS",
    }


def test_the_report_of_a_run_names_every_count_in_words():
    sentence = retention.describe({"households_anonymised": 2, "requests_deleted": 1})
    assert sentence == (
        "2 dossier(s) terminé(s) anonymisé(s), 0 CV supprimé(s), 1 demande(s) sans suite supprimée(s), "
        "0 inscription(s) à un événement anonymisée(s), 0 ligne(s) du journal des accès supprimée(s)"
    )


def test_the_rights_desk_works_on_the_dossier_declared_by_the_back_office():
    assert rights.subject_model() is Household


def test_public_pages_are_invalidated_by_the_models_they_show():
    assert {
        "communes.ImportRecord",
        "communes.Commune",
        "communes.Place",
        "communes.Proximity",
        "communes.PlaceAnnotation",
        "communes.Source",
        "communes.Layer",
        "communes.TerritoryUpload",
        "portail.Sheet",
        "portail.SheetAttachment",
    } <= signals.public_models()
    assert not any(
        label.startswith(("accompagnement.", "emploi_conjoint.")) for label in signals.public_models()
    )
    # The events' list is a cached public page; the people signed up never are.
    assert "evenements.Event" in signals.public_models()
    assert "evenements.Registration" not in signals.public_models()


def test_settings_know_the_same_departements_as_the_registry():
    """Settings derive the codes by rule (they load before the apps); the registry has them by name."""
    assert departement_codes() == sorted(departements.DEPARTEMENTS)
    assert len(departement_codes()) == 101
