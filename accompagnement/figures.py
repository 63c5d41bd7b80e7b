"""Figures for the direction: counts of families by stage, channel, origin, partner, commune and EPCI,
requests and arrivals per month, the funnel request → first contact → arrival → still here at 12 months,
retention, spouse outcomes, and median days to resolve the key needs. No personal data.

``compute()`` counts (for tests and the bench); ``publish()`` turns them into what a page, a chart or the
CSV may show: every count through ``osez.figures.protect`` (« < 5 » and secondary suppression).
"""

import datetime
import statistics
from collections import Counter

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.text import fold
from osez.figures import protect, protect_one, share, small

from .enums import Channel, Need, NeedState, Outcome, Stage
from .models import Household, HouseholdNeed, StageTransition

RETENTION_DAYS = 365
MEDIAN_NEEDS = [Need.SCHOOL, Need.CHILDCARE, Need.DOCTOR, Need.SPOUSE_JOB]
TOP_ORIGINS = 12


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


def by_commune_and_epci(qs):
    """Count each family once, at its chosen commune (or its only commune considered).

    Counted in the database (grouped rows, not one object per family): the figures page must stay under
    half a second over 5,000 dossiers (bench/bench_spouse.py).
    """
    communes, epcis = Counter(), Counter()
    unknown = _("Commune pas encore choisie")
    for name, epci, n in (
        qs.filter(commune_chosen__isnull=False)
        .values_list("commune_chosen__name", "commune_chosen__epci__name")
        .annotate(n=Count("pk"))
        .values_list("commune_chosen__name", "commune_chosen__epci__name", "n")
    ):
        communes[name] += n
        epcis[epci or unknown] += n
    without = qs.filter(commune_chosen__isnull=True).annotate(n_considered=Count("communes_considered"))
    single = without.filter(n_considered=1).values("pk")
    through = Household.communes_considered.through
    n_single = 0
    for name, epci, n in (
        through.objects.filter(household_id__in=single)
        .values_list("commune__name", "commune__epci__name")
        .annotate(n=Count("pk"))
        .values_list("commune__name", "commune__epci__name", "n")
    ):
        communes[name] += n
        epcis[epci or unknown] += n
        n_single += n
    rest = without.count() - n_single
    if rest:
        communes[unknown] += rest
        epcis[unknown] += rest
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


def _months(first, last):
    month = first.replace(day=1)
    while month <= last:
        yield month.strftime("%Y-%m")
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def requests_per_month(qs, start, end):
    """Requests (dossiers opened) per month of the period, every month listed (none is left out)."""
    counts = Counter()
    for month, n in (
        qs.annotate(month=TruncMonth("created_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    ):
        counts[
            timezone.localtime(month).strftime("%Y-%m")
            if timezone.is_aware(month)
            else month.strftime("%Y-%m")
        ] += n
    if not counts and start is None:
        return []
    first = start or datetime.date(*map(int, min(counts).split("-")), 1)
    return [(key, counts.get(key, 0)) for key in _months(first, end)]


def by_origin(qs):
    """Where families come from (« vient de », typed by the family): the most frequent, then the rest."""
    names, counts = {}, Counter()
    for origin, n in qs.values_list("origin").annotate(n=Count("pk")).values_list("origin", "n"):
        key = fold(origin)
        if not key:
            names[key] = _("Non renseigné")
        names.setdefault(key, origin.strip())
        counts[key] += n
    rows = _rows((names[k], n) for k, n in counts.items())
    if len(rows) > TOP_ORIGINS:
        rest = sum(n for _label, n in rows[TOP_ORIGINS:])
        rows = [*rows[:TOP_ORIGINS], (_("Autres provenances"), rest)]
    return rows


def funnel(qs, today=None):
    """Request → first contact → arrival → still here 12 months after arriving (each a subset of the last)."""
    today = today or timezone.localdate()
    reached = set(
        StageTransition.objects.filter(
            household__in=qs, to_stage__in=[Stage.FIRST_CONTACT, Stage.PROJECT, Stage.ARRIVED]
        ).values_list("household_id", flat=True)
    ) | set(
        qs.filter(stage__in=[Stage.FIRST_CONTACT, Stage.PROJECT, Stage.ARRIVED]).values_list("pk", flat=True)
    )
    arrived = qs.filter(arrival_date__isnull=False, arrival_date__lte=today).exclude(
        stage__in=[Stage.NEW, Stage.FIRST_CONTACT, Stage.PROJECT]
    )
    old_enough = arrived.filter(arrival_date__lte=today - datetime.timedelta(days=RETENTION_DAYS))
    still = (
        old_enough.filter(stage=Stage.ARRIVED).count() + old_enough.filter(outcome=Outcome.SETTLED).count()
    )
    return [
        (_("Demandes"), qs.count()),
        (_("Premier contact"), len(reached | set(arrived.values_list("pk", flat=True)))),
        (_("Arrivées"), arrived.count()),
        (_("Toujours là 12 mois après l'arrivée"), still),
    ]


def spouse_outcomes(qs):
    """The spouse-job need, as the dossiers record it (kept in step with the HR stage): how many families
    asked, how many spouses are in work, and the median days from the need to the job."""
    needs = HouseholdNeed.objects.filter(household__in=qs, kind=Need.SPOUSE_JOB)
    resolved = needs.filter(state=NeedState.RESOLVED, resolved_on__isnull=False)
    days = [(r - o).days for o, r in resolved.values_list("opened_on", "resolved_on")]
    return {
        "asked": needs.exclude(state=NeedState.NOT_APPLICABLE).count(),
        "in_work": len(days),
        "median_days": round(statistics.median(days)) if days else None,
    }


def compute(today=None, start=None, end=None):
    """Counts for the dossiers opened in the period (all of them when ``start`` is None)."""
    today = today or timezone.localdate()
    end = end or today
    qs = Household.objects.all()
    if start is not None:
        # A range on the column itself (not on its date): the index-friendly form the subqueries reuse.
        first = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
        after = timezone.make_aware(
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
        )
        qs = qs.filter(created_at__gte=first, created_at__lt=after)
    communes, epcis = by_commune_and_epci(qs)
    requests = requests_per_month(qs, start, end)
    return {
        "requests": requests,
        "requests_labelled": [(_month_label(key), n) for key, n in requests],
        "by_origin": by_origin(qs),
        "funnel": funnel(qs, today=today),
        "spouse": spouse_outcomes(qs),
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


# --- What may be published ----------------------------------------------------------------------------

TABLES = [
    # key in compute(), key of the labelled rows when the page shows other labels, title
    ("funnel", None, gettext_lazy("Du premier message à l'installation durable")),
    ("requests", "requests_labelled", gettext_lazy("Demandes par mois")),
    ("by_channel", None, gettext_lazy("Comment les familles ont connu le service")),
    ("by_origin", None, gettext_lazy("D'où viennent les familles")),
    ("by_stage", None, gettext_lazy("Familles par étape")),
    ("arrivals", "arrivals_labelled", gettext_lazy("Arrivées par mois (12 derniers mois)")),
    ("by_partner", None, gettext_lazy("Familles par partenaire qui les a envoyées")),
    ("by_commune", None, gettext_lazy("Familles par commune (choisie)")),
    ("by_epci", None, gettext_lazy("Familles par EPCI")),
]


def publish(data):
    """The figures as they may be shown: every count protected; shares and medians over few people withheld."""
    tables = []
    for key, labelled, title in TABLES:
        rows = data[labelled or key]
        if key == "funnel":
            # Each step is a subset of the one before, not a part of a total: each is protected alone.
            cells, total = [(label, protect_one(n)) for label, n in rows], None
        else:
            cells, total = protect(rows)
        tables.append({"key": key, "title": str(title), "rows": cells, "total": total})
    r = data["retention"]
    retention = {
        "total": protect_one(r["total"]),
        "stayed": protect_one(r["stayed"]),
        "share": share(r["stayed"], r["total"]),
    }
    medians = [
        (label, None if small(count) else median, protect_one(count))
        for label, median, count in data["median_days"]
    ]
    spouse = data["spouse"]
    return {
        "total": protect_one(data["total"]),
        "tables": tables,
        "retention": retention,
        "median_days": medians,
        "spouse": {
            "asked": protect_one(spouse["asked"]),
            "in_work": protect_one(spouse["in_work"]),
            "median_days": None if small(spouse["in_work"]) else spouse["median_days"],
        },
    }


def published_csv_rows(published, period_label):
    """(indicator, category, value) rows of what the page shows, « < 5 » included; never a name."""
    yield (_("indicateur"), _("catégorie"), _("valeur"))
    yield (_("période"), period_label, "")
    yield (_("familles"), _("total"), str(published["total"]))
    for table in published["tables"]:
        for label, cell in table["rows"]:
            yield (table["title"], str(label), str(cell))
        if table["total"] is not None:
            yield (table["title"], _("total"), str(table["total"]))
    r = published["retention"]
    yield (_("arrivées depuis 12 mois ou plus"), _("total"), str(r["total"]))
    yield (_("arrivées depuis 12 mois ou plus"), _("toujours sur le territoire"), str(r["stayed"]))
    yield (_("arrivées depuis 12 mois ou plus"), _("part (%)"), "" if r["share"] is None else r["share"])
    for label, median, count in published["median_days"]:
        yield (_("jours médians pour résoudre le besoin"), str(label), "" if median is None else median)
        yield (_("besoins résolus comptés"), str(label), str(count))
    spouse = published["spouse"]
    yield (_("emploi du conjoint"), _("familles qui l'ont demandé"), str(spouse["asked"]))
    yield (_("emploi du conjoint"), _("conjoint·es en poste"), str(spouse["in_work"]))
    median = spouse["median_days"]
    yield (_("emploi du conjoint"), _("jours médians jusqu'à l'emploi"), "" if median is None else median)


# --- Campaigns and channels (issue 17) -------------------------------------------------------------------

NO_VALUE = gettext_lazy("non renseigné")


def _channel_label(source, medium):
    return f"{source or NO_VALUE} / {medium or NO_VALUE}"


def marketing(qs, today=None):
    """Requests, arrivals and 12-month retention by channel (source / support) and by campaign.

    Counted from the values each dossier stores as the family's link gave them (cleaned by
    ``portail.campaign``): an unknown campaign is a row of its own. Arrivals and retention follow
    ``funnel()``: arrived = « arrivé » or closed with an arrival date; still here = still followed or closed
    as « installé durablement », among those arrived at least twelve months ago.
    """
    today = today or timezone.localdate()
    old_enough_before = today - datetime.timedelta(days=RETENTION_DAYS)
    tables = {"channel": {}, "campaign": {}}
    for source, medium, name, stage, outcome, arrival in qs.values_list(
        "campaign_source", "campaign_medium", "campaign_name", "stage", "outcome", "arrival_date"
    ):
        arrived = arrival is not None and arrival <= today and stage in (Stage.ARRIVED, Stage.CLOSED)
        old_enough = arrived and arrival <= old_enough_before
        stayed = old_enough and (stage == Stage.ARRIVED or outcome == Outcome.SETTLED)
        for table, key in (
            ("channel", _channel_label(source, medium)),
            ("campaign", name or _("sans campagne")),
        ):
            row = tables[table].setdefault(str(key), [0, 0, 0, 0])
            row[0] += 1
            row[1] += arrived
            row[2] += old_enough
            row[3] += stayed
    return {
        table: sorted(((label, *counts) for label, counts in rows.items()), key=lambda r: (-r[1], r[0]))
        for table, rows in tables.items()
    }


def publish_marketing(data):
    """Each column protected as a table of its own (« < 5 » and secondary suppression); shares withheld
    when they would rest on fewer than five families."""
    published = {}
    for table, rows in data.items():
        requests, total_requests = protect([(label, n) for label, n, *_rest in rows])
        arrivals, total_arrivals = protect([(label, arrived) for label, _n, arrived, *_rest in rows])
        eligible, total_eligible = protect([(label, old) for label, _n, _a, old, _s in rows])
        published[table] = {
            "rows": [
                {
                    "label": label,
                    "requests": requests[i][1],
                    "arrivals": arrivals[i][1],
                    "eligible": eligible[i][1],
                    "retention": share(stayed, old),
                }
                for i, (label, _n, _a, old, stayed) in enumerate(rows)
            ],
            "total": {
                "requests": total_requests,
                "arrivals": total_arrivals,
                "eligible": total_eligible,
                "retention": share(sum(r[4] for r in rows), sum(r[3] for r in rows)),
            },
        }
    return published


def marketing_csv_rows(published, period_label):
    yield (
        _("tableau"),
        _("canal ou campagne"),
        _("demandes"),
        _("arrivées"),
        _("arrivées depuis 12 mois ou plus"),
        _("toujours là à 12 mois (%)"),
    )
    yield (_("période"), period_label, "", "", "", "")
    titles = {"channel": _("par canal (source / support)"), "campaign": _("par campagne")}
    for table, title in titles.items():
        for row in [*published[table]["rows"], {"label": _("total"), **published[table]["total"]}]:
            yield (
                title,
                row["label"],
                str(row["requests"]),
                str(row["arrivals"]),
                str(row["eligible"]),
                "" if row["retention"] is None else row["retention"],
            )
