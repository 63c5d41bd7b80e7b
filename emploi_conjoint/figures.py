"""Figures of the pipeline for the team and marketing: counts and durations only, never a name.

``compute()`` counts; ``publish()`` is what a page, a chart or the CSV may show (« < 5 » rule with
secondary suppression, ``osez.figures``).
"""

from collections import Counter, defaultdict
from statistics import median

from django.db.models import Count
from django.utils.translation import gettext as _

from osez.figures import protect, protect_one, share, small

from .enums import ON_HOLD, PATH, Outcome, RefusalReason, Stage, StepKind
from .models import Candidate, Introduction, IntroductionStep, StageTransition


def compute(start=None, end=None):
    """Counts for the follow-ups opened in the period (all when ``start`` is None) and their introductions."""
    candidates = Candidate.objects.all()
    introductions_qs = Introduction.objects.all()
    if start is not None:
        candidates = candidates.filter(created_at__date__gte=start, created_at__date__lte=end)
        introductions_qs = introductions_qs.filter(date__gte=start, date__lte=end)
    by_stage_raw = dict(candidates.values_list("stage").annotate(n=Count("pk")))
    by_stage = [(Stage(s).label, by_stage_raw.get(s, 0)) for s in [*PATH, *ON_HOLD]]
    total = sum(by_stage_raw.values())
    placed = by_stage_raw.get(Stage.EN_POSTE, 0)

    # First time each candidate reached "en entretien" and "en poste", from the transition log.
    firsts = defaultdict(dict)
    opened = {}
    for candidate_id, at in (
        StageTransition.objects.filter(candidate__in=candidates, from_stage="")
        .values_list("candidate_id", "at")
        .order_by("at")
    ):
        opened.setdefault(candidate_id, at)
    for candidate_id, stage, at in (
        StageTransition.objects.filter(
            candidate__in=candidates, to_stage__in=[Stage.ENTRETIEN, Stage.EN_POSTE]
        )
        .values_list("candidate_id", "to_stage", "at")
        .order_by("at")
    ):
        firsts[candidate_id].setdefault(stage, at)
    delays = [
        (f[Stage.EN_POSTE] - f[Stage.ENTRETIEN]).days
        for f in firsts.values()
        if Stage.ENTRETIEN in f and Stage.EN_POSTE in f and f[Stage.EN_POSTE] >= f[Stage.ENTRETIEN]
    ]
    to_job = [
        (f[Stage.EN_POSTE] - opened[c]).days
        for c, f in firsts.items()
        if Stage.EN_POSTE in f and c in opened and f[Stage.EN_POSTE] >= opened[c]
    ]
    introductions = introductions_qs.count()
    hires = introductions_qs.filter(outcome=Outcome.HIRED).count()
    reasons = Counter(
        IntroductionStep.objects.filter(
            introduction__in=introductions_qs, kind=StepKind.OUTCOME, outcome=Outcome.NO_FOLLOW_UP
        ).values_list("reason", flat=True)
    )

    sectors = defaultdict(Counter)
    for sector, outcome in introductions_qs.values_list("organisation__sector", "outcome"):
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
        "median_days_to_job": median(to_job) if to_job else None,
        "to_job_count": len(to_job),
        "reasons": [(label, reasons.get(value, 0)) for value, label in RefusalReason.choices],
        "introductions": introductions,
        "hires": hires,
        "introductions_per_placement": (introductions / hires) if hires else None,
        "by_sector": by_sector,
    }


def publish(figures):
    """What may be shown of ``compute()``: counts protected, shares and medians over few people withheld."""
    by_stage, total = protect(figures["by_stage"], figures["total"])
    reasons, reasons_total = protect(figures["reasons"])
    sector_rows = figures["by_sector"]
    columns = {}
    for key in ("introductions", "interviews", "hires"):
        cells, column_total = protect([(row["sector"], row[key]) for row in sector_rows])
        columns[key] = ([cell for _label, cell in cells], column_total)
    by_sector = [
        {
            "sector": row["sector"],
            "introductions": columns["introductions"][0][i],
            "interviews": columns["interviews"][0][i],
            "hires": columns["hires"][0][i],
        }
        for i, row in enumerate(sector_rows)
    ]
    delays_ok = not small(figures["delays_count"])
    to_job_ok = not small(figures["to_job_count"])
    hires = figures["hires"]
    return {
        "total": total,
        "by_stage": by_stage,
        "placed": protect_one(figures["placed"]),
        "placed_share": share(figures["placed"], figures["total"]),
        "median_days_interview_to_job": figures["median_days_interview_to_job"] if delays_ok else None,
        "delays_count": protect_one(figures["delays_count"]),
        "median_days_to_job": figures["median_days_to_job"] if to_job_ok else None,
        "to_job_count": protect_one(figures["to_job_count"]),
        "introductions": protect_one(figures["introductions"]),
        "hires": protect_one(hires),
        "introductions_per_placement": figures["introductions_per_placement"] if not small(hires) else None,
        "by_sector": by_sector,
        "sector_totals": {key: column[1] for key, column in columns.items()},
        "reasons": reasons,
        "reasons_total": reasons_total,
    }


def published_csv_rows(published, period_label):
    """The published figures as (table, label, value) rows: « < 5 » and « masqué » as on the page."""
    yield [_("tableau"), _("libellé"), _("valeur")]
    yield [_("période"), period_label, ""]
    yield [_("ensemble"), _("candidat·es suivi·es"), str(published["total"])]
    yield [_("ensemble"), _("en poste"), str(published["placed"])]
    share_value = published["placed_share"]
    yield [_("ensemble"), _("part en poste (%)"), "" if share_value is None else share_value]
    days = published["median_days_interview_to_job"]
    yield [_("ensemble"), _("médiane de jours du premier entretien à l'emploi"), "" if days is None else days]
    days = published["median_days_to_job"]
    yield [
        _("ensemble"),
        _("médiane de jours de l'ouverture du suivi à l'emploi"),
        "" if days is None else days,
    ]
    yield [_("ensemble"), _("mises en relation"), str(published["introductions"])]
    per = published["introductions_per_placement"]
    yield [_("ensemble"), _("mises en relation par embauche"), "" if per is None else f"{per:.1f}"]
    for label, count in published["by_stage"]:
        yield [_("par étape"), str(label), str(count)]
    for row in published["by_sector"]:
        yield [_("mises en relation par secteur"), row["sector"], str(row["introductions"])]
        yield [_("entretiens ou mieux par secteur"), row["sector"], str(row["interviews"])]
        yield [_("embauches par secteur"), row["sector"], str(row["hires"])]
    for label, count in published["reasons"]:
        yield [_("raisons des mises en relation sans suite"), str(label), str(count)]
