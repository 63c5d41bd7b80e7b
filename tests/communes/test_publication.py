"""Whether a source is up to date: judged against the publisher's rhythm, the import rhythm for failures."""

from datetime import UTC, date, datetime, timedelta

import pytest

from communes.enums import ImportOutcome, SourceState
from communes.models import ImportRecord, Source
from communes.publication import Edition, edition_status, is_fictional, vintage_label
from osez.roles import ADVISOR
from tests.factories import SourceFactory, UserFactory, record_publication

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


def source(**fields):
    values = {
        "slug": "bpe", "name": "BPE", "publisher": "INSEE", "expected_every": timedelta(days=7),
        "state": SourceState.OK, "published_every": timedelta(days=365), "data_vintage": "BPE 2024",
        "data_date": date(2025, 1, 1), "last_success_at": NOW - timedelta(days=2),
    }  # fmt: skip
    values.update(fields)
    return Source(**values)


def test_never_imported():
    status = edition_status(source(last_success_at=None, state=SourceState.NEVER), NOW)
    assert status.state == Edition.NEVER and str(status.label) == "jamais importée"


def test_a_yearly_edition_not_due_yet_is_current_even_if_imports_fail():
    # BPE of 1 January 2026, yearly: the next one cannot exist before 2027.
    status = edition_status(
        source(
            data_date=date(2026, 1, 1), state=SourceState.FAILED, last_success_at=NOW - timedelta(days=90)
        ),
        NOW,
    )
    assert status.is_current and status.failing
    assert status.next_edition == date(2027, 1, 1)


def test_a_due_edition_that_a_recent_import_did_not_find_is_still_current():
    # The next BPE was due in January 2026; last night's import still found BPE 2024: nothing newer yet.
    assert edition_status(source(last_success_at=NOW - timedelta(days=1)), NOW).is_current


def test_a_due_edition_with_no_import_since_is_outdated():
    status = edition_status(source(last_success_at=datetime(2025, 3, 1, tzinfo=UTC)), NOW)
    assert status.state == Edition.OUTDATED
    assert "plus récente" in str(status.label)


def test_a_daily_source_with_an_old_export_is_outdated():
    annuaire = source(
        slug="ecoles", published_every=timedelta(days=1), expected_every=timedelta(days=1),
        data_vintage="", data_date=date(2026, 6, 1), last_success_at=datetime(2026, 6, 1, 3, tzinfo=UTC),
    )  # fmt: skip
    assert edition_status(annuaire, NOW).state == Edition.OUTDATED
    annuaire.data_date, annuaire.last_success_at = date(2026, 6, 14), NOW - timedelta(hours=7)
    assert edition_status(annuaire, NOW).is_current


def test_without_date_or_rhythm_only_the_import_rhythm_judges():
    undated = source(data_date=None, published_every=None, expected_every=timedelta(days=1))
    assert edition_status(undated, NOW).is_current
    undated.last_success_at = NOW - timedelta(days=5)
    status = edition_status(undated, NOW)
    assert status.state == Edition.LATE and str(status.label) == "à actualiser"


def test_vintage_label_prefers_the_name_then_the_date():
    assert vintage_label(source()) == "BPE 2024"
    assert vintage_label(source(data_vintage="", data_date=date(2026, 5, 27))) == "27 mai 2026"
    assert vintage_label(source(data_vintage="", data_date=None)) == ""


@pytest.mark.django_db
def test_a_source_is_fictional_while_what_it_publishes_is():
    """One rule: ``Source.is_fictional``, set by each successful publication (see communes.services and
    tests/communes/test_fixtures_fallback.py for the pipeline side), left alone by a failed attempt."""
    bpe = SourceFactory(slug="bpe")
    assert not is_fictional(Source.objects.get(pk="bpe"))
    record_publication(bpe, fictional=True)
    assert is_fictional(Source.objects.get(pk="bpe"))
    # A failed or running attempt publishes nothing: what is published is still fictional.
    ImportRecord.objects.create(source=bpe, outcome=ImportOutcome.FAILED)
    ImportRecord.objects.create(source=bpe, outcome=ImportOutcome.RUNNING)
    assert is_fictional(Source.objects.get(pk="bpe"))
    record_publication(bpe, fictional=False)
    assert not is_fictional(Source.objects.get(pk="bpe"))


@pytest.mark.django_db
def test_admin_shows_both_dates_and_judges_against_the_publication_rhythm(client):
    SourceFactory(slug="bpe")  # the catalogue's migration may have created it: set what the test reads
    Source.objects.filter(pk="bpe").update(
        name="BPE fictive", data_vintage="BPE 2024", data_date=date(2024, 1, 1),
        published_every=timedelta(days=365), expected_every=timedelta(days=7), state=SourceState.OK,
        last_success_at=datetime(2024, 11, 2, 3, 0, tzinfo=UTC),
    )  # fmt: skip
    client.force_login(UserFactory(roles=[ADVISOR]))
    html = client.get("/admin/communes/source/").content.decode()
    row = html.split("BPE fictive")[1].split("</tr>")[0]
    assert "BPE 2024" in row and "2024" in row.split("BPE 2024")[1]  # the import date follows the vintage
    assert "PÉRIMÉE — une édition plus récente que celle importée est probablement parue" in row
    assert 'alt="False"' in row  # the "à jour" column


@pytest.mark.django_db
def test_admin_says_a_due_edition_was_not_yet_published_at_the_last_import(client):
    SourceFactory(slug="bpe")
    Source.objects.filter(pk="bpe").update(
        name="BPE fictive", data_vintage="BPE 2024", data_date=date(2024, 1, 1), published_every=timedelta(days=365),
        expected_every=timedelta(days=7), state=SourceState.FAILED, last_success_at=datetime.now(UTC) - timedelta(days=1),
    )  # fmt: skip
    client.force_login(UserFactory(roles=[ADVISOR]))
    row = client.get("/admin/communes/source/").content.decode().split("BPE fictive")[1].split("</tr>")[0]
    assert "À jour — rien de plus récent chez le producteur au dernier import" in row
    assert "dernière tentative en échec" in row
    assert 'alt="True"' in row
