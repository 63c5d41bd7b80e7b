"""Which open opportunities fit which candidates — job, distance, contract, working time, nights, licence —
and why, in words: what matched, what did not, how far. A title (job) match ranks above a close job (one
ROME lists as a move from a wished job), which ranks above a sector match."""

import math
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Max
from django.utils.translation import gettext as _

from communes.geo import haversine_km
from communes.text import fold

from . import jobs
from .enums import ACTIVE, ContractType, WorkTime
from .models import Candidate, Opportunity

TITLE, CLOSE, SECTOR, UNKNOWN = 3, 2, 1, 0


@dataclass
class Suggestion:
    """A candidate/offer pair that fits. The sentences (what matched, what did not, how far) are written
    only when read: a candidate's page shows a few pairs out of the hundreds weighed."""

    candidate: Candidate
    opportunity: Opportunity
    distance_km: float
    score: int = 0
    unmet_keys: tuple = ()

    @cached_property
    def reasons(self):
        return _reasons(self)

    @property
    def reason(self):
        return " ; ".join(self.reasons) + "."

    @cached_property
    def unmet(self):
        texts = {
            "licence_no": _("permis B exigé : la personne n'en a pas"),
            "licence_unknown": _("permis B exigé : à vérifier avec la personne"),
            "other_job": _("le métier n'est pas l'un de ceux qu'elle ou il recherche"),
        }
        return [texts[key] for key in self.unmet_keys]

    @property
    def unmet_text(self):
        return " ; ".join(self.unmet)


def _time_fits(wanted, offered):
    return wanted == WorkTime.EITHER or offered == WorkTime.EITHER or wanted == offered


def wished_jobs(candidate):
    """The candidate's jobs: those chosen from the list, else those their typed wishes name."""
    chosen = [jobs.by_code()[code] for code in candidate.wished_jobs or [] if code in jobs.by_code()]
    return tuple(chosen) or jobs.recognise(candidate.wished_roles)


def wished_sectors(candidate):
    return {job.sector for job in wished_jobs(candidate)} | jobs.sectors_named(candidate.wished_sectors)


def avoids_nights(candidate):
    return candidate.no_nights or "pas de nuit" in fold(candidate.constraints)


def _job_match(offer_job, wanted_jobs, wanted_sectors):
    """TITLE, CLOSE, SECTOR or UNKNOWN for the offer's job against the candidate's wishes; None: no match."""
    if offer_job is not None and offer_job in wanted_jobs:
        return TITLE
    if offer_job is not None and any(offer_job.code in job.close for job in wanted_jobs):
        return CLOSE
    if offer_job is not None and offer_job.sector in wanted_sectors:
        return SECTOR
    if not wanted_jobs and not wanted_sectors:
        return UNKNOWN
    return None


def _fit(candidate, opportunity, distance, wanted=None):
    """A Suggestion, or None when a constraint rules the pair out (contract, working time, nights, job)."""
    wanted_jobs, wanted_sectors = wanted or (wished_jobs(candidate), wished_sectors(candidate))
    if candidate.contract_types and opportunity.contract_type not in candidate.contract_types:
        return None
    if not _time_fits(candidate.work_time, opportunity.work_time):
        return None
    if opportunity.night_work and avoids_nights(candidate):
        return None
    score = _job_match(opportunity.job, wanted_jobs, wanted_sectors)
    if score is None:
        return None
    unmet = []
    if opportunity.requires_driving_licence and candidate.driving_licence is not True:
        unmet.append("licence_no" if candidate.driving_licence is False else "licence_unknown")
    if score in (CLOSE, SECTOR):
        unmet.append("other_job")
    return Suggestion(candidate, opportunity, float(distance), score, tuple(unmet))


def _reasons(suggestion):
    """What matched, in words: the job, the place and distance, the contract, the working time, nights."""
    candidate, opportunity, distance = suggestion.candidate, suggestion.opportunity, suggestion.distance_km
    job = opportunity.job
    if suggestion.score == TITLE:
        job_reason = _("métier recherché : %(job)s (ROME %(code)s)") % {"job": job.label, "code": job.code}
    elif suggestion.score == CLOSE:
        job_reason = _("métier proche de celui recherché : %(job)s (ROME %(code)s)") % {
            "job": job.label,
            "code": job.code,
        }
    elif suggestion.score == SECTOR:
        job_reason = _("même secteur (%(sector)s), autre métier : %(job)s") % {
            "sector": job.sector,
            "job": job.label,
        }
    else:
        job_reason = _("aucun métier ni secteur souhaité n'est indiqué : à vérifier avec la personne")
    place = opportunity.commune.name
    if opportunity.commune_id == candidate.home_commune_id:
        where = _("poste à %(place)s, sa commune") % {"place": place}
    else:
        where = _("poste à %(place)s, à %(km)s km de %(home)s (accepte jusqu'à %(max)s km)") % {
            "place": place,
            "km": f"{distance:.0f}",
            "home": candidate.home_commune.name,
            "max": candidate.commute_km,
        }
    contract = ContractType(opportunity.contract_type).label
    if candidate.contract_types:
        contract_reason = _("%(contract)s, un contrat qu'elle ou il accepte") % {"contract": contract}
    else:
        contract_reason = _("%(contract)s (tous contrats acceptés)") % {"contract": contract}
    time_reason = _("%(time)s, compatible avec ses souhaits") % {
        "time": str(WorkTime(opportunity.work_time).label).lower()
    }
    reasons = [job_reason, where, contract_reason, time_reason]
    if avoids_nights(candidate):
        reasons.append(_("pas de nuit, comme demandé"))
    return reasons


def _located(qs, prefix):
    return qs.filter(**{f"{prefix}__latitude__isnull": False, f"{prefix}__longitude__isnull": False})


def _within_box(qs, prefix, lat, lon, km):
    """Keep rows whose commune lies in the square around (lat, lon) that contains the circle of ``km``.

    A cheap SQL prefilter so only nearby rows are loaded; the exact distance is then computed with numpy.
    """
    dlat = km / 111.0
    dlon = km / (111.0 * max(math.cos(math.radians(lat)), 0.01))
    return qs.filter(
        **{
            f"{prefix}__latitude__range": (lat - dlat, lat + dlat),
            f"{prefix}__longitude__range": (lon - dlon, lon + dlon),
        }
    )


def for_candidate(candidate, opportunities=None):
    """Open opportunities that fit this candidate, nearest first, not already used for an introduction."""
    home = candidate.home_commune
    if home is None or home.latitude is None or home.longitude is None:
        return []
    qs = opportunities if opportunities is not None else Opportunity.objects.open()
    qs = _within_box(_located(qs, "commune"), "commune", home.latitude, home.longitude, candidate.commute_km)
    qs = (
        _ruled_out_in_sql(qs, candidate)
        .with_places()
        .defer("description", "created_at", "organisation__notes", "organisation__created_at")
    )
    qs = qs.exclude(introductions__candidate=candidate)
    return _within_commute(home, list(qs), lambda offer: offer.commune, lambda offer: (candidate, offer))


def _ruled_out_in_sql(qs, candidate):
    """The exclusions ``_fit`` applies, done first by the database so that only possible offers are
    loaded (5,000 offers in the Aube's box would otherwise be built as objects for one candidate)."""
    if candidate.contract_types:
        qs = qs.filter(contract_type__in=candidate.contract_types)
    if candidate.work_time != WorkTime.EITHER:
        qs = qs.filter(work_time__in=[candidate.work_time, WorkTime.EITHER])
    if avoids_nights(candidate):
        qs = qs.filter(night_work=False)
    wanted_jobs, wanted_sectors = wished_jobs(candidate), wished_sectors(candidate)
    if wanted_jobs or wanted_sectors:
        codes = {job.code for job in wanted_jobs} | {
            j.code for j in jobs.all_jobs() if j.sector in wanted_sectors
        }
        qs = qs.filter(job_code__in=codes)
    return qs


def for_opportunity(opportunity):
    """Candidates still searching whose wishes and commuting radius fit this opportunity."""
    place = opportunity.commune
    if place is None or place.latitude is None or place.longitude is None:
        return []
    searching = _located(Candidate.objects.filter(stage__in=ACTIVE), "home_commune")
    widest = searching.aggregate(km=Max("commute_km"))["km"] or 0
    qs = (
        _within_box(searching, "home_commune", place.latitude, place.longitude, widest)
        .exclude(introductions__opportunity=opportunity)
        .with_people()
    )
    return _within_commute(
        place, list(qs), lambda person: person.home_commune, lambda person: (person, opportunity)
    )


def _within_commute(origin, items, commune_of, pair_of):
    """Suggestions for ``items`` (offers or candidates) whose commune lies within the candidate's commute
    of ``origin`` and that fit their wishes, closest first. ``pair_of(item)`` is (candidate, offer)."""
    if not items:
        return []
    communes = [commune_of(item) for item in items]
    distances = haversine_km(
        origin.latitude, origin.longitude, [c.latitude for c in communes], [c.longitude for c in communes]
    )
    found = []
    wanted = {}
    for item, distance in zip(items, distances, strict=True):
        candidate, offer = pair_of(item)
        if distance > candidate.commute_km:
            continue
        if candidate.pk not in wanted:
            wanted[candidate.pk] = (wished_jobs(candidate), wished_sectors(candidate))
        suggestion = _fit(candidate, offer, float(distance), wanted[candidate.pk])
        if suggestion is not None:
            found.append(suggestion)
    # The job first (a title match above a sector match), then the nearest, then the unmet constraints last.
    return sorted(found, key=lambda s: (-s.score, len(s.unmet_keys), s.distance_km, s.opportunity.title))
