"""Which open opportunities fit which candidates — distance, contract, working time, keywords — and why, in words."""

import math
import re
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils.translation import gettext as _

from communes.geo import haversine_km
from communes.text import fold

from .enums import ACTIVE, ContractType, WorkTime
from .models import Candidate, Opportunity

# Short words ("de", "et", "des") would match everything.
MIN_WORD = 3


def terms(text):
    """Comma/semicolon/line separated wishes, each folded to its words."""
    return [t.strip() for t in re.split(r"[,;\n]+", text or "") if t.strip()]


def _stem(word):
    # "comptable" and "comptabilité", "infirmier" and "infirmière" share their first six letters; a light
    # prefix match is enough for short job titles and avoids shipping a French stemmer.
    return word[:6]


def _matches(term, haystack_stems):
    words = [w for w in fold(term).split() if len(w) >= MIN_WORD]
    return bool(words) and all(_stem(w) in haystack_stems for w in words)


@dataclass
class Suggestion:
    candidate: Candidate
    opportunity: Opportunity
    distance_km: float
    reasons: list = field(default_factory=list)

    @property
    def reason(self):
        return " ; ".join(self.reasons) + "."


def _time_fits(wanted, offered):
    return wanted == WorkTime.EITHER or offered == WorkTime.EITHER or wanted == offered


def _keyword_reasons(candidate, opportunity):
    """The wishes this opportunity meets; None when the candidate has wishes and none matches."""
    text = " ".join(
        [
            opportunity.title,
            opportunity.description,
            opportunity.organisation.sector,
            opportunity.organisation.name,
        ]
    )
    stems = {_stem(w) for w in fold(text).split()}
    roles = [t for t in terms(candidate.wished_roles) if _matches(t, stems)]
    sectors = [t for t in terms(candidate.wished_sectors) if _matches(t, stems)]
    if not terms(candidate.wished_roles) and not terms(candidate.wished_sectors):
        return [_("aucun métier ni secteur souhaité n'est indiqué : à vérifier avec la personne")]
    if not roles and not sectors:
        return None
    reasons = []
    if roles:
        reasons.append(_("métier recherché : « %(terms)s »") % {"terms": "», «".join(roles)})
    if sectors:
        reasons.append(_("secteur souhaité : « %(terms)s »") % {"terms": "», «".join(sectors)})
    return reasons


def _fit(candidate, opportunity, distance):
    """Reasons the pair fits, or None when one criterion rules it out."""
    if candidate.contract_types and opportunity.contract_type not in candidate.contract_types:
        return None
    if not _time_fits(candidate.work_time, opportunity.work_time):
        return None
    keyword_reasons = _keyword_reasons(candidate, opportunity)
    if keyword_reasons is None:
        return None
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
    return [where, contract_reason, time_reason, *keyword_reasons]


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
    qs = qs.with_places()
    qs = qs.exclude(introductions__candidate=candidate)
    return _within_commute(home, list(qs), lambda offer: offer.commune, lambda offer: (candidate, offer))


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
    for item, distance in zip(items, distances, strict=True):
        candidate, offer = pair_of(item)
        if distance > candidate.commute_km:
            continue
        reasons = _fit(candidate, offer, float(distance))
        if reasons:
            found.append(Suggestion(candidate, offer, float(distance), reasons))
    return sorted(found, key=lambda s: s.distance_km)
