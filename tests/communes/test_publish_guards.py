"""The rules every source's batch passes before anything is written (``communes/sources/publish.py``).

Each guard decides what an operator reads in the import record when a night's file is refused, or which
published rows go inactive. Tested here at their edges, where an off-by-one or a swapped comparison would
publish a broken file, or refuse a sound one. The tests through whole imports (``test_import.py``,
``test_bad_input.py``) show the same rules on real files; these pin the thresholds and the messages.
"""

import pytest

from communes.sources.errors import SourceError
from communes.sources.publish import (
    PublishResult,
    check_batch_size,
    check_rejections,
    count_absent,
    deactivation_allowed,
    row_digest,
    vanished_ids,
)
from communes.sources.rows import Batch


def rejected_batch(rejected, total_rows, reasons=None):
    batch = Batch(departements=("10",), total_rows=total_rows)
    reasons = reasons or ["code commune inconnu"] * rejected
    for line, reason in enumerate(reasons, start=2):
        batch.reject(line, reason, f"ref-{line}")
    assert batch.rejected_count == rejected
    return batch


# --- rejected rows --------------------------------------------------------------------------------


@pytest.fixture
def thresholds(settings):
    settings.OSEZ_MAX_REJECTED = 0.05
    settings.OSEZ_MAX_REJECTED_PER_SOURCE = {"caf": 0.10}
    return settings


def test_rejections_up_to_the_threshold_pass_one_more_is_refused(thresholds):
    check_rejections("bpe", rejected_batch(5, 100))  # 5 % of 100: at the threshold, published
    with pytest.raises(SourceError) as refused:
        check_rejections("bpe", rejected_batch(6, 100))
    message = str(refused.value)
    assert message.startswith("6 lignes rejetées sur 100 (6,0 %), au-delà du seuil de 5 %")
    assert "source « bpe »" in message
    assert "les données publiées sont conservées" in message
    assert "--force" in message


def test_a_source_with_its_own_threshold_uses_it_and_the_others_keep_the_default(thresholds):
    check_rejections("caf", rejected_batch(10, 100))  # the CAF's 10 %
    with pytest.raises(SourceError, match="seuil de 10 %"):
        check_rejections("caf", rejected_batch(11, 100))
    with pytest.raises(SourceError, match="seuil de 5 %"):
        check_rejections("bpe", rejected_batch(10, 100))


def test_no_per_source_setting_means_the_default_threshold(settings):
    settings.OSEZ_MAX_REJECTED = 0.05
    settings.OSEZ_MAX_REJECTED_PER_SOURCE = None
    with pytest.raises(SourceError, match="seuil de 5 %"):
        check_rejections("caf", rejected_batch(6, 100))


def test_force_publishes_a_batch_over_the_threshold(thresholds):
    assert check_rejections("bpe", rejected_batch(50, 100), force=True) is None


def test_a_batch_without_rejections_passes_whatever_its_size(thresholds):
    assert check_rejections("bpe", Batch(total_rows=0)) is None


def test_the_share_counts_every_rejected_line_even_beyond_the_rows_read(thresholds):
    # Rejections counted in physical lines (a record over several lines) can outnumber the rows read.
    with pytest.raises(SourceError) as refused:
        check_rejections("bpe", rejected_batch(4, 2))
    assert str(refused.value).startswith("4 lignes rejetées sur 4 (100,0 %)")


def test_the_refusal_names_the_four_commonest_kinds_of_reason_without_their_values(thresholds):
    reasons = [
        *(
            "code commune inconnu : 99999",
            "code commune inconnu : 88888 (ligne 12)",
            "code commune inconnu : 7",
        ),
        *(
            "UAI en double avec des valeurs différentes (ligne 7)",
            "UAI en double avec des valeurs différentes",
        ),
        *("identifiant manquant", "coordonnées incomplètes", "date illisible"),
    ]
    with pytest.raises(SourceError) as refused:
        check_rejections("ecoles", rejected_batch(8, 10, reasons))
    message = str(refused.value)
    assert message.endswith(
        "raisons : code commune inconnu (3); UAI en double avec des valeurs différentes (2); "
        "identifiant manquant (1); coordonnées incomplètes (1))"
    )
    assert "99999" not in message and "ligne 12" not in message and "date illisible" not in message


# --- size of the batch ----------------------------------------------------------------------------


@pytest.fixture
def shrink(settings):
    settings.OSEZ_MAX_SHRINK = 0.20
    return settings


def test_an_empty_batch_is_refused_even_forced_even_the_first_time(shrink):
    for previous, force in ((100, False), (100, True), (0, False), (None, True)):
        with pytest.raises(SourceError) as refused:
            check_batch_size(0, previous, force=force, what="équipements")
        assert str(refused.value) == (
            "lot vide : aucune ligne valide (équipements), les données publiées sont conservées"
        )


def test_a_batch_may_shrink_by_the_threshold_not_one_row_more(shrink):
    check_batch_size(80, 100, force=False)
    with pytest.raises(SourceError) as refused:
        check_batch_size(79, 100, force=False)
    assert str(refused.value) == (
        "le lot ne compte que 79 lignes valides contre 100 publiées (-21 %, plus de 20 %) : refusé, "
        "les données publiées sont conservées (relancer avec --force après vérification)"
    )


def test_a_batch_shrinking_by_exactly_the_threshold_passes(settings):
    settings.OSEZ_MAX_SHRINK = 0.25  # 3 of 4 is exactly 25 % less, with no rounding in binary
    assert check_batch_size(3, 4, force=False) is None
    with pytest.raises(SourceError, match="-50 %, plus de 25 %"):
        check_batch_size(2, 4, force=False)


def test_a_first_publication_or_a_forced_one_has_no_size_to_keep(shrink):
    assert check_batch_size(1, 0, force=False) is None
    assert check_batch_size(1, None, force=False) is None
    assert check_batch_size(1, 100, force=True) is None


def test_rows_kept_as_published_count_in_what_the_batch_holds(shrink):
    # 10 valid rows, 80 more present but invalid (kept as published): 90 of 100, published.
    check_batch_size(10, 100, force=False, present=90)
    with pytest.raises(SourceError, match="ne compte que 70 chiffres valides contre 100 publiées"):
        check_batch_size(10, 100, force=False, what="chiffres", present=70)


def test_a_grown_batch_passes(shrink):
    assert check_batch_size(150, 100, force=False) is None


# --- what goes inactive ---------------------------------------------------------------------------


def published(**rows):
    """{key: (id, digest, is_active)} as publish reads the published rows."""
    return {key: (pk, f"digest-{pk}", active) for key, (pk, active) in rows.items()}


def test_absent_counts_only_active_rows_neither_in_the_batch_nor_kept():
    existing = published(a=(1, True), b=(2, True), c=(3, False), d=(4, True), e=(5, True))
    kept_keys = {"c", "d"}
    absent, kept = count_absent(existing, ["a", "c", "new"], lambda key: key in kept_keys)
    # Active: a, b, d, e. In the batch: a (c is inactive, "new" unpublished). Kept: d (c is inactive).
    assert (absent, kept) == (2, 1)


def test_nothing_absent_when_the_batch_holds_every_active_row():
    existing = published(a=(1, True), b=(2, True), c=(3, False))
    assert count_absent(existing, ["a", "b"], lambda key: False) == (0, 0)


def test_vanished_ids_are_the_active_rows_left_that_were_not_kept():
    remaining = published(a=(1, True), b=(2, False), c=(3, True), d=(4, True))
    assert vanished_ids(remaining, lambda key: key == "c") == [1, 4]


def test_an_incomplete_file_deactivates_nothing_and_says_why():
    batch = Batch(unkeyed=2)
    result = PublishResult()
    assert deactivation_allowed(batch, result, 3) is False
    assert result.deactivation_suspended == 3
    assert batch.notes == [
        "3 éléments absents du fichier non désactivés : le fichier contient 2 ligne(s) illisible(s), "
        "il n'est pas complet"
    ]


@pytest.mark.parametrize(("unkeyed", "absent"), [(0, 3), (2, 0), (0, 0)])
def test_a_complete_file_or_nothing_absent_deactivates_as_usual(unkeyed, absent):
    batch = Batch(unkeyed=unkeyed)
    result = PublishResult()
    assert deactivation_allowed(batch, result, absent) is True
    assert result.deactivation_suspended == 0
    assert batch.notes == []


def test_a_rows_digest_changes_with_any_field_and_fits_the_stored_column():
    row = (
        "medecins-generalistes",
        "ref-1",
        "Cabinet fictif",
        "10387",
        48.3,
        4.07,
        "",
        "",
        "",
        "",
        "",
        1,
        {},
        2,
    )
    digest = row_digest(row)
    assert digest == row_digest(tuple(row))
    assert len(digest) == 32 and int(digest, 16) >= 0  # Place.row_hash is 32 characters of hexadecimal
    assert row_digest((*row[:2], "Cabinet fictif bis", *row[3:])) != digest
    assert row_digest((*row[:4], 48.31, *row[5:])) != digest
