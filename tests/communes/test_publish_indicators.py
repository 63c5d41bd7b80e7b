"""Publishing per-commune figures, called with a batch built here: what each figure holds once published,
the counts the import record shows, the départements a batch stays within, and the rules every batch
obeys (rejections, size, figures kept, absent figures retired only from a complete file).

Written after the mutation run of ``communes/sources/publish.py`` (README, Mutation testing): each test
fails when the rule it names is broken. The tests through whole imports (``test_indicators_*.py``) show
the same rules on the sources' files.
"""

import datetime

import pytest

from communes.models import CommuneIndicator
from communes.sources import publish
from communes.sources.errors import SourceError
from communes.sources.publish import publish_indicators
from communes.sources.rows import IndicatorBatch
from tests.factories import CommuneFactory, DepartementFactory, IndicatorFactory, SourceFactory

pytestmark = pytest.mark.django_db

SHARE = "part-fictive"
INCOME = "revenu-fictif"
CODES = [f"10{n:03d}" for n in range(501, 511)]  # ten fictional communes of the Aube


@pytest.fixture
def source():
    return SourceFactory(slug="source-indicateurs", name="Source d'indicateurs fictive")


@pytest.fixture
def communes(source):
    for code in CODES:
        CommuneFactory(code_insee=code, name=f"Commune fictive {code}")
    for slug in (SHARE, INCOME):
        IndicatorFactory(slug=slug, source=source)
    return CODES


@pytest.fixture
def haute_marne(source):
    departement = DepartementFactory(code="52", name="Haute-Marne")
    return CommuneFactory(code_insee="52501", name="Commune fictive de Haute-Marne", departement=departement)


def batch_of(figures, departements=("10",)):
    """A batch as an importer leaves it: ``figures`` are (code, indicator, fields)."""
    batch = IndicatorBatch(departements=tuple(departements))
    for line, (code, indicator, fields) in enumerate(figures, start=2):
        batch.total_rows += 1
        assert batch.add_value(line, commune=code, indicator=indicator, **fields)
    return batch


def reject(batch, line, reason, ref="", **keys):
    """A row read and rejected (``key``/``keys`` keep what is published for it, as the importers do)."""
    batch.total_rows += 1
    batch.reject(line, reason, ref, **keys)


@pytest.fixture(autouse=True)
def lenient(settings):
    # Small batches: one rejected row of ten is 10 %, over the default 5 % threshold the rejection tests
    # set again themselves.
    settings.OSEZ_MAX_REJECTED = 0.5


def shares(codes, value=50.0, **fields):
    return [(code, SHARE, {"value": value, **fields}) for code in codes]


def run(source, batch, **options):
    return publish_indicators(source, batch, indicators=[SHARE, INCOME], **options)


def figure(code, indicator=SHARE):
    return CommuneIndicator.objects.get(commune_id=code, indicator_id=indicator)


FULL = {
    "value": 12.5,
    "text": "12,5 % (fictif)",
    "count": 40,
    "level": "epci",
    "territory_code": "241000000",
    "territory_name": "Communauté fictive",
    "attributes": {"source": "fictive"},
    "vintage": "2024",
    "data_date": datetime.date(2024, 1, 1),
}


def test_a_new_figure_is_published_with_everything_its_row_holds(source, communes):
    result = run(source, batch_of([(CODES[0], SHARE, FULL)]))
    assert result.created == 1
    found = figure(CODES[0])
    assert (found.value, found.text, found.count) == (12.5, "12,5 % (fictif)", 40)
    assert (found.level, found.territory_code, found.territory_name) == (
        "epci",
        "241000000",
        "Communauté fictive",
    )
    assert found.attributes == {"source": "fictive"} and found.vintage == "2024"
    assert found.data_date == datetime.date(2024, 1, 1) and found.is_active


def test_a_changed_figure_is_published_with_its_new_values(source, communes):
    run(source, batch_of([(CODES[0], SHARE, {"value": 10.0})]))
    result = run(source, batch_of([(CODES[0], SHARE, FULL)]))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    found = figure(CODES[0])
    assert (found.value, found.count, found.territory_name) == (12.5, 40, "Communauté fictive")
    assert CommuneIndicator.objects.count() == 1


def test_a_new_date_alone_is_a_change(source, communes):
    run(source, batch_of([(CODES[0], SHARE, FULL)]))
    later = dict(FULL, data_date=datetime.date(2025, 1, 1))
    result = run(source, batch_of([(CODES[0], SHARE, later)]))
    assert result.updated == 1
    assert figure(CODES[0]).data_date == datetime.date(2025, 1, 1)


def test_the_counts_say_how_many_figures_were_created_changed_and_unchanged(source, communes):
    counted = []
    first = run(source, batch_of(shares(CODES[:3])), progress=counted.append)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    assert counted == [1, 1, 1], "the progress bar moves once per figure"
    second = run(source, batch_of(shares(CODES[:2], value=60.0) + shares(CODES[2:3])))
    assert (second.created, second.updated, second.unchanged) == (0, 2, 1)


def test_an_unchanged_figure_is_seen_again_and_keeps_its_first_sighting(source, communes):
    run(source, batch_of(shares(CODES[:1])))
    before = figure(CODES[0])
    run(source, batch_of(shares(CODES[:1])))
    after = figure(CODES[0])
    assert after.last_seen > before.last_seen, "the data page dates a figure by when it was last read"
    assert after.first_seen == before.first_seen


def test_a_figure_back_in_the_file_is_active_again(source, communes):
    run(source, batch_of(shares(CODES)))
    run(source, batch_of(shares(CODES[:9])))
    assert not figure(CODES[9]).is_active
    result = run(source, batch_of(shares(CODES)))
    assert result.updated == 1 and figure(CODES[9]).is_active


def test_a_figure_absent_from_a_complete_file_is_retired_never_deleted(source, communes):
    run(source, batch_of(shares(CODES)))
    result = run(source, batch_of(shares(CODES[:9])))
    assert result.deactivated == 1
    gone = figure(CODES[9])
    assert not gone.is_active and gone.value == 50.0


def test_a_batch_for_one_departement_leaves_the_figures_of_others_alone(source, communes, haute_marne):
    run(source, batch_of(shares(["52501"]), departements=("52",)))
    result = run(source, batch_of(shares(CODES)))
    assert result.deactivated == 0
    assert figure("52501").is_active, "a file of the Aube says nothing about Haute-Marne"
    # Nor does Haute-Marne's figure count in the Aube's last publication: ten figures are not a shrink.
    assert run(source, batch_of(shares(CODES))).unchanged == 10


def test_an_incomplete_file_retires_nothing_and_says_why(source, communes):
    run(source, batch_of(shares(CODES)))
    batch = batch_of(shares(CODES[:9]))
    reject(batch, 20, "ligne illisible")  # a row that names no commune: the file is not complete
    result = run(source, batch)
    assert result.deactivated == 0 and result.deactivation_suspended == 1
    assert figure(CODES[9]).is_active
    assert "1 éléments absents du fichier non désactivés" in batch.notes[0]


def test_an_invalid_row_keeps_the_published_figure_of_that_commune(source, communes):
    run(source, batch_of(shares(CODES)))
    batch = batch_of(shares(CODES[1:]))
    reject(batch, 20, "valeur invalide : 'n/a'", CODES[0], key=(CODES[0], SHARE))
    result = run(source, batch)
    assert (result.kept, result.deactivated) == (1, 0)
    assert figure(CODES[0]).is_active and figure(CODES[0]).value == 50.0


def test_a_commune_whose_rows_are_invalid_keeps_all_its_figures(source, communes):
    run(source, batch_of(shares(CODES) + [(code, INCOME, {"value": 20000.0}) for code in CODES]))
    batch = batch_of(shares(CODES[1:]) + [(code, INCOME, {"value": 20000.0}) for code in CODES[1:]])
    reject(batch, 20, "commune en double", CODES[0], key=CODES[0])  # every figure of the commune
    result = run(source, batch)
    assert (result.kept, result.deactivated) == (2, 0)
    assert figure(CODES[0], SHARE).is_active and figure(CODES[0], INCOME).is_active


def test_figures_kept_as_published_count_in_the_size_of_the_batch(source, communes):
    run(source, batch_of(shares(CODES)))
    batch = batch_of(shares(CODES[:5]))  # half the figures, the other half present but invalid
    for line, code in enumerate(CODES[5:], start=20):
        reject(batch, line, "valeur invalide : 'n/a'", code, key=(code, SHARE))
    result = run(source, batch)
    assert (result.unchanged, result.kept, result.deactivated) == (5, 5, 0)


def test_a_shrunk_batch_is_refused_and_named_in_figures(source, communes):
    run(source, batch_of(shares(CODES)))
    with pytest.raises(SourceError, match="ne compte que 5 valeurs valides contre 10 publiées"):
        run(source, batch_of(shares(CODES[:5])))
    assert CommuneIndicator.objects.filter(is_active=True).count() == 10
    result = run(source, batch_of(shares(CODES[:5])), force=True)
    assert result.deactivated == 5


def test_an_empty_batch_is_refused(source, communes):
    run(source, batch_of(shares(CODES)))
    with pytest.raises(SourceError, match=r"lot vide : aucune ligne valide \(valeurs\)"):
        run(source, batch_of([]), force=True)
    assert CommuneIndicator.objects.filter(is_active=True).count() == 10


def test_too_many_rejected_rows_are_refused_unless_forced(source, communes, settings):
    settings.OSEZ_MAX_REJECTED = 0.05
    batch = batch_of(shares(CODES[:5]))
    for line in range(20, 25):
        reject(batch, line, "code commune inconnu : 99999")
    with pytest.raises(SourceError, match="5 lignes rejetées"):
        run(source, batch)
    assert not CommuneIndicator.objects.exists()
    assert run(source, batch, force=True).created == 5


def test_figures_beyond_one_write_are_all_published_seen_and_retired(source, communes, monkeypatch):
    monkeypatch.setattr(publish, "BATCH_SIZE", 2)
    monkeypatch.setattr(publish, "ID_CHUNK", 2)
    assert run(source, batch_of(shares(CODES))).created == 10
    assert run(source, batch_of(shares(CODES, value=70.0))).updated == 10
    assert set(CommuneIndicator.objects.values_list("value", flat=True)) == {70.0}
    before = dict(CommuneIndicator.objects.values_list("commune_id", "last_seen"))
    assert run(source, batch_of(shares(CODES, value=70.0))).unchanged == 10
    after = dict(CommuneIndicator.objects.values_list("commune_id", "last_seen"))
    assert all(after[code] > before[code] for code in CODES), "every unchanged figure is seen again"
    assert run(source, batch_of(shares(CODES[:5], value=70.0)), force=True).deactivated == 5
    assert CommuneIndicator.objects.filter(is_active=False).count() == 5
