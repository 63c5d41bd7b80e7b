"""Every public page in French (unprefixed) and in English (/en/…), and the rules that keep them apart.

The language comes from the URL alone: an unprefixed page is French whatever the browser asks for (the
page cache and the proxy share it between visitors), staff pages stay French, the API is not prefixed.
"""

import re
from urllib.parse import unquote

import pytest
from django.core import mail
from django.test import Client

from osez.cache import bump_data_generation
from portail.models import Sheet, SheetTheme
from tests.helpers import clear_worker_cache

pytestmark = pytest.mark.django_db

# (French path, a text of the French page, a text of the English page)
PAGES = [
    ("/", "Nous vous accompagnons.", "We will support you."),
    ("/communes/", "Les communes du territoire", "The communes of the territory"),
    ("/communes/?q=zzzzqx", "Aucune commune ne correspond.", "No commune matches."),
    ("/communes/10387-troyes/", "Chiffres clés", "Key figures"),
    ("/trouver/", "Où travaillerez-vous ?", "Where will you work?"),
    ("/trouver/?work_1=Troyes&km_1=20&ages=4", "Classement :", "Ranking:"),
    ("/comparer/?communes=10387,10081", "Changer les communes comparées", "Change the communes compared"),
    ("/fiches/", "Fiches pratiques", "Practical sheets"),
    ("/fiches/se-deplacer/", "Les transports en commun", "Public transport"),
    ("/demande/", "Envoyer ma demande", "Send my request"),
    ("/demande/envoyee/", "Votre demande est bien envoyée", "Your request has been sent"),
    ("/contact/", "Adresse postale", "Postal address"),
    ("/donnees/", "Les données du site", "The site's data"),
    ("/confidentialite/", "Vos données personnelles", "Your personal data"),
    ("/accessibilite/", "État de conformité", "Compliance status"),
    ("/evenements/", "Rencontres et événements", "Meetings and events"),
]


def english(path):
    return "/en" + path


def unquote_all(links):
    return {code: unquote(url) for code, url in links.items()}


def html_lang(html):
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', html))


@pytest.mark.parametrize(("path", "french", "english_text"), PAGES)
def test_every_public_page_exists_in_both_languages(
    client, territory, seeded_sheets, path, french, english_text
):
    fr = client.get(path)
    en = client.get(english(path))
    assert fr.status_code == en.status_code == 200
    fr_html, en_html = fr.content.decode(), en.content.decode()
    assert html_lang(fr_html) == "fr" and html_lang(en_html) == "en"
    assert french in fr_html and english_text in en_html
    assert english_text not in fr_html and french not in en_html
    assert fr["Content-Language"] == "fr" and en["Content-Language"] == "en"
    # Both pages name both versions, and French as the default for other languages.
    expected = {
        "fr": "http://testserver" + path.replace("&", "&amp;"),
        "en": "http://testserver" + english(path).replace("&", "&amp;"),
    }
    expected["x-default"] = expected["fr"]
    assert unquote_all(alternates(fr_html)) == expected == unquote_all(alternates(en_html))
    # The switcher links to the same page in the other language, saying which language it is in.
    assert f'<a href="{english(path)}' in unquote(fr_html.replace("&amp;", "&"))
    assert re.search(r'<a href="/en/[^"]*" lang="en" hreflang="en">English</a>', fr_html)
    assert re.search(r'<a href="[^"]*" lang="fr" hreflang="fr">Français</a>', en_html)


def test_links_of_an_english_page_stay_in_english(client, territory, seeded_sheets):
    html = client.get("/en/communes/10387-troyes/").content.decode()
    assert (
        'href="/en/communes/"' in html
        and 'href="/en/trouver/"' in html
        and 'href="/en/demande/?communes=10387"' in html
    )
    # Catalogue names, units and sentences of the commune page are translated.
    assert "Nurseries (crèches)" in html and "Within 5 km" in html and "How we count:" in html


def test_the_switcher_keeps_only_the_parameters_the_page_reads(client, territory):
    html = client.get("/trouver/?work_1=Troyes&km_1=20&utm_source=newsletter&zz=1").content.decode()
    link = re.search(r'<a href="([^"]+)" lang="en" hreflang="en">', html).group(1).replace("&amp;", "&")
    assert link == "/en/trouver/?work_1=Troyes&km_1=20"


def test_numbers_and_dates_follow_the_language(client, territory):
    fr = client.get("/communes/10387-troyes/").content.decode()
    en = client.get("/en/communes/10387-troyes/").content.decode()
    assert "61\N{NO-BREAK SPACE}652" in fr or "61 652" in fr
    assert "61,652" in en


@pytest.mark.parametrize("header", [{"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}, {}])
def test_an_unprefixed_page_is_french_whatever_the_browser_says(territory, settings, header):
    client = Client(**header)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/communes/")
    html = response.content.decode()
    assert html_lang(html) == "fr" and "Les communes du territoire" in html
    # The answer does not vary with the browser's language: a shared cache keeps one copy.
    assert "accept-language" not in response.get("Vary", "").lower()


def test_the_page_cache_keeps_one_entry_per_language_and_never_mixes_them(territory):
    clear_worker_cache()
    browser_in_english = Client(HTTP_ACCEPT_LANGUAGE="en")
    first = browser_in_english.get("/communes/10387-troyes/")
    assert first["X-Cache"] == "MISS" and html_lang(first.content.decode()) == "fr"
    again = Client(HTTP_ACCEPT_LANGUAGE="en").get("/communes/10387-troyes/")
    assert again["X-Cache"] == "HIT" and html_lang(again.content.decode()) == "fr"
    english_page = Client(HTTP_ACCEPT_LANGUAGE="fr").get("/en/communes/10387-troyes/")
    assert english_page["X-Cache"] == "MISS", "the French entry is never served for the English URL"
    assert html_lang(english_page.content.decode()) == "en"
    english_again = Client().get("/en/communes/10387-troyes/")
    assert english_again["X-Cache"] == "HIT" and html_lang(english_again.content.decode()) == "en"


def test_a_data_refresh_clears_both_languages(territory):
    clear_worker_cache()
    client = Client()
    for path in ("/communes/10387-troyes/", "/en/communes/10387-troyes/"):
        client.get(path)
        assert client.get(path)["X-Cache"] == "HIT"
    bump_data_generation("test: a refresh")
    for path in ("/communes/10387-troyes/", "/en/communes/10387-troyes/"):
        assert client.get(path)["X-Cache"] == "MISS"


def test_staff_pages_stay_french_and_are_not_prefixed(client):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/admin/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="fr"' in html and "Connexion" in html
    assert client.get("/en/admin/login/").status_code == 404


def test_the_api_is_not_prefixed(client, territory):
    assert client.get("/api/v1/communes/10387/").status_code == 200
    assert client.get("/en/api/v1/communes/10387/").status_code == 404


def test_an_unknown_english_page_is_an_english_404(client):
    response = client.get("/en/page-qui-n-existe-pas/")
    assert response.status_code == 404
    html = response.content.decode()
    assert html_lang(html) == "en" and "This page does not exist" in html


@pytest.mark.parametrize("path", ["/de/communes/", "/de/", "/zz-qq/fiches/"])
def test_another_language_prefix_is_a_french_404_not_a_crash(client, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert html_lang(html) == "fr" and "Cette page n'existe pas" in html


@pytest.mark.parametrize("path", ["/en-gb/communes/", "/EN/communes/"])
def test_a_variant_of_the_english_prefix_is_an_english_404(client, path):
    # Django reads "en-gb" and "EN" as English, but only "/en/" is an address of the site.
    response = client.get(path)
    assert response.status_code == 404
    assert html_lang(response.content.decode()) == "en"


def test_an_unknown_commune_in_english(client, territory):
    response = client.get("/en/communes/troie/")
    assert response.status_code in (200, 404)
    assert html_lang(response.content.decode()) == "en"


def test_a_sheet_without_english_shows_its_french_text_with_a_notice(client):
    Sheet.objects.create(
        title="Venir à vélo (fiche de test)",
        slug="venir-a-velo",
        theme=SheetTheme.values[0],
        summary="Les pistes cyclables du département.",
        body="## Les pistes\n\nDes pistes longent le canal.",
        is_published=True,
    )
    response = client.get("/en/fiches/venir-a-velo/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "This sheet has not been translated yet: here is its French text." in html
    assert '<h1 lang="fr">Venir à vélo (fiche de test)</h1>' in html
    assert "Des pistes longent le canal." in html
    assert html_lang(html) == "en" and "Your contact at the welcome service" in html
    # No English version to point search engines to; the French one stays.
    assert set(alternates(html)) == {"fr", "x-default"}
    listing = client.get("/en/fiches/").content.decode()
    assert 'lang="fr">Venir à vélo (fiche de test)</a>' in listing and "in French" in listing
    # The French page has no notice, and does not announce an English version either (its switcher
    # still leads to the English page, which shows the French text).
    french = client.get("/fiches/venir-a-velo/").content.decode()
    assert "pas encore traduite" not in french
    assert (
        'hreflang="en"' not in french and '<a href="/en/fiches/venir-a-velo/" lang="en">English</a>' in french
    )


def test_a_translated_sheet_in_english(client, seeded_sheets):
    html = client.get("/en/fiches/trouver-un-medecin-traitant/").content.decode()
    assert "<h1>Finding a family doctor</h1>" in html and "In an emergency, call 15." in html
    assert "not been translated" not in html
    assert set(alternates(html)) == {"fr", "en", "x-default"}


def test_the_sitemap_lists_both_languages(client, territory, seeded_sheets):
    xml = client.get("/sitemap.xml").content.decode()
    for path in ("/communes/10387-troyes/", "/fiches/se-deplacer/", "/trouver/", "/donnees/"):
        assert f"<loc>http://testserver{path}</loc>" in xml
        assert f"<loc>http://testserver/en{path}</loc>" in xml
        assert f'hreflang="en" href="http://testserver/en{path}"' in xml
    assert 'hreflang="x-default"' in xml
    # One sitemap, at the unprefixed address, linked from the English pages too.
    assert client.get("/en/sitemap.xml").status_code == 404
    assert '<a href="/sitemap.xml">' in client.get("/en/").content.decode()


def test_the_sitemap_leaves_out_the_english_of_an_untranslated_sheet(client):
    Sheet.objects.create(
        title="Venir à vélo", slug="venir-a-velo", theme=SheetTheme.values[0], summary="s", body="b",
        is_published=True,
    )  # fmt: skip
    xml = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/fiches/venir-a-velo/</loc>" in xml
    assert "/en/fiches/venir-a-velo/" not in xml


def test_a_request_in_english_confirms_in_english_and_reaches_staff_in_french(
    client, territory, settings, django_capture_on_commit_callbacks
):
    settings.OSEZ_ADVISORS_EMAIL = "accueil@example.org"
    page = client.get("/en/demande/").content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/demande/",
            {
                "submission_key": key,
                "first_name": "Alex",
                "last_name": "Exemple",
                "email": "alex@example.org",
                "contact_preference": "email",
                "adults": "2",
                "origin": "Leeds",
                "needs": ["logement"],
                "arrival_horizon": "6m",
                "consent": "on",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].startswith("/en/demande/envoyee/")
    done = client.get(response["Location"]).content.decode()
    assert "Your request has been sent" in done
    family = {m.subject.split(" (")[0]: m for m in mail.outbox if m.to == ["alex@example.org"]}
    assert "Hello Alex," in family["We have received your request"].body
    # The family-space link goes in the family's language too.
    assert "Your link to enter your family space" in family
    # The dossier tells advisors the family wrote in English.
    from accompagnement.models import Household, StageTransition

    household = Household.objects.get(support_request__email="alex@example.org")
    assert household.support_request.language == "en"
    reasons = StageTransition.objects.filter(household=household).values_list("reason", flat=True)
    assert any("en anglais" in reason for reason in reasons)
    staff = [m for m in mail.outbox if m.to != ["alex@example.org"]]
    assert staff and all("demande" in m.subject.lower() or "dossier" in m.subject.lower() for m in staff)


def test_form_errors_are_in_the_page_language(client, territory):
    html = client.post("/en/demande/", {"email": "pas-une-adresse"}).content.decode()
    assert "Give your first name." in html and "The email address is not valid" in html
    assert "Indiquez votre prénom." not in html


def test_the_catalogue_stores_its_french_names_whatever_language_is_active():
    from django.utils import translation

    from communes.catalog import ensure_catalog
    from communes.models import Layer

    Layer.objects.filter(slug="creches").update(name="à refaire")
    with translation.override("en"):
        ensure_catalog()
        layer = Layer.objects.get(slug="creches")
        assert layer.name == "Crèches" and layer.label == "Nurseries (crèches)"


@pytest.mark.parametrize(
    ("language", "text"), [("fr", "Une erreur est survenue"), ("en", "Something went wrong")]
)
def test_the_500_page_speaks_the_language_of_the_address(rf, language, text):
    from django.utils import translation

    from osez.views import error_500

    path = "/en/communes/" if language == "en" else "/communes/"
    with translation.override(language):  # as the language middleware left it before the error
        response = error_500(rf.get(path))
    html = response.content.decode()
    assert response.status_code == 500
    assert html_lang(html) == language and text in html


def test_staff_write_the_english_text_in_the_admin_and_the_english_page_shows_it(client):
    from django.contrib.auth.models import User

    sheet = Sheet.objects.create(
        title="Venir à vélo", slug="venir-a-velo", theme="mobilite", summary="Les pistes.", body="Du texte.",
        is_published=True,
    )  # fmt: skip
    client.force_login(User.objects.create_superuser("admin-traduction", password="x"))
    url = f"/admin/portail/sheet/{sheet.pk}/change/"
    form = client.get(url).content.decode()
    for field in ("title_fr", "title_en", "summary_fr", "summary_en", "body_fr", "body_en"):
        assert f'name="{field}"' in form, field
    response = client.post(
        url,
        {
            "title_fr": "Venir à vélo", "title_en": "Cycling here", "slug": "venir-a-velo", "theme": "mobilite",
            "summary_fr": "Les pistes.", "summary_en": "The cycle paths.", "body_fr": "Du texte.",
            "body_en": "Some text.", "order": "3", "is_published": "on",
            "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
            "attachments-MIN_NUM_FORMS": "0", "attachments-MAX_NUM_FORMS": "1000",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    # Staff preview the English page from the admin before or after publishing.
    assert f'href="/en/fiches/apercu/{sheet.pk}/"' in client.get(url).content.decode()
    preview = client.get(f"/en/fiches/apercu/{sheet.pk}/").content.decode()
    assert "<h1>Cycling here</h1>" in preview
    client.logout()
    html = client.get("/en/fiches/venir-a-velo/").content.decode()
    assert "<h1>Cycling here</h1>" in html and "Some text." in html and "not been translated" not in html
    french = client.get("/fiches/venir-a-velo/").content.decode()
    assert "<h1>Venir à vélo</h1>" in french and "Du texte." in french


def test_the_map_credits_its_tiles_in_the_page_language(client, territory):
    import json

    def credit(path):
        html = client.get(path).content.decode()
        options = json.loads(
            re.search(r'<script id="map-options" type="application/json">(.*?)</script>', html).group(1)
        )
        return options["layers"][0][2]["attribution"]

    assert credit("/communes/10387-troyes/") == "&copy; contributeurs OpenStreetMap"
    assert credit("/en/communes/10387-troyes/") == "&copy; OpenStreetMap contributors"


def test_the_public_rate_limit_answers_in_the_language_of_the_address(territory, settings):
    settings.OSEZ_PUBLIC_PAGE_RATE = "2/m"
    clear_worker_cache()
    client = Client(REMOTE_ADDR="192.0.2.77")
    client.get("/fiches/")
    client.get("/fiches/")
    french, english = client.get("/fiches/"), client.get("/en/fiches/")
    assert french.status_code == english.status_code == 429
    assert html_lang(french.content.decode()) == "fr" and "Trop de demandes" in french.content.decode()
    assert html_lang(english.content.decode()) == "en" and "Too many requests" in english.content.decode()


def test_campaign_parameters_never_multiply_english_entries(territory):
    clear_worker_cache()
    answers = [
        Client().get(f"/en/communes/10387-troyes/?utm_source=news{n}&zz={n}")["X-Cache"] for n in range(6)
    ]
    assert answers == ["MISS"] + ["HIT"] * 5, "one English entry serves every campaign variant"
