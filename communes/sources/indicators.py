"""Commune indicators (figures per commune, not places): catalogue, file reading, checks and publishing.

Shared by the sources that publish ``CommuneIndicator`` rows: ``caf`` (childcare places, CNAF), ``arcep``
(broadband), ``dvf`` (housing prices), ``carte-scolaire`` (the public collège of the commune) and ``apl``
(access to GPs, DREES). Each source folder keeps the same split as the place sources: a client that only
downloads into the raw cache and an importer that reads the whole batch, then publishes it.

The rules every indicator importer follows (issue 12):

- files are read by header name; a missing required column fails the run naming it, the columns found
  that look closest, and the source's documentation address;
- one encoding for the whole file, decided from every line (a file mixing UTF-8 and Latin-1 fails);
- every rejected row is counted with its reason; a run whose rejected rows pass the source's share in
  ``OSEZ_INDICATOR_MAX_REJECTED`` is refused;
- a row present in the file but invalid keeps its last published value (its keys go to ``batch.kept``);
  only values absent from a complete, valid file are deactivated — and none at all when a rejected row
  could not even be tied to a commune (``batch.unkeyed_rejects``);
- an empty batch, or one that lost more than ``OSEZ_MAX_SHRINK`` of the active values, is refused unless
  forced, as the place sources do;
- the batch is published in one transaction with the data's own vintage and date on the source.
"""

import csv
import difflib
import gzip
import json
import logging
import os
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import IndicatorLevel, Theme
from .download import download, file_checksum, looks_like_html
from .errors import SourceError
from .publish import BATCH_SIZE, PublishResult, check_batch_size, forget_queries, rejected_share_limit, row_digest
from .rows import MAX_REJECTED_KEPT

logger = logging.getLogger(__name__)

# --- catalogue -----------------------------------------------------------------------------------

# How often each publisher releases a new edition: "à jour" means nothing newer can exist yet.
PUBLISHED_EVERY = {
    "caf": timedelta(days=365),  # yearly, each January (places of December N-1 or N-2)
    "arcep": timedelta(days=91),  # quarterly (T1…T4)
    "dvf": timedelta(days=183),  # twice a year (April and October)
    "carte-scolaire": timedelta(days=365),  # once a school year
    "apl": timedelta(days=365),  # yearly, each summer
}

DOCUMENTATION = {
    "caf": "https://www.data.gouv.fr/datasets/nombre-de-places-offertes-pour-les-enfants-de-moins-de-3-ans-epci",
    "arcep": "https://www.data.gouv.fr/datasets/ma-connexion-internet",
    "dvf": "https://www.data.gouv.fr/fr/datasets/demandes-de-valeurs-foncieres-geolocalisees/",
    "carte-scolaire": "https://data.education.gouv.fr/explore/dataset/fr-en-carte-scolaire-colleges-publics/",
    "apl": "https://www.data.gouv.fr/fr/datasets/accessibilite-potentielle-localisee-apl-aux-professionnels-de-sante/",
}


@dataclass(frozen=True)
class IndicatorSpec:
    slug: str
    source: str
    name: str
    unit: str
    theme: str
    order: int
    description: str


# fmt: off
INDICATORS = [
    IndicatorSpec("caf-places-creches", "caf", _("Places en crèche"), _("places"), Theme.PETITE_ENFANCE, 10,
                  _("Places en établissements d'accueil du jeune enfant (crèches collectives, familiales, "
                    "parentales, micro-crèches) au 31 décembre, selon la CNAF.")),
    IndicatorSpec("caf-places-assistantes-maternelles", "caf", _("Places chez les assistantes maternelles"),
                  _("places"), Theme.PETITE_ENFANCE, 20,
                  _("Places offertes aux enfants de moins de 3 ans par les assistantes maternelles "
                    "agréées en activité, selon la CNAF.")),
    IndicatorSpec("caf-places-total", "caf", _("Places d'accueil pour les moins de 3 ans (tous modes)"),
                  _("places"), Theme.PETITE_ENFANCE, 30,
                  _("Offre d'accueil formel des moins de 3 ans : crèches, assistantes maternelles, garde à "
                    "domicile et école avant 3 ans, selon la CNAF.")),
    IndicatorSpec("caf-taux-couverture", "caf", _("Taux de couverture de l'accueil du jeune enfant"),
                  _("places / 100 enfants de moins de 3 ans"), Theme.PETITE_ENFANCE, 40,
                  _("Places d'accueil formel pour 100 enfants de moins de 3 ans (peut dépasser 100 là où "
                    "l'offre accueille des enfants des communes voisines), selon la CNAF.")),
    IndicatorSpec("arcep-bon-haut-debit", "arcep", _("Locaux éligibles à 8 Mbit/s ou plus (filaire)"),
                  _("% des locaux"), Theme.VIE_LOCALE, 110,
                  _("Part des logements et locaux professionnels éligibles à une offre filaire (fibre, "
                    "câble, cuivre) d'au moins 8 Mbit/s, selon l'Arcep (Ma connexion internet).")),
    IndicatorSpec("arcep-thd-30", "arcep", _("Locaux éligibles à 30 Mbit/s ou plus (filaire)"),
                  _("% des locaux"), Theme.VIE_LOCALE, 120,
                  _("Part des logements et locaux professionnels éligibles à une offre filaire d'au moins "
                    "30 Mbit/s (très haut débit), selon l'Arcep.")),
    IndicatorSpec("arcep-thd-100", "arcep", _("Locaux éligibles à 100 Mbit/s ou plus (filaire)"),
                  _("% des locaux"), Theme.VIE_LOCALE, 130,
                  _("Part des logements et locaux professionnels éligibles à une offre filaire d'au moins "
                    "100 Mbit/s, selon l'Arcep.")),
    IndicatorSpec("arcep-thd-1g", "arcep", _("Locaux éligibles à 1 Gbit/s ou plus (filaire)"),
                  _("% des locaux"), Theme.VIE_LOCALE, 140,
                  _("Part des logements et locaux professionnels éligibles à une offre filaire d'au moins "
                    "1 Gbit/s (fibre ou câble), selon l'Arcep.")),
    IndicatorSpec("dvf-prix-m2-maisons", "dvf", _("Prix médian des maisons"), _("€/m²"), Theme.VIE_LOCALE, 210,
                  _("Prix médian au m² de surface bâtie des ventes d'une seule maison (dépendances comprises), "
                    "d'après les demandes de valeurs foncières (DVF) ; publié seulement à partir d'un nombre "
                    "minimal de ventes.")),
    IndicatorSpec("dvf-prix-m2-appartements", "dvf", _("Prix médian des appartements"), _("€/m²"),
                  Theme.VIE_LOCALE, 220,
                  _("Prix médian au m² de surface bâtie des ventes d'un seul appartement (dépendances "
                    "comprises), d'après DVF ; publié seulement à partir d'un nombre minimal de ventes.")),
    IndicatorSpec("college-secteur", "carte-scolaire", _("Collège public de secteur"), "", Theme.ECOLE, 310,
                  _("Le collège public où sont affectés les élèves de la commune, là où toute la commune "
                    "relève d'un seul collège (carte scolaire).")),
    IndicatorSpec("apl-generalistes", "apl", _("Accessibilité aux médecins généralistes (APL)"),
                  _("consultations par an et par habitant"), Theme.SANTE, 410,
                  _("Accessibilité potentielle localisée (DREES) : consultations de médecins généralistes "
                    "accessibles par an et par habitant standardisé, en tenant compte des médecins des "
                    "communes voisines, du temps de trajet et de l'âge des habitants.")),
    IndicatorSpec("apl-generalistes-65", "apl", _("Accessibilité aux médecins généralistes de 65 ans ou moins (APL)"),
                  _("consultations par an et par habitant"), Theme.SANTE, 420,
                  _("Le même indicateur sans les médecins de plus de 65 ans : la série que la DREES cite et "
                    "sur laquelle repose le seuil de 2,5 consultations des zones sous-denses.")),
]
# fmt: on

INDICATORS_BY_SOURCE = {}
for _spec in INDICATORS:
    INDICATORS_BY_SOURCE.setdefault(_spec.source, []).append(_spec.slug)


def ensure_indicators(source_slug):
    """Create or refresh the catalogue entries of one source (idempotent; saved only when they differ)."""
    from communes.models import Indicator

    existing = {i.slug: i for i in Indicator.objects.filter(source_id=source_slug)}
    for spec in INDICATORS:
        if spec.source != source_slug:
            continue
        values = {
            "name": str(spec.name),
            "unit": str(spec.unit),
            "theme": spec.theme.value if hasattr(spec.theme, "value") else spec.theme,
            "order": spec.order,
            "description": str(spec.description),
            "source_id": spec.source,
        }
        indicator = existing.get(spec.slug)
        if indicator is None:
            Indicator.objects.update_or_create(slug=spec.slug, defaults=values)
        elif any(getattr(indicator, k) != v for k, v in values.items()):
            Indicator.objects.filter(pk=spec.slug).update(**values)


# --- communes ------------------------------------------------------------------------------------

# Paris, Lyon and Marseille: some publishers give their arrondissements, the registry has the commune.
ARRONDISSEMENTS = {
    **{f"751{n:02d}": "75056" for n in range(1, 21)},
    **{f"6938{n}": "69123" for n in range(1, 10)},
    **{f"132{n:02d}": "13055" for n in range(1, 17)},
}
ARRONDISSEMENT_COUNT = {"75056": 20, "69123": 9, "13055": 16}
COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def departement_of(code):
    """The département of a commune code: three characters overseas (971…), two elsewhere (2A, 10)."""
    return code[:3] if code[:2] in ("97", "98") else code[:2]


def normalize_code(value):
    """A commune code as a five-character string ('1001' from a spreadsheet → '01001'), or ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().upper()
    if text.isdigit() and len(text) < 5:
        text = text.zfill(5)
    return text


@dataclass
class CommuneRef:
    code: str
    name: str
    epci: str | None


def commune_refs(departements, batch=None):
    """Active communes of the départements: code → (name, EPCI); a source needs the registry first.

    Given a batch, its ``names`` are filled so that commune-level values name their territory.
    """
    from communes.models import Commune

    refs = {
        code: CommuneRef(code, name, epci)
        for code, name, epci in Commune.objects.filter(
            departement_id__in=departements, is_active=True
        ).values_list("code_insee", "name", "epci_id")
    }
    if not refs:
        raise SourceError(
            "aucune commune chargée pour le(s) département(s) "
            f"{', '.join(departements)} : importez d'abord la source « communes »"
        )
    if batch is not None:
        batch.names = {code: ref.name for code, ref in refs.items()}
    return refs


# --- downloads -----------------------------------------------------------------------------------


def _meta(path):
    return path.with_name(path.name + ".meta.json")


def download_verified(url, dest, *, client, verify, params=None, expect_json=False):
    """Download into a temporary name, let ``verify(path)`` refuse it, then replace ``dest``.

    ``download`` already refuses HTML pages, empty bodies and non-JSON answers; ``verify`` adds what only
    the whole file can tell (an export shorter than the count the API announced). Returns True when the
    cached file changed. A refused file never replaces the cached one.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.new")
    try:
        download(url, tmp, params=params, client=client, expect_json=expect_json)
        verify(tmp)
        changed = not dest.exists() or file_checksum(dest) != file_checksum(tmp)
        os.replace(tmp, dest)
        if _meta(tmp).exists():
            os.replace(_meta(tmp), _meta(dest))
        return changed
    finally:
        tmp.unlink(missing_ok=True)
        _meta(tmp).unlink(missing_ok=True)


# --- reading files -------------------------------------------------------------------------------


def require_columns(found, required, file_name, source):
    """Fail naming each missing column, the found columns that look closest, and the documentation."""
    missing = [c for c in required if c not in found]
    if not missing:
        return
    details = []
    for name in missing:
        close = difflib.get_close_matches(name, list(found), n=3, cutoff=0.6)
        details.append(f"« {name} »" + (f" (colonnes proches : {', '.join(close)})" if close else ""))
    raise SourceError(
        f"{file_name} : colonne(s) obligatoire(s) absente(s) : {' ; '.join(details)} — le format publié a "
        f"changé ? Colonnes trouvées : {', '.join(sorted(found)[:40])}. Documentation : {DOCUMENTATION[source]}"
    )


def check_head(head, file_name):
    """Whole-file refusals that a glance at the first bytes decides: empty, HTML error page."""
    if not head.strip(b"\xef\xbb\xbf \t\r\n"):
        raise SourceError(f"{file_name} : fichier vide")
    if looks_like_html(head):
        raise SourceError(
            f"{file_name} : le fichier est une page HTML (page d'erreur du serveur ?) et non des données"
        )


class EncodingTracker:
    """Decodes a file line by line and remembers which encoding each non-ASCII line needed.

    Hand-written because the decision must cover the whole file (not a sample): a UTF-8 file with one
    Latin-1 line, or the reverse, is refused instead of being read half right.
    """

    def __init__(self, file_name):
        self.file_name = file_name
        self.utf8 = 0
        self.legacy = 0
        self.first_utf8 = None
        self.first_legacy = None

    def decode(self, raw, line):
        if raw.isascii():
            return raw.decode("ascii")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self.legacy += 1
            self.first_legacy = self.first_legacy or line
            try:
                return raw.decode("cp1252")
            except UnicodeDecodeError:
                return raw.decode("latin-1")
        self.utf8 += 1
        self.first_utf8 = self.first_utf8 or line
        return text

    @property
    def encoding(self):
        return "cp1252" if self.legacy and not self.utf8 else "utf-8"

    def check(self):
        if self.utf8 and self.legacy:
            raise SourceError(
                f"{self.file_name} : encodages mélangés — {self.utf8} ligne(s) en UTF-8 (première : ligne "
                f"{self.first_utf8}) et {self.legacy} en Latin-1/CP1252 (première : ligne {self.first_legacy}) ; "
                "fichier refusé, les données publiées sont conservées"
            )


def open_binary(path):
    """The file's bytes (gzip-compressed or not, told apart by content) and its first bytes, checked."""
    raw = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    magic = raw.read(2)
    raw.seek(0)
    if magic == b"\x1f\x8b":
        stream = gzip.GzipFile(fileobj=raw, mode="rb")
        try:
            head = stream.peek(4096)[:4096] if hasattr(stream, "peek") else b""
        except (OSError, EOFError, zlib.error) as exc:
            raw.close()
            raise SourceError(f"{path.name} : fichier compressé illisible ou tronqué ({exc})") from exc
    else:
        stream = raw
        head = raw.peek(4096)[:4096]
    try:
        check_head(head, path.name)
    except SourceError:
        stream.close()
        raw.close()
        raise
    return stream


class CsvFile:
    """A CSV file read by header name, line by line, whatever its delimiter, compression and encoding.

    ``index[name]`` gives a column's position (names compared lower-cased, stripped of quotes and BOM);
    ``rows()`` yields ``(line number, fields)``. Rows whose field count differs from the header's are
    yielded too: the importer rejects them with the key it can still read.
    """

    def __init__(self, path, *, source, required, delimiters=(";", ",", "\t", "|")):
        self.path = path
        self.name = path.name
        self.source = source
        self._stream = open_binary(path)
        self.encoding = EncodingTracker(self.name)
        self._lines = self._decoded()
        try:
            header_line = next(self._lines, "")
        except SourceError:
            self.close()
            raise
        if not header_line.strip():
            self.close()
            raise SourceError(f"{self.name} : fichier vide (pas de ligne d'en-tête)")
        counts = {d: header_line.count(d) for d in delimiters}
        self.delimiter = max(counts, key=counts.get)
        names = next(csv.reader([header_line], delimiter=self.delimiter))
        self.header = [n.strip().strip('"').lstrip("\ufeff").strip().lower() for n in names]
        self.index = {}
        for position, name in enumerate(self.header):
            self.index.setdefault(name, position)
        try:
            require_columns(self.index, required, self.name, source)
        except SourceError:
            self.close()
            raise
        self.width = len(self.header)

    def _decoded(self):
        line = 0
        try:
            for raw in self._stream:
                line += 1
                if line == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                yield self.encoding.decode(raw, line)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise SourceError(f"{self.name} : fichier compressé tronqué ou corrompu ({exc})") from exc

    def rows(self):
        reader = csv.reader(self._lines, delimiter=self.delimiter)
        try:
            for fields in reader:
                if not fields or (len(fields) == 1 and not fields[0].strip()):
                    continue  # blank line
                yield reader.line_num, fields
        except csv.Error as exc:
            raise SourceError(f"{self.name} : CSV illisible ligne {reader.line_num} ({exc})") from exc
        self.encoding.check()

    def close(self):
        self._stream.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def load_json_records(path, source):
    """The records of a JSON export (a bare array, or ``{"results": [...]}``), whole-file checks first.

    JSON is UTF-8 by definition (RFC 8259): a file that is not valid UTF-8 is refused, never re-read as
    Latin-1 (that would publish "MÃ©decin").
    """
    data = path.read_bytes()
    check_head(data[:4096], path.name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path.name} : encodage invalide (le JSON doit être en UTF-8 ; octet {exc.start}) — fichier refusé"
        ) from exc
    try:
        records = json.loads(text)
    except ValueError as exc:
        raise SourceError(f"{path.name} n'est pas un JSON valide (fichier tronqué ?) : {exc}") from exc
    if isinstance(records, dict) and isinstance(records.get("results"), list):
        records = records["results"]
    if not isinstance(records, list):
        raise SourceError(f"{path.name} n'est pas une liste d'enregistrements JSON")
    return records


def newest(paths):
    """The most recently modified existing path among candidates, or None."""
    existing = [p for p in paths if p.exists()]
    return max(existing, key=lambda p: p.stat().st_mtime) if existing else None


# --- values --------------------------------------------------------------------------------------


def parse_number(value):
    """A finite float from a number or a French/English decimal string; None when empty; ValueError else."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        result = float(value)
    else:
        text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        if not text:
            return None
        result = float(text.replace(",", "."))
    if result != result or result in (float("inf"), float("-inf")):
        raise ValueError(value)
    return result


def share_percent(part, total):
    """``part`` in percent of ``total`` to one decimal; never 100 while some are missing, never 0 above 0."""
    if not total:
        return None
    value = round(100 * part / total, 1)
    if value >= 100 and part < total:
        return 99.9
    if value <= 0 and part > 0:
        return 0.1
    return value


# --- batch and publishing ------------------------------------------------------------------------


@dataclass
class IndicatorBatch:
    """The values read from a source's files, ready to publish, with what was rejected and why."""

    source: str
    departements: tuple
    values: dict = field(default_factory=dict)  # (commune code, indicator slug) → value tuple
    kept: set = field(default_factory=set)  # keys present in the file but invalid: last value stays
    unkeyed_rejects: int = 0  # rejected rows tied to no commune: no deactivation this run
    rejected: list = field(default_factory=list)
    rejected_count: int = 0
    total_rows: int = 0
    skipped: Counter = field(default_factory=Counter)  # rows outside the figure's definition, by reason
    checksum: str = ""
    notes: list = field(default_factory=list)
    data_vintage: str = ""
    data_date: date | None = None
    names: dict = field(default_factory=dict)  # commune code → name, for commune-level values

    def reject(self, line, reason, ref="", keys=None, rows=1):
        """Count a rejected row; ``keys`` are the values it would have fed (None: unknown)."""
        self.rejected_count += rows
        if keys is None:
            self.unkeyed_rejects += 1
        else:
            self.kept.update(keys)
        if len(self.rejected) < MAX_REJECTED_KEPT:
            self.rejected.append({"ligne": line, "ref": str(ref)[:100], "raison": reason})

    def skip(self, reason, rows=1):
        self.skipped[reason] += rows

    def put(self, commune, indicator, *, value=None, text="", count=None, level=IndicatorLevel.COMMUNE,
            territory_code="", territory_name="", place_id=None, attributes=None, vintage="", data_date=None):  # fmt: skip
        if (commune, indicator) in self.kept:
            return  # an invalid row of this commune was seen: its published value stays as it is
        if level == IndicatorLevel.COMMUNE and not territory_code:
            # The territory measured is always named, the commune itself included.
            territory_code, territory_name = commune, self.names.get(commune, "")
        self.values[(commune, indicator)] = (
            str(level),
            territory_code[:9],
            territory_name[:200],
            value,
            (text or "")[:300],
            count,
            place_id,
            json.dumps(attributes or {}, ensure_ascii=False, sort_keys=True, default=str),
            vintage[:100],
            data_date.isoformat() if data_date else None,
        )

    def finish(self):
        """Drop values whose commune also had an invalid row, and note what was skipped."""
        for key in self.kept:
            self.values.pop(key, None)
        if self.skipped:
            self.notes.append(
                "lignes hors du champ de l'indicateur : "
                + ", ".join(f"{reason} {n}" for reason, n in self.skipped.most_common())
            )
        if self.kept:
            self.notes.append(f"{len(self.kept)} valeur(s) conservée(s) telles que publiées (ligne invalide)")
        return self


FIELDS = ("level", "territory_code", "territory_name", "value", "text", "count", "place_id", "attributes",
          "vintage", "data_date", "row_hash", "is_active", "last_seen")  # fmt: skip


def check_rejected_share(batch, *, force):
    limit = rejected_share_limit(batch.source)
    total = max(batch.total_rows, 1)
    share = batch.rejected_count / total
    if force or share <= limit:
        return
    reasons = Counter(r["raison"].split(" :")[0] for r in batch.rejected)
    raise SourceError(
        f"{batch.rejected_count} ligne(s) rejetée(s) sur {batch.total_rows} ({share:.0%}), plus que le seuil de "
        f"{limit:.0%} (OSEZ_MAX_REJECTED_PER_SOURCE) : lot refusé, les données publiées sont conservées "
        f"(relancer avec --force après vérification). Raisons : "
        + "; ".join(f"{reason} ({n})" for reason, n in reasons.most_common(4))
    )


def publish_indicators(source, batch, *, force=False, progress=None):
    """Upsert the batch's values in one transaction; deactivate what vanished from a complete, valid file."""
    from communes.models import CommuneIndicator, Source

    check_rejected_share(batch, force=force)
    scope = CommuneIndicator.objects.filter(
        indicator__source=source, commune__departement_id__in=batch.departements
    )
    previous = scope.filter(is_active=True).count()
    check_batch_size(len(batch.values), previous, force=force, what="valeurs d'indicateurs")
    existing = {
        (commune, indicator): (pk, digest, active)
        for pk, commune, indicator, digest, active in scope.values_list(
            "id", "commune_id", "indicator_id", "row_hash", "is_active"
        ).iterator(chunk_size=20000)
    }
    now = timezone.now()
    result = PublishResult()
    to_create, to_update, seen = [], [], []

    def build(key, row, digest, pk=None):
        level, tcode, tname, value, text, count, place_id, attrs, vintage, data_date = row
        item = CommuneIndicator(
            commune_id=key[0], indicator_id=key[1], level=level, territory_code=tcode, territory_name=tname,
            value=value, text=text, count=count, place_id=place_id, attributes=json.loads(attrs),
            vintage=vintage, data_date=date.fromisoformat(data_date) if data_date else None,
            row_hash=digest, is_active=True, last_seen=now,
        )  # fmt: skip
        if pk is None:
            item.first_seen = now
        else:
            item.pk = pk
        return item

    with transaction.atomic():
        for key, row in batch.values.items():
            digest = row_digest(row)
            found = existing.pop(key, None)
            if found is None:
                to_create.append(build(key, row, digest))
                result.created += 1
            elif found[1] != digest or not found[2]:
                to_update.append(build(key, row, digest, found[0]))
                result.updated += 1
            else:
                seen.append(found[0])
                result.unchanged += 1
            if len(to_create) >= BATCH_SIZE:
                CommuneIndicator.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
                to_create = []
                forget_queries()
            if len(to_update) >= BATCH_SIZE:
                CommuneIndicator.objects.bulk_update(to_update, FIELDS, batch_size=BATCH_SIZE)
                to_update = []
                forget_queries()
            if len(seen) >= 20000:
                CommuneIndicator.objects.filter(pk__in=seen).update(last_seen=now)
                seen = []
            if progress:
                progress(1)
        CommuneIndicator.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        CommuneIndicator.objects.bulk_update(to_update, FIELDS, batch_size=BATCH_SIZE)
        if seen:
            CommuneIndicator.objects.filter(pk__in=seen).update(last_seen=now)
        if batch.unkeyed_rejects:
            # A rejected row we could not tie to a commune may hide any of them: deactivate nothing.
            vanished = []
            batch.notes.append("aucune valeur désactivée : des lignes rejetées ne désignaient aucune commune")
        else:
            vanished = [pk for key, (pk, _d, active) in existing.items() if active and key not in batch.kept]
        for start in range(0, len(vanished), 20000):
            result.deactivated += CommuneIndicator.objects.filter(
                pk__in=vanished[start : start + 20000]
            ).update(is_active=False)
        Source.objects.filter(pk=source.pk).update(
            data_vintage=batch.data_vintage[:100],
            data_date=batch.data_date,
            published_every=PUBLISHED_EVERY.get(source.slug),
        )
        forget_queries()
    return result
