"""The direction's figures of the "How is it going?" surveys: counts and scores, never a name.

The "< 5" rule of the figures: an average or a distribution over fewer than five answers could point at a
family, so below five answers only the count is shown ("moins de 5 réponses").
"""

from collections import Counter

from django.db.models import Count, Q

from .models import SettlingSurvey, SurveyMilestone

MIN_ANSWERS = 5


def compute():
    rows = []
    stats = {
        row["milestone"]: row
        for row in SettlingSurvey.objects.values("milestone").annotate(
            invited=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            alerts=Count("pk", filter=Q(alerted_at__isnull=False)),
        )
    }
    scores = {}
    for milestone, score in SettlingSurvey.objects.filter(answered_at__isnull=False).values_list(
        "milestone", "score"
    ):
        scores.setdefault(milestone, []).append(score)
    for milestone in SurveyMilestone:
        row = stats.get(milestone.value, {"invited": 0, "answered": 0, "alerts": 0})
        given = scores.get(milestone.value, [])
        shown = len(given) >= MIN_ANSWERS
        counts = Counter(given)
        rows.append(
            {
                "label": milestone.label,
                "invited": row["invited"],
                "answered": row["answered"],
                "alerts": row["alerts"],
                "shown": shown,
                "average": round(sum(given) / len(given), 1) if shown else None,
                "low": sum(1 for s in given if s <= 6) if shown else None,
                "distribution": [(n, counts.get(n, 0)) for n in range(11)] if shown else [],
            }
        )
    return rows
