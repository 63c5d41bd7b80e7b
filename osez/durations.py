"""Durations as people say them ("7 jours", "1 an", "3 heures") instead of Python's "7 days, 0:00:00"."""

from django.utils.translation import ngettext


def in_words(delta):
    """A timedelta in French words, the largest fitting unit first; "—" for None."""
    if delta is None:
        return "—"
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    if days and days % 365 == 0:
        return ngettext("%(n)d an", "%(n)d ans", days // 365) % {"n": days // 365}
    if days and days % 30 == 0 and days >= 60:
        return ngettext("%(n)d mois", "%(n)d mois", days // 30) % {"n": days // 30}
    if days and days % 7 == 0:
        return ngettext("%(n)d semaine", "%(n)d semaines", days // 7) % {"n": days // 7}
    parts = []
    if days:
        parts.append(ngettext("%(n)d jour", "%(n)d jours", days) % {"n": days})
    hours, rest = divmod(rest, 3600)
    if hours:
        parts.append(ngettext("%(n)d heure", "%(n)d heures", hours) % {"n": hours})
    minutes = rest // 60
    if minutes:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return " ".join(parts) or ngettext("%(n)d seconde", "%(n)d secondes", seconds) % {"n": seconds}
