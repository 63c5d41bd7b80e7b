"""Figures of the pipeline for the team and marketing: counts and durations only, never a name."""

from collections import Counter, defaultdict
from statistics import median

from django.db.models import Count
from django.utils.translation import gettext as _

from .enums import ON_HOLD, PATH, Outcome, Stage
from .models import Candidate, Introduction, StageTransition


def compute():
    by_stage_raw = dict(Candidate.objects.values_list("stage").annotate(n=Count("pk")))
    by_stage = [(Stage(s).label, by_stage_raw.get(s, 0)) for s in [*PATH, *ON_HOLD]]
    total = sum(by_stage_raw.values())
    placed = by_stage_raw.get(Stage.EN_POSTE, 0)

    # First time each candidate reached "en entretien" and "en poste", from the transition log.
    firsts = defaultdict(dict)
    for candidate_id, stage, at in (
        StageTransition.objects.filter(to_stage__in=[Stage.ENTRETIEN, Stage.EN_POSTE])
        .values_list("candidate_id", "to_stage", "at")
        .order_by("at")
    ):
        firsts[candidate_id].setdefault(stage, at)
    delays = [
        (f[Stage.EN_POSTE] - f[Stage.ENTRETIEN]).days
        for f in firsts.values()
        if Stage.ENTRETIEN in f and Stage.EN_POSTE in f and f[Stage.EN_POSTE] >= f[Stage.ENTRETIEN]
    ]
    introductions = Introduction.objects.count()
    hires = Introduction.objects.filter(outcome=Outcome.HIRED).count()

    sectors = defaultdict(Counter)
    for sector, outcome in Introduction.objects.values_list("organisation__sector", "outcome"):
        key = sector.strip() or _("Secteur non renseigné")
        sectors[key]["introductions"] += 1
        sectors[key][outcome] += 1
    by_sector = sorted(
        (
            {
                "sector": name,
                "introductions": c["introductions"],
                "interviews": c[Outcome.INTERVIEW] + c[Outcome.OFFER] + c[Outcome.HIRED],
                "hires": c[Outcome.HIRED],
            }
            for name, c in sectors.items()
        ),
        key=lambda r: (-r["hires"], -r["introductions"], r["sector"]),
    )
    return {
        "total": total,
        "by_stage": by_stage,
        "placed": placed,
        "placed_share": (placed / total) if total else None,
        "median_days_interview_to_job": median(delays) if delays else None,
        "delays_count": len(delays),
        "introductions": introductions,
        "hires": hires,
        "introductions_per_placement": (introductions / hires) if hires else None,
        "by_sector": by_sector,
    }


def csv_rows(figures):
    """The same figures as rows (table, label, value) for the CSV export: aggregates only, no names."""
    yield [_("tableau"), _("libellé"), _("valeur")]
    yield [_("ensemble"), _("candidat·es suivi·es"), figures["total"]]
    yield [_("ensemble"), _("en poste"), figures["placed"]]
    share = figures["placed_share"]
    yield [_("ensemble"), _("part en poste (%)"), "" if share is None else f"{share * 100:.1f}"]
    days = figures["median_days_interview_to_job"]
    yield [_("ensemble"), _("médiane de jours du premier entretien à l'emploi"), "" if days is None else days]
    yield [_("ensemble"), _("mises en relation"), figures["introductions"]]
    per = figures["introductions_per_placement"]
    yield [_("ensemble"), _("mises en relation par embauche"), "" if per is None else f"{per:.1f}"]
    for label, count in figures["by_stage"]:
        yield [_("par étape"), str(label), count]
    for row in figures["by_sector"]:
        yield [_("mises en relation par secteur"), row["sector"], row["introductions"]]
        yield [_("entretiens ou mieux par secteur"), row["sector"], row["interviews"]]
        yield [_("embauches par secteur"), row["sector"], row["hires"]]
