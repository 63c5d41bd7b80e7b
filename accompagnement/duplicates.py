"""Possible duplicate dossiers (same e-mail, phone or names) and the merge of two dossiers into one.

Detection runs when a dossier is opened (public request, intake form) and stores the links on
``Household.possible_duplicates``, so that the triage queue and the dossier show them without
recomputing. A merge moves members, needs, tasks, exchanges and places into the dossier kept, and
what the apps built on the dossiers declared with ``register_merge_step`` (the family's messages, its
event sign-ups…); it closes the other one as "sans suite" pointing to it (``merged_into``), and writes a
``DossierMerge`` row and a line in both histories: nothing is deleted, everything merged can be traced back.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from . import stages
from .enums import InteractionKind, Outcome, Stage
from .models import Adult, DossierMerge, Household, Interaction


def normalise_name(*parts):
    """ "Léa  MARTIN-Roy" → "lea martin roy": accents, case, hyphens and spacing do not tell people apart."""
    text = unicodedata.normalize("NFKD", " ".join(p or "" for p in parts))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(sorted(re.findall(r"[a-z]+", text)))


def normalise_phone(phone):
    """The last nine digits of a French number, whatever its spacing or +33 prefix ("" when too short)."""
    digits = re.sub(r"\D", "", phone or "")
    return digits[-9:] if len(digits) >= 9 else ""


@dataclass
class Match:
    household: Household
    reasons: list


def _keys(household_id, email, phone, adults):
    emails = {e.strip().lower() for e in [email, *(a[2] for a in adults)] if e}
    phones = {p for p in (normalise_phone(x) for x in [phone, *(a[3] for a in adults)]) if p}
    names = {normalise_name(a[0], a[1]) for a in adults if a[1]}  # a first name alone proves nothing
    return emails, phones, names - {""}


def _reasons(mine, theirs):
    reasons = []
    if mine[0] & theirs[0]:
        reasons.append(_("même courriel"))
    if mine[1] & theirs[1]:
        reasons.append(_("même téléphone"))
    if mine[2] & theirs[2]:
        reasons.append(_("même nom"))
    return reasons


def _adults_by_household(household_ids=None):
    adults = (
        Adult.objects.all() if household_ids is None else Adult.objects.filter(household_id__in=household_ids)
    )
    by_household = {}
    for hid, first, last, email, phone in adults.values_list(
        "household_id", "first_name", "last_name", "email", "phone"
    ):
        by_household.setdefault(hid, []).append((first, last, email, phone))
    return by_household


def find_duplicates(household):
    """Other dossiers (not merged away) sharing an e-mail, a phone or an adult's full name with this one.

    Hand-written rather than a fuzzy library: the three keys are exact after normalisation, which is what
    an advisor checks by eye; names are compared with accents, case and word order removed. The scan
    reads two narrow columns lists (dossiers and adults): a département's service holds a few thousand,
    and it runs once, when a dossier is opened (the dossier page reads the stored links).
    """
    adults_by_household = _adults_by_household()
    mine = _keys(household.pk, household.email, household.phone, adults_by_household.get(household.pk, []))
    matches = []
    others = Household.objects.exclude(pk=household.pk).filter(merged_into__isnull=True)
    for other in others.only("pk", "email", "phone", "reference", "advisor_id", "stage"):
        theirs = _keys(other.pk, other.email, other.phone, adults_by_household.get(other.pk, []))
        reasons = _reasons(mine, theirs)
        if reasons:
            matches.append(Match(other, reasons))
    return matches


def flag_duplicates(household):
    """Store the possible duplicates of ``household`` (both ways); returns the matches."""
    matches = find_duplicates(household)
    if matches:
        household.possible_duplicates.add(*[m.household for m in matches])
    return matches


def duplicates_of(household):
    """The stored possible duplicates still worth showing, each with why it looks like this one."""
    stored = list(
        household.possible_duplicates.filter(merged_into__isnull=True)
        .exclude(pk=household.pk)
        .select_related("advisor")
    )
    if not stored:
        return []
    # Why each stored one looks like this dossier, from these few dossiers' adults only: the dossier page
    # shows this, and must not scan every dossier of the service to say it.
    adults = _adults_by_household([household.pk, *(other.pk for other in stored)])
    mine = _keys(household.pk, household.email, household.phone, adults.get(household.pk, []))
    matches = []
    for other in stored:
        theirs = _keys(other.pk, other.email, other.phone, adults.get(other.pk, []))
        matches.append(Match(other, _reasons(mine, theirs) or [_("signalé à l'ouverture")]))
    return matches


class MergeRefused(Exception):
    pass


@dataclass(frozen=True)
class MergeStep:
    key: str  # the key of ``DossierMerge.moved``
    label: object  # what the history says was moved ("messages de la famille"), translated when shown
    move: object  # move(source, target) → how many rows now belong to ``target``


# Apps built on the dossiers add what they hang on a dossier here from AppConfig.ready() (the import
# layers forbid this module from importing them); each step runs inside the merge's transaction.
_merge_steps = {}


def register_merge_step(key, label, move):
    _merge_steps[key] = MergeStep(key, label, move)


def merge_refusal(user, source, target):
    """Why ``user`` may not merge ``source`` into ``target`` (None when they may)."""
    if source.pk == target.pk:
        return _("Un dossier ne peut pas être fusionné avec lui-même.")
    if source.merged_into_id or target.merged_into_id:
        return _("L'un de ces dossiers a déjà été fusionné dans un autre.")
    if not (
        user.has_perm("accompagnement.edit_dossier", source)
        and user.has_perm("accompagnement.edit_dossier", target)
    ):
        return _(
            "Vous ne pouvez fusionner que des dossiers que vous suivez (ou des demandes non attribuées)."
        )
    advisors = {source.advisor_id, target.advisor_id} - {None}
    if len(advisors) > 1 and not user.has_perm("accompagnement.reassign_dossier", target):
        return _(
            "Ces deux dossiers sont suivis par deux conseiller·ère·s différent·e·s : seul·e un·e responsable "
            "d'équipe peut les fusionner."
        )
    return None


def merge(source, target, *, by):
    """Move everything of ``source`` into ``target``; ``source`` is closed and points to ``target``."""
    refusal = merge_refusal(by, source, target)
    if refusal:
        raise MergeRefused(refusal)
    with transaction.atomic():
        source = Household.objects.select_for_update().get(pk=source.pk)
        target = Household.objects.select_for_update().get(pk=target.pk)
        moved = {
            "adultes": source.adults.update(household=target),
            "enfants": source.children.update(household=target),
            "taches": source.tasks.update(household=target),
            "echanges": source.interactions.update(household=target),
        }
        kept_kinds = set(target.needs.values_list("kind", flat=True))
        needs_moved = 0
        for need in source.needs.all():
            if need.kind in kept_kinds and need.kind != "autre":
                # One need of each kind: the dossier kept has it already; its note is appended to the kept one.
                if need.note:
                    kept = target.needs.get(kind=need.kind)
                    kept.note = "\n".join(filter(None, [kept.note, need.note]))
                    kept.save(update_fields=["note"])
                continue
            need.household = target
            need.save(update_fields=["household"])
            needs_moved += 1
        moved["besoins"] = needs_moved
        kept_places = set(target.pinned_places.values_list("place_id", flat=True))
        moved["lieux"] = source.pinned_places.exclude(place_id__in=kept_places).update(household=target)
        target.communes_considered.add(*source.communes_considered.all())
        for step in _merge_steps.values():
            moved[step.key] = step.move(source, target)
        for name in (
            "email", "phone", "origin", "employer_text", "arrival_horizon", "channel",
            "campaign_source", "campaign_medium", "campaign_name", "referral",
        ):  # fmt: skip
            if not getattr(target, name) and getattr(source, name):
                setattr(target, name, getattr(source, name))
        if target.arrival_date is None and source.arrival_date is not None:
            target.arrival_date = source.arrival_date
        if target.advisor_id is None and source.advisor_id is not None:
            target.advisor_id = source.advisor_id
        target.version += 1  # an open edit form of either dossier is now stale, as after any save
        target.save()
        target.possible_duplicates.remove(source)
        Interaction.objects.create(
            household=target,
            kind=InteractionKind.NOTE,
            author=by,
            text=_("Dossier %(src)s fusionné dans celui-ci : %(what)s.")
            % {"src": source.reference, "what": _describe(moved)},
        )
        DossierMerge.objects.create(source=source, target=target, by=by, moved=moved)
        source.merged_into = target
        source.version += 1
        source.save(update_fields=["merged_into", "version", "updated_at"])
        if source.stage != Stage.CLOSED:
            stages.close_followup(
                source,
                by=by,
                outcome=Outcome.NO_FOLLOW_UP,
                reason=_("Fusionné dans le dossier %(ref)s.") % {"ref": target.reference},
            )
    return target


def _describe(moved):
    labels = {
        "adultes": _("adultes"),
        "enfants": _("enfants"),
        "taches": _("tâches"),
        "echanges": _("échanges"),
        "besoins": _("besoins"),
        "lieux": _("lieux retenus"),
    }
    labels.update({key: str(step.label) for key, step in _merge_steps.items()})
    return ", ".join(f"{n} {labels[k]}" for k, n in moved.items() if n) or _("rien à déplacer")
