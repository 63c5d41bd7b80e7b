"""The dvf source: median price per m² of houses and flats per commune over the last complete years (geo-DVF)."""

from datetime import date

from django.conf import settings

# DVF does not cover Alsace-Moselle (land register of its own) nor Mayotte.
NOT_PUBLISHED = frozenset({"57", "67", "68", "976"})
YEAR_COUNT = 3


def last_complete_years(today=None):
    """The years the client downloads: OSEZ_DVF_YEARS, else the last three complete years published.

    geo-DVF is updated in April and October; a year is complete in the April release that follows it,
    so the newest complete year is last year from May on, the year before until then.
    """
    if settings.OSEZ_DVF_YEARS:
        return sorted(settings.OSEZ_DVF_YEARS)
    today = today or date.today()
    last = today.year - 1 if today.month >= 5 else today.year - 2
    return list(range(last - YEAR_COUNT + 1, last + 1))
