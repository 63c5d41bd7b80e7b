"""The job search's stage machine: one step at a time, pause/abandon from anywhere, resume where it left off."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from emploi_conjoint import services, stages
from emploi_conjoint.enums import Stage
from emploi_conjoint.models import Candidate
from osez.state_machine import TransitionRefused
from tests.factories import UserFactory

from .factories import PDF_BYTES, CandidateFactory, upload

pytestmark = pytest.mark.django_db


def walk_to(candidate, target, by=None):
    """Move along the path with what each stage needs (a CV, a consent)."""
    order = [Stage.BILAN, Stage.CV_PRET, Stage.PROSPECTION, Stage.ENTRETIEN, Stage.EN_POSTE]
    for stage in order:
        if stage == Stage.CV_PRET:
            services.add_cv_version(candidate, upload("cv.pdf", PDF_BYTES))
        if stage == Stage.PROSPECTION:
            services.record_consent(candidate)
        stages.move(candidate, stage, by=by)
        if stage == target:
            return candidate
    return candidate


def test_full_path_logs_who_when_from_to_and_why():
    hr = UserFactory(roles=["HR specialist"])
    candidate = CandidateFactory()
    walk_to(candidate, Stage.EN_POSTE, by=hr)
    candidate.refresh_from_db()
    assert candidate.stage == Stage.EN_POSTE
    log = list(candidate.transitions.values_list("from_stage", "to_stage"))
    assert log == [
        ("", Stage.ACCUEIL),
        (Stage.ACCUEIL, Stage.BILAN),
        (Stage.BILAN, Stage.CV_PRET),
        (Stage.CV_PRET, Stage.PROSPECTION),
        (Stage.PROSPECTION, Stage.ENTRETIEN),
        (Stage.ENTRETIEN, Stage.EN_POSTE),
    ]
    assert all(t.by == hr for t in candidate.transitions.all()[1:])


def test_skipping_a_stage_is_refused_with_the_reason():
    candidate = CandidateFactory()
    with pytest.raises(TransitionRefused) as refused:
        stages.move(candidate, Stage.CV_PRET)
    assert "On ne saute pas d'étape" in str(refused.value)
    assert "Bilan (envies identifiées)" in str(refused.value)
    candidate.refresh_from_db()
    assert candidate.stage == Stage.ACCUEIL
    assert candidate.transitions.count() == 1


def test_cv_ready_needs_a_cv_and_prospection_needs_consent():
    candidate = CandidateFactory()
    stages.move(candidate, Stage.BILAN)
    with pytest.raises(TransitionRefused, match="déposez d'abord une version du CV"):
        stages.move(candidate, Stage.CV_PRET)
    services.add_cv_version(candidate, upload("cv.pdf", PDF_BYTES))
    stages.move(candidate, Stage.CV_PRET)
    with pytest.raises(TransitionRefused, match="consentement"):
        stages.move(candidate, Stage.PROSPECTION)


@pytest.mark.parametrize(
    "start", [Stage.ACCUEIL, Stage.BILAN, Stage.CV_PRET, Stage.PROSPECTION, Stage.ENTRETIEN]
)
def test_pause_from_any_stage_then_resume_where_it_left(start):
    candidate = walk_to(CandidateFactory(), start) if start != Stage.ACCUEIL else CandidateFactory()
    stages.move(candidate, Stage.PAUSE, reason="déménagement en cours")
    candidate.refresh_from_db()
    assert candidate.stage == Stage.PAUSE
    with pytest.raises(TransitionRefused, match="on reprend le suivi à l'étape quittée"):
        other = Stage.BILAN if start != Stage.BILAN else Stage.ACCUEIL
        stages.move(candidate, other, reason="test")
    stages.move(candidate, start, reason="de retour")
    candidate.refresh_from_db()
    assert candidate.stage == start


def test_abandon_from_pause_keeps_the_stage_to_resume_to():
    candidate = walk_to(CandidateFactory(), Stage.CV_PRET)
    stages.move(candidate, Stage.PAUSE, reason="congé")
    stages.move(candidate, Stage.ABANDON, reason="a trouvé seule")
    candidate.refresh_from_db()
    assert candidate.held_from_stage == Stage.CV_PRET
    stages.move(candidate, Stage.CV_PRET, reason="reprend sa recherche")
    candidate.refresh_from_db()
    assert candidate.stage == Stage.CV_PRET


def test_pause_and_going_back_need_a_reason():
    candidate = walk_to(CandidateFactory(), Stage.BILAN)
    with pytest.raises(TransitionRefused, match="Indiquez pourquoi"):
        stages.move(candidate, Stage.PAUSE)
    with pytest.raises(TransitionRefused, match="Indiquez pourquoi"):
        stages.move(candidate, Stage.ACCUEIL, reason="  ")
    stages.move(candidate, Stage.ACCUEIL, reason="envies à revoir")
    assert candidate.transitions.last().reason == "envies à revoir"


def test_no_pause_once_in_a_job():
    candidate = walk_to(CandidateFactory(), Stage.EN_POSTE)
    with pytest.raises(TransitionRefused, match="en poste"):
        stages.move(candidate, Stage.ABANDON, reason="fin")


def test_a_card_moved_by_someone_else_is_not_moved_twice():
    candidate = CandidateFactory()
    stages.move(candidate, Stage.BILAN)
    with pytest.raises(TransitionRefused, match="déjà changé"):
        stages.move(candidate, Stage.BILAN, expected_stage=Stage.ACCUEIL)


def test_time_spent_in_each_stage():
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        candidate = CandidateFactory()
        traveller.shift(timedelta(days=3))
        stages.move(candidate, Stage.BILAN)
        traveller.shift(timedelta(days=10))
        durations = dict(stages.stage_durations(candidate))
    assert durations[Stage.ACCUEIL] == timedelta(days=3)
    assert durations[Stage.BILAN] == timedelta(days=10)


def test_possible_moves_offer_next_step_earlier_steps_and_hold():
    candidate = walk_to(CandidateFactory(), Stage.CV_PRET)
    moves = stages.possible_moves(candidate)
    assert moves[0] == Stage.PROSPECTION
    assert Stage.ENTRETIEN not in moves
    assert {Stage.BILAN, Stage.ACCUEIL, Stage.PAUSE, Stage.ABANDON} <= set(moves)


def test_time_in_stage_for_a_candidate_created_without_any_log_row():
    candidate = CandidateFactory()
    candidate.transitions.all().delete()
    durations = stages.stage_durations(candidate, now=candidate.created_at + timedelta(days=3))
    assert durations == [(Stage(candidate.stage), timedelta(days=3))]


# --- What the person reads when a move is refused: the exact sentence, one case each.


def refused(candidate, target, **kwargs):
    with pytest.raises(TransitionRefused) as error:
        stages.move(candidate, target, **kwargs)
    return str(error.value)


def test_each_refusal_says_exactly_why():
    candidate = CandidateFactory()
    assert refused(candidate, "inconnue") == "Cette étape n'existe pas."
    assert refused(candidate, Stage.ACCUEIL) == "La personne est déjà à l'étape « Accueil »."
    assert refused(candidate, Stage.CV_PRET) == (
        "On ne saute pas d'étape : après « Accueil » vient « Bilan (envies identifiées) », pas « CV prêt »."
    )
    assert refused(candidate, Stage.PAUSE) == (
        "Indiquez pourquoi : c'est obligatoire pour une pause, un abandon ou un retour en arrière."
    )
    assert refused(candidate, Stage.BILAN, expected_stage=Stage.PROSPECTION) == (
        "Quelqu'un a déjà changé l'étape de cette personne (elle est maintenant « Accueil »)."
    )
    stages.move(candidate, Stage.BILAN)
    assert (
        refused(candidate, Stage.CV_PRET) == "Pour passer à « CV prêt », déposez d'abord une version du CV."
    )
    services.add_cv_version(candidate, upload("cv.pdf", PDF_BYTES))
    stages.move(candidate, Stage.CV_PRET)
    assert refused(candidate, Stage.PROSPECTION) == (
        "Pour passer « en prospection », enregistrez d'abord le consentement de la personne : "
        "sans lui, son CV ne peut être montré à aucune entreprise."
    )
    stages.move(candidate, Stage.PAUSE, reason="congé")
    assert refused(candidate, Stage.BILAN, reason="retour") == (
        "La personne est « En pause » : on reprend le suivi à l'étape quittée, « CV prêt »."
    )


def test_no_hold_once_in_a_job_says_so_exactly():
    candidate = walk_to(CandidateFactory(), Stage.EN_POSTE)
    assert refused(candidate, Stage.PAUSE, reason="fin") == (
        "La personne est en poste : il n'y a plus de suivi à mettre en pause ou à arrêter."
    )


def test_resuming_clears_the_stage_left_and_the_reason_is_kept_to_300_characters():
    candidate = walk_to(CandidateFactory(), Stage.BILAN)
    stages.move(candidate, Stage.PAUSE, reason="x" * 400)
    assert candidate.transitions.last().reason == "x" * 300
    assert candidate.held_from_stage == Stage.BILAN
    stages.move(candidate, Stage.BILAN)
    candidate.refresh_from_db()
    assert (candidate.stage, candidate.held_from_stage) == (Stage.BILAN, "")


def test_a_search_held_without_a_stage_left_resumes_at_accueil():
    candidate = CandidateFactory()
    Candidate.objects.filter(pk=candidate.pk).update(stage=Stage.ABANDON, held_from_stage="")
    candidate.refresh_from_db()
    assert stages.possible_moves(candidate) == [Stage.ACCUEIL]
    stages.move(candidate, Stage.ACCUEIL)
    assert candidate.stage == Stage.ACCUEIL


@pytest.mark.parametrize(
    ("stage", "hint"),
    [
        (Stage.ACCUEIL, None),
        (Stage.BILAN, "Pour passer à « CV prêt », déposez d'abord une version du CV."),
        (Stage.EN_POSTE, None),
        (Stage.PAUSE, None),
    ],
)
def test_the_card_says_what_is_missing_for_the_next_stage(stage, hint):
    candidate = CandidateFactory()
    Candidate.objects.filter(pk=candidate.pk).update(stage=stage, held_from_stage=Stage.BILAN)
    candidate.refresh_from_db()
    assert stages.next_step_hint(candidate) == hint


def test_time_in_stage_follows_the_log_dates_not_the_order_rows_were_written():
    start = timezone.now()
    candidate = CandidateFactory()
    candidate.transitions.all().delete()
    # The demo writes a past history: rows need not be written in the order of their dates.
    candidate.transitions.create(from_stage=Stage.ACCUEIL, to_stage=Stage.BILAN, at=start - timedelta(days=2))
    candidate.transitions.create(from_stage="", to_stage=Stage.ACCUEIL, at=start - timedelta(days=5))
    durations = dict(stages.stage_durations(candidate, now=start))
    assert durations == {Stage.ACCUEIL: timedelta(days=3), Stage.BILAN: timedelta(days=2)}


def test_time_in_a_stage_visited_twice_adds_up():
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        candidate = CandidateFactory()
        traveller.shift(timedelta(days=2))
        stages.move(candidate, Stage.BILAN)
        traveller.shift(timedelta(days=1))
        stages.move(candidate, Stage.ACCUEIL, reason="envies à revoir")
        traveller.shift(timedelta(days=4))
        durations = dict(stages.stage_durations(candidate))
    assert durations == {Stage.ACCUEIL: timedelta(days=6), Stage.BILAN: timedelta(days=1)}
