"""Publishing is one transaction: a failure in the middle leaves nothing half-published (issue 18, row 1)."""

from unittest import mock

import pytest

from communes.enums import ImportOutcome, SourceState
from communes.models import CommuneIndicator, Indicator, Place, Source
from communes.sources.publish import publish_indicators
from communes.sources.rows import IndicatorBatch, commune_index

from .conftest import read_records, refresh, snapshot, write_records

pytestmark = pytest.mark.django_db

EQUIPMENTS = "sport/data-es-equipements-10.json"


def test_a_failure_mid_publish_leaves_nothing_half_published(mini_loaded):
    records = read_records(mini_loaded / EQUIPMENTS)
    # A batch that creates a place, updates one and leaves one out (to deactivate).
    new = dict(records[0], numero="E999" + records[0]["installation_numero"], nom="Nouveau terrain (fictif)")
    records[1] = dict(records[1], nom="Terrain renommé (fictif)")
    gone = records.pop(2)
    write_records(mini_loaded / EQUIPMENTS, [*records, new])
    before = snapshot()
    manager = type(Place.objects)
    # The creation is written first (bulk insert), then the updates fail: a disk full, a lost connection.
    with mock.patch.object(manager, "bulk_update", side_effect=RuntimeError("connexion perdue")):
        outcome = refresh("sport")
    assert not outcome.ok
    assert outcome.record.outcome == ImportOutcome.FAILED
    assert "connexion perdue" in outcome.record.message
    assert Source.objects.get(slug="sport").state == SourceState.FAILED
    # Nothing of the batch is visible: no new place, no renamed one, the left-out one still active.
    assert not Place.objects.filter(source_ref=new["numero"]).exists()
    assert Place.objects.get(source_ref=gone["numero"]).is_active
    assert snapshot() == before
    # Once the database is back, the same file publishes completely.
    outcome = refresh("sport")
    assert outcome.ok and (outcome.record.created, outcome.record.updated, outcome.record.deactivated) == (
        1,
        1,
        1,
    )


def test_a_failure_mid_publish_of_indicators_leaves_nothing_either(mini_loaded):
    source = Source.objects.get(slug="bpe")
    indicator = Indicator.objects.create(
        slug="test-indicateur", name="Indicateur d'essai", theme="sante", source=source
    )
    communes = commune_index(["10"])
    batch = IndicatorBatch(departements=("10",))
    for line, code in enumerate(sorted(communes)[:30], start=1):
        batch.total_rows += 1
        batch.add_value(line, commune=communes[code], indicator=indicator.slug, value=float(line))
    publish_indicators(source, batch, indicators=[indicator.slug])
    assert CommuneIndicator.objects.count() == 30
    batch = IndicatorBatch(departements=("10",))
    for line, code in enumerate(sorted(communes)[:31], start=1):
        batch.total_rows += 1
        batch.add_value(line, commune=communes[code], indicator=indicator.slug, value=float(line) * 2)
    with (
        mock.patch.object(type(CommuneIndicator.objects), "bulk_update", side_effect=RuntimeError("coupure")),
        pytest.raises(RuntimeError),
    ):
        publish_indicators(source, batch, indicators=[indicator.slug])
    assert CommuneIndicator.objects.count() == 30  # the 31st value, created first, was rolled back
    assert sorted(CommuneIndicator.objects.values_list("value", flat=True)) == [
        float(n) for n in range(1, 31)
    ]
