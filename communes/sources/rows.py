"""Checking rows: values, communes, and the batch a source builds before anything is written.

The rules a batch keeps, for every source:

- a row that is **present in the file but invalid** is rejected with its reason *and its key is kept*:
  publishing leaves that place (or commune, or figure) exactly as it was last published;
- a rejected row whose key cannot be read at all (a shifted column, a cut line) makes the file
  incomplete: nothing is deactivated by that run, since the missing places may be in those rows;
- two rows with one natural key are merged when they are identical (counted), rejected both when
  they differ (their published version is kept): nothing is ever published twice;
- every rejected row is counted; too many of them fail the run (see ``publish.check_rejections``).
"""

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from communes.enums import PositionQuality
from communes.geo import haversine_km

from .errors import SourceError

MAX_REJECTED_KEPT = 50
# INSEE's "not applicable" and "unknown" markers (BPE 2024+): a missing value, never a value.
SENTINELS = frozenset({"_Z", "_U", "_z", "_u"})
FICTIONAL_TAG = "(fictif)"

# Paris, Lyon and Marseille are one commune each in the registry (geo.api.gouv.fr) but the BPE, the
# Annuaire and Data ES file their places under the arrondissements' codes.
ARRONDISSEMENTS = {
    **{f"751{n:02d}": "75056" for n in range(1, 21)},
    **{f"6938{n}": "69123" for n in range(1, 10)},
    **{f"132{n:02d}": "13055" for n in range(1, 17)},
}
ARRONDISSEMENT_COUNT = Counter(ARRONDISSEMENTS.values())  # 20 in Paris, 9 in Lyon, 16 in Marseille
# A code INSEE as it can be: five digits, or Corsica's 2A/2B and three digits.
COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def clean(value):
    """A text value stripped, with None, INSEE sentinels and JSON nulls as ''."""
    if value is None:
        return ""
    text = str(value).strip()
    return "" if text in SENTINELS else text


def to_float(value):
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise ValueError(value)
        return None
    if isinstance(value, (int, float)):
        result = float(value)
    else:
        # French figures may group thousands with (narrow) no-break spaces: "1 234,5".
        text = re.sub(r"[\s\u202f\xa0]", "", clean(value)).replace(",", ".")
        if not text:
            return None
        try:
            result = float(text)
        except ValueError:
            raise ValueError(f"nombre illisible : {value!r}") from None  # the caller rejects the row
    if not math.isfinite(result):
        raise ValueError(f"nombre illisible : {value!r}")
    return result


def commune_code(value):
    """A code INSEE as written in a row ('2A004' stays; a spreadsheet's '1053', or its number 1053.0,
    gets its leading 0 back)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    code = clean(value).upper()
    if code.isdigit() and len(code) == 4:
        code = "0" + code
    return code


def departement_of(code):
    """The département of a code INSEE: three characters overseas (971…), two elsewhere (2A, 10)."""
    return code[:3] if code[:2] in ("97", "98") else code[:2]


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d", "%d-%m-%Y")


def parse_date(value):
    """A date from ISO (with or without time) or French day/month/year text; None when unreadable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean(value)[:10]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre")  # fmt: skip


def french_date(day):
    """'27 mai 2026' — independent of the server's locale."""
    return f"{day.day} {MONTHS_FR[day.month - 1]} {day.year}" if day else ""


def percent(share, digits=0):
    """A share as French text: '5 %', '33,5 %'."""
    return f"{share * 100:.{digits}f}".replace(".", ",") + " %"


def phone_number(value):
    """A French phone number as '03 25 12 34 56', or '' when the value is not one.

    A spreadsheet that re-saved the file dropped the leading 0 ('325123456'): nine digits get it back.
    """
    text = clean(value)
    if not text:
        return ""
    digits = re.sub(r"\D", "", text)
    if text.startswith("+33") and len(digits) == 11:
        digits = "0" + digits[2:]
    if len(digits) == 9 and not digits.startswith("0"):
        digits = "0" + digits
    if len(digits) != 10 or not digits.startswith("0"):
        return ""
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def email_address(value):
    text = clean(value)
    return text[:254] if _EMAIL.match(text) else ""


def website(value):
    """An http(s) address, with the scheme added when the source wrote 'www.example.fr'."""
    text = clean(value)
    if not text or " " in text:
        return ""
    if not re.match(r"^https?://", text, re.IGNORECASE):
        if "." not in text or "@" in text:
            return ""
        text = "https://" + text.lstrip("/")
    return text[:500]


@dataclass
class CommuneInfo:
    code: str
    departement: str
    latitude: float | None
    longitude: float | None
    max_km: float


def commune_index(departements):
    """Active communes of the départements: code → what row checks need (one query).

    The arrondissements of Paris, Lyon and Marseille point to their commune.
    """
    from communes.models import Commune

    index = {}
    for code, dep, lat, lon, surface in Commune.objects.filter(
        departement_id__in=departements, is_active=True
    ).values_list("code_insee", "departement_id", "latitude", "longitude", "surface_ha"):
        # A place may sit anywhere in its commune: allow the commune's "radius" with a wide margin.
        radius = math.sqrt((surface or 0) / 100 / math.pi)
        index[code] = CommuneInfo(code, dep, lat, lon, 15.0 + 3 * radius)
    for arrondissement, parent in ARRONDISSEMENTS.items():
        if parent in index and arrondissement not in index:
            index[arrondissement] = index[parent]
    if not index:
        raise SourceError(
            "aucune commune chargée pour le(s) département(s) "
            f"{', '.join(departements)} : importez d'abord la source « communes »"
        )
    return index


# Positions in a place row (the tuple a batch keeps per place).
(R_LAYER, R_REF, R_NAME, R_COMMUNE, R_LAT, R_LON, R_ADDRESS, R_POSTCODE, R_PHONE, R_EMAIL, R_WEBSITE,
 R_QUALITY, R_ATTRS, R_LINE) = range(14)  # fmt: skip


@dataclass
class Batch:
    """A validated batch: rows ready to publish, the keys of rows kept as published, rejections, counts."""

    departements: tuple = ()
    rows: list = field(default_factory=list)
    rejected: list = field(default_factory=list)
    rejected_count: int = 0
    total_rows: int = 0
    merged: int = 0
    checksum: str = ""
    # Keys (a place's source reference, a commune's code, a figure's (commune, indicator)) of rows present
    # in the file but invalid: what is published for them stays as it is.
    kept: set = field(default_factory=set)
    # Rejected rows that could not even be identified: the file is not complete, so nothing is deactivated.
    unkeyed: int = 0
    vintage: str = ""
    data_date: date | None = None
    fictional_rows: int = 0
    notes: list = field(default_factory=list)
    keys: dict = field(default_factory=dict)
    communes: dict = field(default_factory=dict)
    finished: bool = False
    _rejected_lines: set = field(default_factory=set, repr=False)
    _merged_lines: set = field(default_factory=set, repr=False)

    def reject(self, line, reason, ref="", *, key=None, keys=None, lines=1):
        """Count a rejected row (``lines`` physical lines) with its reason; ``key`` keeps its published version.

        ``keys`` names several (a commune's four broadband figures), and an empty ``keys`` says the row
        was identified but keeps nothing (an exact duplicate). Without either, the row could not be
        identified: the file is not complete. A record feeding two layers (a primary school) is rejected
        once, however many layers it had.
        """
        if key not in (None, ""):
            self.kept.add(key)
        if keys is not None:
            self.kept.update(keys)
        if line is not None:
            if line in self._rejected_lines:
                return
            self._rejected_lines.add(line)
        self.rejected_count += lines
        if (key is None or key == "") and keys is None:
            self.unkeyed += lines
        if len(self.rejected) < MAX_REJECTED_KEPT:
            self.rejected.append({"ligne": line, "ref": str(ref)[:100], "raison": reason})

    def add_unique(self, key, row, kept_key, label):
        """Append ``row`` (whose last item is its line) under ``key``, unless the key was seen already:
        the same row again is merged (counted in ``merged``); a different one rejects both lines, and
        ``kept_key`` keeps what is published for it. Returns True when the row is in the batch."""
        line = row[-1]
        if key in self.keys:
            index = self.keys[key]
            first = self.rows[index]
            if first is not None and first[:-1] == row[:-1]:
                if line not in self._merged_lines:
                    self.merged += 1
                    self._merged_lines.add(line)
                return True
            if first is not None:
                self.rows[index] = None
                self.reject(
                    first[-1],
                    f"{label} en double avec des valeurs différentes (ligne {line})",
                    kept_key,
                    key=kept_key,
                )
            self.reject(line, f"{label} en double avec des valeurs différentes", kept_key, key=kept_key)
            return False
        self.keys[key] = len(self.rows)
        self.rows.append(row)
        return True

    def next_file(self):
        """Line numbers start again in the next file of the batch."""
        self._rejected_lines = set()
        self._merged_lines = set()

    def note(self, text):
        if text not in self.notes:
            self.notes.append(text)

    def add_place(
        self, line, *, layer, ref, name, commune, lat, lon, address="", postcode="", phone="", email="",
        website="", quality=None, attributes=None,
    ):  # fmt: skip
        """Check one place and keep it, or reject it with a reason; returns True when kept.

        Distances to the commune are checked for the whole batch at once in ``finish``.
        """
        ref = str(ref or "").strip()
        if not ref:
            self.reject(line, "identifiant manquant", ref)
            return False
        if (lat is None) != (lon is None):
            self.reject(line, "coordonnées incomplètes", ref, key=ref)
            return False
        if lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.reject(line, f"coordonnées invalides ({lat}, {lon})", ref, key=ref)
            return False
        name = (name or "").strip()[:300] or ref
        if lat is None:
            quality = PositionQuality.UNKNOWN
        attrs = json.dumps(attributes or {}, ensure_ascii=False, sort_keys=True, default=str)
        row = (
            layer, ref[:100], name, commune.code, lat, lon, (address or "").strip()[:300], (postcode or "")[:5],
            (phone or "")[:40], (email or "")[:254], (website or "")[:500], str(quality or PositionQuality.EXACT),
            attrs, line,
        )  # fmt: skip
        if not self.add_unique((layer, ref), row, ref, f"identifiant {ref}"):
            return False
        self.communes[commune.code] = commune
        if FICTIONAL_TAG in name:
            self.fictional_rows += 1
        return True

    def finish(self):
        """Whole-batch checks once every row is read: positions far outside their commune (vectorised)."""
        if self.finished:
            return self
        self.finished = True
        rows = [r for r in self.rows if r is not None]
        self.keys = {}
        located = [
            i for i, r in enumerate(rows)
            if r[R_LAT] is not None and self.communes[r[R_COMMUNE]].latitude is not None
        ]  # fmt: skip
        if located:
            infos = [self.communes[rows[i][R_COMMUNE]] for i in located]
            distances = haversine_km(
                np.fromiter((rows[i][R_LAT] for i in located), float, len(located)),
                np.fromiter((rows[i][R_LON] for i in located), float, len(located)),
                np.fromiter((c.latitude for c in infos), float, len(infos)),
                np.fromiter((c.longitude for c in infos), float, len(infos)),
            )
            limits = np.fromiter((c.max_km for c in infos), float, len(infos))
            far = np.nonzero(distances > limits)[0]
            if len(far):
                drop = set()
                for j in far:
                    row = rows[located[j]]
                    drop.add(located[j])
                    self.reject(
                        row[R_LINE],
                        f"coordonnées à {distances[j]:.0f} km de la commune {row[R_COMMUNE]}, hors du territoire",
                        row[R_REF], key=row[R_REF],
                    )  # fmt: skip
                rows = [r for i, r in enumerate(rows) if i not in drop]
        # A reference rejected on one layer is kept on every layer (a primary school's two layers).
        if self.kept:
            rows = [r for r in rows if r[R_REF] not in self.kept]
        self.rows = rows
        self.communes = {}
        return self


# Positions in an indicator row (see IndicatorBatch).
(I_COMMUNE, I_INDICATOR, I_LEVEL, I_TERRITORY_CODE, I_TERRITORY_NAME, I_VALUE, I_TEXT, I_COUNT, I_PLACE,
 I_ATTRS, I_VINTAGE, I_DATE, I_LINE) = range(13)  # fmt: skip


@dataclass
class IndicatorBatch(Batch):
    """A batch of per-commune figures (communes.models.CommuneIndicator), keyed by (commune, indicator).

    Same rules as places: an invalid row keeps the published figure (``reject(..., key=(commune,
    indicator))`` or ``keys=[…]``, or ``key=commune`` for every figure of that commune), identical
    duplicates merge. ``names`` (code → name) lets a commune-level figure name its own territory;
    ``skip(reason)`` counts rows that are valid but outside a figure's definition (an exchange is not a
    sale), said in the run's notes.
    """

    names: dict = field(default_factory=dict)
    skipped: Counter = field(default_factory=Counter)

    def skip(self, reason, lines=1):
        self.skipped[reason] += lines

    def one_row_per_key(self, found, key, row, line, *, keys, what="une même commune"):
        """The source rows' own duplicate rule, judged before figures are built (a CNAF row of an EPCI
        feeds the figures of every commune in it, so ``add_unique`` on figures comes too late).

        ``found`` maps a key (a commune, an EPCI) to ``(row, line)``, or to None once two rows disagreed.
        The same row again is rejected as a duplicate and counted once (so a file read twice over fails
        on the rejection threshold); a different one rejects both lines and ``keys`` keep their published
        figures, as does any later row of that key. Returns True when ``row`` is kept.
        """
        if key in found:
            previous = found[key]
            if previous is not None and previous[0] == row:
                self.reject(line, "ligne en double (mêmes valeurs, comptée une fois)", key, keys=())
            else:
                self.reject(
                    line, f"valeurs contradictoires pour {what}", key, keys=keys, lines=2 if previous else 1
                )
                found[key] = None
            return False
        found[key] = (row, line)
        return True

    def add_value(
        self, line, *, commune, indicator, value=None, text="", count=None, level="commune", territory_code="",
        territory_name="", place_id=None, attributes=None, vintage="", data_date=None,
    ):  # fmt: skip
        code = commune.code if isinstance(commune, CommuneInfo) else str(commune)
        if value is not None and not (isinstance(value, (int, float)) and math.isfinite(value)):
            self.reject(line, f"valeur invalide : {value!r}", code, key=(code, indicator))
            return False
        if count is not None and (not isinstance(count, int) or count < 0):
            self.reject(line, f"effectif invalide : {count!r}", code, key=(code, indicator))
            return False
        if str(level) == "commune" and not territory_code:
            # The territory measured is always named, the commune itself included.
            territory_code, territory_name = code, self.names.get(code, "")
        row = (
            code, indicator, str(level), str(territory_code)[:9], str(territory_name)[:200], value, str(text)[:300],
            count, place_id, json.dumps(attributes or {}, ensure_ascii=False, sort_keys=True, default=str),
            str(vintage)[:100], data_date, line,
        )  # fmt: skip
        key = (code, indicator)
        return self.add_unique(key, row, key, f"{code} / {indicator}")

    def finish(self):
        if self.finished:
            return self
        self.finished = True
        self.keys = {}
        self.rows = [
            r for r in self.rows
            if r is not None and (r[I_COMMUNE], r[I_INDICATOR]) not in self.kept and r[I_COMMUNE] not in self.kept
        ]  # fmt: skip
        if self.skipped:
            self.note(
                "lignes hors du champ de l'indicateur : "
                + " ; ".join(f"{reason} ({n})" for reason, n in self.skipped.most_common())
            )
        return self
