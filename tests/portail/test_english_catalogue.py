"""The English pages say nothing in French that the site wrote itself, and the catalogue behind them is whole.

Two checks that fail for different mistakes: a French sentence left outside ``{% translate %}`` (or a
new msgid nobody translated) shows up as French words on an English page; a msgid of a public template
without an English text, or a ``.po`` edited without compiling the ``.mo`` a fresh clone uses, fails the
catalogue check.
"""

import ast
import datetime
import gettext
import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from communes.models import EPCI, Commune, Place, Source
from evenements import services as event_services
from evenements.enums import EventKind, EventStatus
from evenements.models import CONSENT_TEXT_VERSION, Event, Registration

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"

# Files whose texts visitors read on the public pages (the staff e-mail about a request is French; the events'
# staff pages, admin, figures and dossier panel are staff pages, in French).
PUBLIC_FILES = re.compile(
    r"^(templates/(base\.html|404\.html|500\.html|communes/_place_contacts\.html|portail/(?!emails/advisors))"
    r"|portail/(enums|finder|forms|maps|services|templatetags|views|models)"
    r"|evenements/(apps|enums|forms|models|services|views|templates/evenements/(?!staff/))"
    r"|communes/(catalog|contacts|enums|indicators|proximity|publication|search|sources/indicators)"
    r"|osez/cache)"
)

ENGLISH_PAGES = [
    "/en/",
    "/en/communes/",
    "/en/communes/?q=zzzzqx",
    "/en/communes/10387-troyes/",
    "/en/communes/10081-la-chapelle-saint-luc/",
    "/en/trouver/",
    "/en/trouver/?work_1=Troyes&km_1=20&ages=1,4,12&gp_km=10",
    "/en/trouver/?work_1=Chapelle&km_1=5&ages=16",
    "/en/comparer/",
    "/en/comparer/?communes=10387,10081,10003",
    "/en/fiches/",
    "/en/fiches/se-deplacer/",
    "/en/fiches/trouver-un-medecin-traitant/",
    "/en/demande/",
    "/en/demande/envoyee/",
    "/en/contact/",
    "/en/donnees/",
    "/en/confidentialite/",
    "/en/accessibilite/",
    "/en/page-inconnue/",
    "/en/evenements/",
]

# Words of French sentences that no English sentence of ours contains.
FRENCH_WORDS = [
    "vous",
    "votre",
    "vos",
    "nous",
    "notre",
    "les",
    "des",
    "une",
    "est",
    "sont",
    "pour",
    "avec",
    "dans",
    "sur",
    "pas",
    "aucun",
    "aucune",
    "habitants",
    "données",
    "rechercher",
    "fiche",
    "fiches",
    "accueil",
    "demande",
    "moins",
    "plus",
    "du",
    "au",
    "aux",
    "et",
    "ou",
    "le",
    "la",
    "je",
    "mois",
    "de",
    "ici",
]
FRENCH = re.compile(r"(?<![\w'’-])(" + "|".join(FRENCH_WORDS) + r")(?![\w'’-])", re.IGNORECASE)

# French proper names the English texts keep on purpose (institutions, official names), and the
# service's postal address (a setting, written as on an envelope).
KEPT_IN_FRENCH = [
    "Défenseur des droits",
    "direction des services départementaux de l'Éducation nationale",
    "Caisse d'allocations familiales",
    "caisse d'assurance maladie",
    "Annuaire de l'éducation",
    "Découpage administratif",
    "relais petite enfance",
    "carte scolaire",
    "carte grise",
    "Agence nationale pour l'information sur le logement",
    "Ma connexion internet",
    "Grand Est",
]


def visible_text(html):
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    # Elements marked as French on purpose (a sheet not translated yet) are not English template text.
    html = re.sub(r'<(\w+)[^>]*\blang="fr"[^>]*>.*?</\1>', " ", html, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"\bhttps?://\S+", " ", text)  # addresses (the printed page's own) are not sentences


def data_texts():
    """Names that come from the data (communes, places, sources): proper names, not our sentences."""
    names = set()
    names.update(Commune.objects.values_list("name", flat=True))
    names.update(EPCI.objects.values_list("name", flat=True))
    names.update(Place.objects.values_list("name", flat=True))
    for name, publisher in Source.objects.values_list("name", "publisher"):
        names.update((name, publisher))
    names.update((settings.OSEZ_SERVICE_ADDRESS, settings.OSEZ_SITE_NAME, *KEPT_IN_FRENCH))
    names.update((settings.OSEZ_SERVICE_EMAIL, settings.OSEZ_ADVISORS_EMAIL))
    names.update(Event.objects.values_list("place_name", flat=True))  # a hall's name, like a place's
    names.update(Event.objects.values_list("address", flat=True))
    names.update(Registration.objects.values_list("name", flat=True))
    return sorted((n for n in names if n), key=len, reverse=True)


@pytest.fixture
def event_pages(territory):
    """A published event (fictional, written in both languages as the events team does) and its English
    pages: the event with its sign-up form, and the cancel page a sign-up's e-mail links to."""
    starts = timezone.now() + datetime.timedelta(days=10)
    event = Event.objects.create(
        kind=EventKind.WELCOME_EVENING,
        status=EventStatus.PUBLISHED,
        title_fr="Soirée d'accueil (fictive)",
        title_en="Welcome evening (fictional)",
        audience_fr="Nouveaux habitants",
        audience_en="New residents",
        description_fr="Une soirée pour rencontrer l'équipe.",
        description_en="An evening to meet the team.",
        place_description_fr="Parking derrière la salle.",
        place_description_en="Parking behind the hall.",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place_name="Salle des fêtes (fictive)",
        address="1 rue de l'Exemple",
        commune=Commune.objects.get(code_insee="10387"),
        capacity=3,
    )
    registration = Registration.objects.create(
        event=event,
        name="Camille Exemple",
        email="camille@exemple.fr",
        party_size=2,
        status="inscrit",
        consent_text_version=CONSENT_TEXT_VERSION,
    )
    token = event_services.cancel_token(registration)
    return ["/en" + event.get_absolute_url(), f"/en/evenements/annuler/{token}/"]


def test_english_pages_show_no_french_sentence(client, territory, seeded_sheets, event_pages):
    names = data_texts()
    found = {}
    for path in ENGLISH_PAGES + event_pages:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert 'lang="en"' in response.content.decode()[:200], path
        text = visible_text(response.content.decode())
        for name in names:
            text = text.replace(name, " ")
        words = sorted(set(FRENCH.findall(text)))
        if words:
            found[path] = (
                words,
                [m.group(0) for m in re.finditer(r"[^.:;\n]*\b(" + "|".join(words) + r")\b[^.:;\n]*", text)][
                    :5
                ],
            )
    assert not found, found


def _po_entries(path):
    """(references, msgid, msgstr or the first plural msgstr, fuzzy, msgctxt or None) of each entry of a
    .po file."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        refs = " ".join(line[3:] for line in block.splitlines() if line.startswith("#: "))
        fields, current = {}, None
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[0\])?)\s+"(.*)"$', line)
            if match:
                current = match.group(1).replace("[0]", "")
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
            elif not line.startswith("#"):
                current = None
        if fields.get("msgid"):
            decode = lambda s: ast.literal_eval(f'"{s}"')  # noqa: E731 - a .po string is a C string
            entries.append(
                (
                    [r.rsplit(":", 1)[0] for r in refs.split()],
                    decode(fields["msgid"]),
                    decode(fields.get("msgstr", "")),
                    "#, fuzzy" in block,
                    decode(fields["msgctxt"]) if "msgctxt" in fields else None,
                )
            )
    return entries


def test_every_public_text_has_an_english_translation_compiled():
    entries = [e for e in _po_entries(LOCALE / "django.po") if any(PUBLIC_FILES.match(ref) for ref in e[0])]
    assert len(entries) > 600, "the public pages' texts are in the project catalogue"
    missing = [msgid for _refs, msgid, msgstr, fuzzy, _context in entries if not msgstr or fuzzy]
    assert not missing, f"texts of public pages with no English: {missing[:20]}"
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for _refs, msgid, msgstr, _f, context in entries
        if (compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)) != msgstr
        and "%(counter)s" not in msgid
    ]
    assert not stale, f"django.mo is older than django.po (run msgfmt): {stale[:10]}"
