"""Publishing places, called with a batch built here: what each place holds once published, the counts the
import record shows, the départements a batch stays within, and batches larger than one write.

Written after the mutation run of ``communes/sources/publish.py`` (README, Mutation testing): each test
fails when the rule it names is broken.
"""

import pytest

from communes.catalog import PREFERRED_SOURCE
from communes.enums import PositionQuality
from communes.models import Place
from communes.sources import publish
from communes.sources.errors import SourceError
from communes.sources.publish import publish_places, publish_preferred
from communes.sources.rows import Batch, CommuneInfo
from tests.factories import CommuneFactory, DepartementFactory, LayerFactory, PlaceFactory, SourceFactory

pytestmark = pytest.mark.django_db

LAYER = "medecins-generalistes"
SCHOOLS = next(layer for layer, source in PREFERRED_SOURCE.items() if source == "ecoles")


@pytest.fixture
def aube():
    return CommuneFactory(code_insee="10501", name="Village fictif de l'Aube")


@pytest.fixture
def haute_marne():
    departement = DepartementFactory(code="52", name="Haute-Marne")
    return CommuneFactory(
        code_insee="52501", name="Village fictif de Haute-Marne", departement=departement,
        latitude=48.11, longitude=5.14,
    )  # fmt: skip


def batch_of(places, departements=("10",), layer=LAYER):
    """A batch as an importer leaves it: ``places`` are (commune, ref, fields) — fields override the row."""
    LayerFactory(slug=layer)
    batch = Batch(departements=tuple(departements))
    for line, (commune, ref, fields) in enumerate(places, start=1):
        batch.total_rows += 1
        info = CommuneInfo(
            commune.code_insee, commune.departement_id, commune.latitude, commune.longitude, 50.0
        )
        values = {"name": f"Cabinet {ref} (fictif)", "lat": commune.latitude, "lon": commune.longitude}
        values.update(fields)
        assert batch.add_place(line, layer=layer, ref=ref, commune=info, **values)
    return batch


CONTACT = {
    "address": "3 rue de l'Exemple",
    "postcode": "10190",
    "phone": "03 25 00 00 00",
    "email": "cabinet@exemple.invalid",
    "website": "https://cabinet.exemple.invalid/",
    "quality": PositionQuality.APPROXIMATE,
    "attributes": {"secteur": "1"},
}


def published(ref):
    return Place.objects.get(source_ref=ref)


def test_a_new_place_is_published_with_everything_its_row_holds(aube):
    source = SourceFactory(slug="sport")
    publish_places(source, batch_of([(aube, "A1", CONTACT)]))
    place = published("A1")
    assert (place.name, place.commune_id, place.layer_id) == ("Cabinet A1 (fictif)", "10501", LAYER)
    assert (place.latitude, place.longitude) == (aube.latitude, aube.longitude)
    assert (place.address, place.postcode, place.phone, place.email, place.website) == (
        "3 rue de l'Exemple", "10190", "03 25 00 00 00", "cabinet@exemple.invalid",
        "https://cabinet.exemple.invalid/",
    )  # fmt: skip
    assert place.position_quality == PositionQuality.APPROXIMATE
    assert place.attributes == {"secteur": "1"} and place.is_active


def test_a_changed_place_is_published_with_its_new_values(aube):
    source = SourceFactory(slug="sport")
    publish_places(source, batch_of([(aube, "A1", {})]))
    result = publish_places(source, batch_of([(aube, "A1", CONTACT)]))
    assert result.updated == 1
    place = published("A1")
    assert (place.address, place.postcode, place.phone, place.email, place.website) == (
        "3 rue de l'Exemple", "10190", "03 25 00 00 00", "cabinet@exemple.invalid",
        "https://cabinet.exemple.invalid/",
    )  # fmt: skip
    assert place.position_quality == PositionQuality.APPROXIMATE


def test_the_counts_say_how_many_places_were_created_changed_and_unchanged(aube):
    source = SourceFactory(slug="sport")
    first = publish_places(source, batch_of([(aube, ref, {}) for ref in ("A1", "A2", "A3")]))
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    renamed = {"name": "Cabinet renommé (fictif)"}
    second = publish_places(
        source, batch_of([(aube, "A1", renamed), (aube, "A2", renamed), (aube, "A3", {})])
    )
    assert (second.created, second.updated, second.unchanged) == (0, 2, 1)


def test_a_batch_for_one_departement_leaves_the_places_of_others_alone(aube, haute_marne):
    source = SourceFactory(slug="sport")
    elsewhere = PlaceFactory(
        source=source, layer=LayerFactory(slug=LAYER), commune=haute_marne, source_ref="HM1"
    )
    result = publish_places(source, batch_of([(aube, "A1", {})]))
    assert result.deactivated == 0
    elsewhere.refresh_from_db()
    assert elsewhere.is_active, "a file of the Aube says nothing about Haute-Marne"


def test_a_preferred_source_retires_the_bpe_places_of_its_departements_only(aube, haute_marne):
    bpe, schools = SourceFactory(slug="bpe"), SourceFactory(slug="ecoles")
    layer = LayerFactory(slug=SCHOOLS)
    here = PlaceFactory(source=bpe, layer=layer, commune=aube, source_ref="BPE-10")
    there = PlaceFactory(source=bpe, layer=layer, commune=haute_marne, source_ref="BPE-52")
    counted = []
    result = publish_preferred(
        schools, batch_of([(aube, "0100001A", {})], layer=SCHOOLS), progress=counted.append
    )
    here.refresh_from_db(), there.refresh_from_db()
    assert result.superseded == 1 and not here.is_active
    assert there.is_active, "the Aube's school directory does not retire Haute-Marne's BPE schools"
    assert counted == [1], "the progress bar moves once per row"


def test_places_beyond_one_write_are_all_published(aube, monkeypatch):
    """Batches are written a few thousand rows at a time: the rows of every write, not only the last."""
    monkeypatch.setattr(publish, "BATCH_SIZE", 2)
    monkeypatch.setattr(publish, "COPY_BATCH", 2)
    source = SourceFactory(slug="sport")
    refs = [f"A{n}" for n in range(1, 6)]
    result = publish_places(source, batch_of([(aube, ref, {}) for ref in refs]))
    assert result.created == 5 and Place.objects.filter(source=source, is_active=True).count() == 5
    renamed = {"name": "Cabinet renommé (fictif)"}
    result = publish_places(source, batch_of([(aube, ref, renamed) for ref in refs]))
    assert result.updated == 5
    assert set(Place.objects.filter(source=source).values_list("name", flat=True)) == {renamed["name"]}


def test_a_place_that_loses_its_position_keeps_its_published_version_and_says_which_line(aube):
    source = SourceFactory(slug="sport")
    refs = [f"A{n}" for n in range(1, 31)]
    publish_places(source, batch_of([(aube, ref, {}) for ref in refs]))
    # One row in thirty (under the 5 % threshold of rejected rows) comes without its position.
    batch = batch_of([(aube, ref, {}) for ref in refs[:-1]] + [(aube, "A30", {"lat": None, "lon": None})])
    result = publish_places(source, batch)
    assert result.deactivated == 0 and result.kept == 1
    place = published("A30")
    assert place.is_active and place.latitude == aube.latitude, "the published position stays"
    assert batch.rejected == [
        {
            "ligne": 30,
            "ref": "A30",
            "raison": "coordonnées absentes alors que le lieu publié en avait : version publiée conservée",
        }
    ]


def test_a_shrunk_batch_is_refused_naming_places(aube):
    source = SourceFactory(slug="sport")
    publish_places(source, batch_of([(aube, f"A{n}", {}) for n in range(10)]))
    with pytest.raises(SourceError, match="ne compte que 5 lieux valides contre 10 publiées"):
        publish_places(source, batch_of([(aube, f"A{n}", {}) for n in range(5)]))


def test_too_many_rejected_rows_are_refused_unless_forced(aube, settings):
    settings.OSEZ_MAX_REJECTED = 0.05
    source = SourceFactory(slug="sport")
    batch = batch_of([(aube, f"A{n}", {}) for n in range(5)])
    for line in range(20, 25):
        batch.total_rows += 1
        batch.reject(line, "code commune inconnu : 99999")
    with pytest.raises(SourceError, match="5 lignes rejetées sur 10"):
        publish_places(source, batch)
    assert not Place.objects.exists()
    assert publish_places(source, batch, force=True).created == 5


def test_unchanged_places_are_seen_again_in_every_write(aube, monkeypatch):
    """The data page dates a place by when its source last listed it: every unchanged place, not only
    those of the last write."""
    monkeypatch.setattr(publish, "ID_CHUNK", 2)
    source = SourceFactory(slug="sport")
    refs = [f"A{n}" for n in range(1, 6)]
    publish_places(source, batch_of([(aube, ref, {}) for ref in refs]))
    before = dict(Place.objects.values_list("source_ref", "last_seen"))
    result = publish_places(source, batch_of([(aube, ref, {}) for ref in refs]))
    assert result.unchanged == 5
    after = dict(Place.objects.values_list("source_ref", "last_seen"))
    assert all(after[ref] > before[ref] for ref in refs), (before, after)


def test_places_absent_beyond_one_write_are_all_retired_and_counted(aube, monkeypatch):
    monkeypatch.setattr(publish, "ID_CHUNK", 2)
    source = SourceFactory(slug="sport")
    refs = [f"A{n}" for n in range(1, 11)]
    publish_places(source, batch_of([(aube, ref, {}) for ref in refs]))
    result = publish_places(source, batch_of([(aube, ref, {}) for ref in refs[:5]]), force=True)
    assert result.deactivated == 5
    assert Place.objects.filter(source=source, is_active=False).count() == 5


def test_an_incomplete_file_says_how_many_places_it_leaves_published(aube):
    source = SourceFactory(slug="sport")
    refs = [f"A{n}" for n in range(1, 31)]
    publish_places(source, batch_of([(aube, ref, {}) for ref in refs]))
    batch = batch_of([(aube, ref, {}) for ref in refs[:-1]])
    batch.total_rows += 1
    batch.reject(31, "identifiant manquant")  # a row that names no place: the file is not complete
    result = publish_places(source, batch)
    assert (result.deactivated, result.deactivation_suspended) == (0, 1)
    assert batch.notes == [
        "1 éléments absents du fichier non désactivés : le fichier contient 1 ligne(s) illisible(s), "
        "il n'est pas complet"
    ]
    assert published("A30").is_active


def test_a_record_losing_its_position_keeps_its_published_version_in_every_layer(aube):
    """A school feeds two layers under one reference: one row losing its position keeps both as published."""
    source = SourceFactory(slug="ecoles")
    other = "ecoles-elementaires-fictives"
    LayerFactory(slug=other)
    first = batch_of([(aube, f"A{n}", {}) for n in range(1, 31)])
    assert first.add_place(
        40, layer=other, ref="A30", name="École fictive", commune=_info(aube), lat=None, lon=None
    )
    publish_places(source, first)
    batch = batch_of(
        [(aube, f"A{n}", {}) for n in range(1, 30)] + [(aube, "A30", {"lat": None, "lon": None})]
    )
    assert batch.add_place(
        40, layer=other, ref="A30", name="École renommée", commune=_info(aube), lat=None, lon=None
    )
    publish_places(source, batch)
    assert Place.objects.get(source_ref="A30", layer_id=other).name == "École fictive"


def test_a_retired_place_back_without_position_is_published_again(aube):
    source = SourceFactory(slug="sport")
    refs = [f"A{n}" for n in range(1, 31)]
    publish_places(source, batch_of([(aube, ref, {}) for ref in refs]))
    publish_places(source, batch_of([(aube, ref, {}) for ref in refs[:-1]]))
    assert not published("A30").is_active
    batch = batch_of([(aube, ref, {}) for ref in refs[:-1]] + [(aube, "A30", {"lat": None, "lon": None})])
    result = publish_places(source, batch)
    assert result.updated == 1 and batch.rejected == []
    place = published("A30")
    assert place.is_active and place.latitude is None, "a place retired then back is published as it now is"


def test_bpe_places_already_retired_are_not_counted_again(aube):
    bpe, schools = SourceFactory(slug="bpe"), SourceFactory(slug="ecoles")
    layer = LayerFactory(slug=SCHOOLS)
    PlaceFactory(source=bpe, layer=layer, commune=aube, source_ref="BPE-1")
    PlaceFactory(source=bpe, layer=layer, commune=aube, source_ref="BPE-2", is_active=False)
    result = publish_preferred(schools, batch_of([(aube, "0100001A", {})], layer=SCHOOLS))
    assert result.superseded == 1, "the import record counts the BPE schools this run retired"


def _info(commune):
    return CommuneInfo(commune.code_insee, commune.departement_id, commune.latitude, commune.longitude, 50.0)
