"""Optimistic locking, below the pages: a save must say which version it was made from, and be current."""

import pytest
from django import forms

from accompagnement.models import Household
from osez.locking import (
    MISSING_VERSION_MESSAGE,
    STALE_MESSAGE,
    StaleVersionError,
    VersionedFormMixin,
    lock_refusal,
)

pytestmark = pytest.mark.django_db


class OriginForm(VersionedFormMixin, forms.ModelForm):
    """The locking mixin first, over a ModelForm, as the apps' forms use it."""

    class Meta:
        model = Household
        fields = ["origin"]


@pytest.fixture
def household():
    return Household.objects.create(email="famille@example.org", origin="Lyon")


def test_a_current_save_bumps_the_version(household):
    household.origin = "Troyes"
    household.save_if_current(1)
    household.refresh_from_db()
    assert (household.origin, household.version) == ("Troyes", 2)


@pytest.mark.parametrize("expected", [None, 0, 2])
def test_a_save_without_or_with_a_wrong_version_writes_nothing(household, expected):
    household.origin = "Troyes"
    with pytest.raises(StaleVersionError):
        household.save_if_current(expected)
    household.refresh_from_db()
    assert (household.origin, household.version) == ("Lyon", 1)


def test_a_save_bumps_only_its_own_record(household):
    other = Household.objects.create(email="voisine@example.org", origin="Paris")
    household.save_if_current(1)
    other.refresh_from_db()
    assert other.version == 1


def test_a_partial_save_still_bumps_the_version(household):
    household.origin = "Troyes"
    household.save_if_current(1, update_fields=["origin"])
    household.refresh_from_db()
    assert (household.origin, household.version) == ("Troyes", 2)


def test_a_new_record_is_saved_whatever_the_version():
    household = Household(email="nouvelle@example.org", origin="Reims")
    household.save_if_current(None)
    assert household.pk is not None and household.version == 1


def test_the_form_carries_the_version_it_was_loaded_with(household):
    Household.objects.filter(pk=household.pk).update(version=7)
    household.refresh_from_db()
    assert OriginForm(instance=household)["version"].value() == 7


def test_the_form_refuses_a_missing_version_before_writing(household):
    form = OriginForm({"origin": "Troyes"}, instance=household)
    assert not form.is_valid()
    assert form.has_error("__all__", code="no_version")
    assert lock_refusal(form) == MISSING_VERSION_MESSAGE
    household.refresh_from_db()
    assert household.origin == "Lyon"


def test_the_form_refuses_a_stale_version_before_writing(household):
    Household.objects.filter(pk=household.pk).update(version=2)
    form = OriginForm({"origin": "Troyes", "version": "1"}, instance=household)
    assert not form.is_valid()
    assert lock_refusal(form) == STALE_MESSAGE


def test_the_form_saves_a_current_version_and_says_nothing(household):
    form = OriginForm({"origin": "Troyes", "version": "1"}, instance=household)
    assert form.is_valid(), form.errors
    assert lock_refusal(form) is None
    form.save()
    household.refresh_from_db()
    assert (household.origin, household.version) == ("Troyes", 2)


def test_a_race_between_clean_and_save_is_refused_by_the_database(household):
    form = OriginForm({"origin": "Troyes", "version": "1"}, instance=household)
    assert form.is_valid()
    Household.objects.filter(pk=household.pk).update(version=2)  # someone saved in between
    with pytest.raises(StaleVersionError):
        form.save()
    assert lock_refusal(form) == STALE_MESSAGE
    assert form.non_field_errors() == [STALE_MESSAGE], "the person reads why, above what they typed"
    household.refresh_from_db()
    assert household.origin == "Lyon"


def test_a_form_for_a_new_record_needs_no_version():
    form = OriginForm({"origin": "Reims", "email": "x@example.org"})
    assert form.is_valid(), form.errors
