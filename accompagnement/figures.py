"""Figures for the direction: counts of families by stage, channel, partner, commune and EPCI, arrivals
per month, retention after twelve months, and median days to resolve the key needs. No personal data."""

import datetime
import statistics
from collections import Counter

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from communes.models import Commune

from .enums import Channel, Need, NeedState, Outcome, Stage
from .models import Household, HouseholdNeed

RETENTION_DAYS = 365
MEDIAN_NEEDS = [Need.SCHOOL, Need.CHILDCARE, Need.DOCTOR]


def _rows(counter_items, labels=None):
    rows = [(labels.get(key, key) if labels else key, count) for key, count in counter_items]
    return sorted(rows, key=lambda r: (-r[1], str(r[0])))


def by_stage(qs):
    counts = dict(qs.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    return [(stage.label, counts.get(stage.value, 0)) for stage in Stage]


def by_channel(qs):
    counts = qs.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n")
    return _rows(counts, {c.value: c.label for c in Channel})


def by_partner(qs):
    counts = qs.values_list("referrer__name").annotate(n=Count("pk")).values_list("referrer__name", "n")
    return _rows((name or _("Aucun partenaire"), n) for name, n in counts)


def _commune_of(household):
    if household.commune_chosen_id:
        return household.commune_chosen
    considered = list(household.communes_considered.all())
    return considered[0] if len(considered) == 1 else None


def by_commune_and_epci(qs):
    """Count each family once, at its chosen commune (or its only commune considered)."""
    communes, epcis = Counter(), Counter()
    unknown = _("Commune pas encore choisie")
    households = (
        qs.select_related("commune_chosen__epci")
        .defer("commune_chosen__contour")  # contours are heavy and not needed for a count
        .prefetch_related(
            Prefetch("communes_considered", queryset=Commune.objects.defer("contour").select_related("epci"))
        )
    )
    for household in households:
        commune = _commune_of(household)
        communes[commune.name if commune else unknown] += 1
        epci = commune.epci.name if commune and commune.epci_id else unknown
        epcis[epci] += 1
    return _rows(communes.items()), _rows(epcis.items())


def arrivals_per_month(qs, months=12, today=None):
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - (months - 1)
    first = datetime.date(index // 12, index % 12 + 1, 1)
    counts = Counter(
        d.strftime("%Y-%m")
        for d in qs.filter(arrival_date__gte=first, arrival_date__lte=today)
        .exclude(stage__in=[Stage.NEW, Stage.FIRST_CONTACT, Stage.PROJECT])
        .values_list("arrival_date", flat=True)
    )
    rows, month = [], first
    while month <= today:
        key = month.strftime("%Y-%m")
        rows.append((key, counts.get(key, 0)))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return rows


def _month_label(key):
    year, month = key.split("-")
    return date_format(datetime.date(int(year), int(month), 1), "F Y")


def retention(qs, today=None):
    """Among families arrived at least twelve months ago: how many are known to be still here.

    Still here = still followed (stage "arrivé") or closed as "installé durablement". "Reparti",
    "perdu de vue" and "sans suite" count as not known to be here: the share is a floor, not a guess.
    """
    today = today or timezone.localdate()
    arrived = qs.filter(
        arrival_date__lte=today - datetime.timedelta(days=RETENTION_DAYS),
        stage__in=[Stage.ARRIVED, Stage.CLOSED],
    )
    total = arrived.count()
    stayed = arrived.filter(stage=Stage.ARRIVED).count() + arrived.filter(outcome=Outcome.SETTLED).count()
    return {"total": total, "stayed": stayed, "share": round(100 * stayed / total) if total else None}


def median_days_to_resolve(qs):
    rows = []
    for kind in MEDIAN_NEEDS:
        durations = [
            (resolved - opened).days
            for opened, resolved in HouseholdNeed.objects.filter(
                household__in=qs, kind=kind, state=NeedState.RESOLVED, resolved_on__isnull=False
            ).values_list("opened_on", "resolved_on")
        ]
        rows.append(
            (Need(kind).label, round(statistics.median(durations)) if durations else None, len(durations))
        )
    return rows


def compute(today=None):
    qs = Household.objects.all()
    communes, epcis = by_commune_and_epci(qs)
    return {
        "total": qs.count(),
        "by_stage": by_stage(qs),
        "by_channel": by_channel(qs),
        "by_partner": by_partner(qs),
        "by_commune": communes,
        "by_epci": epcis,
        "arrivals": (arrivals := arrivals_per_month(qs, today=today)),
        "arrivals_labelled": [(_month_label(key), n) for key, n in arrivals],
        "retention": retention(qs, today=today),
        "median_days": median_days_to_resolve(qs),
    }


def csv_rows(data):
    """(indicator, category, value) rows: only counts and durations, never a name or a contact."""
    yield (_("indicateur"), _("catégorie"), _("valeur"))
    yield (_("familles"), _("total"), data["total"])
    for key, label in [
        ("by_stage", _("familles par étape")),
        ("by_channel", _("familles par canal")),
        ("by_partner", _("familles par partenaire")),
        ("by_commune", _("familles par commune")),
        ("by_epci", _("familles par EPCI")),
        ("arrivals", _("arrivées par mois")),
    ]:
        for category, value in data[key]:
            yield (label, category, value)
    r = data["retention"]
    yield (_("arrivées depuis 12 mois ou plus"), _("total"), r["total"])
    yield (_("arrivées depuis 12 mois ou plus"), _("toujours sur le territoire"), r["stayed"])
    yield (_("arrivées depuis 12 mois ou plus"), _("part (%)"), "" if r["share"] is None else r["share"])
    for label, median, count in data["median_days"]:
        yield (_("jours médians pour résoudre le besoin"), label, "" if median is None else median)
        yield (_("besoins résolus comptés"), label, count)
