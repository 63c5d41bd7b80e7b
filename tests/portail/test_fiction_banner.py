"""While fictional demonstration data are published, every public page says so; once real data are
published the banner goes, cached pages included, and /donnees/ names the fictional layers."""

import re

import pytest

from communes.enums import ImportOutcome
from communes.models import ImportRecord, Source
from osez.cache import data_generation
from portail.models import Sheet
from tests.factories import record_publication

pytestmark = pytest.mark.django_db

BANNER = "Données fictives de démonstration."
PUBLIC_PAGES = [
    "/", "/communes/", "/communes/?q=troy", "/communes/10081-la-chapelle-saint-luc/", "/trouver/",
    "/trouver/?work_1=Troyes&km_1=30", "/comparer/?communes=10387,10081", "/fiches/", "/fiches/fiche-demo/",
    "/demande/", "/donnees/", "/confidentialite/", "/accessibilite/", "/communes/troye/", "/page-inconnue/",
]  # fmt: skip


def publish(source, *, fictional):
    return record_publication(source, fictional=fictional)


@pytest.fixture
def sheet(territory):
    return Sheet.objects.create(
        title="Fiche démo", slug="fiche-demo", theme="logement", summary="Un résumé.", body="Texte.",
        is_published=True,
    )  # fmt: skip


def test_no_banner_while_every_published_source_is_real(client, territory):
    publish(territory["source"], fictional=False)
    for url in ("/", "/communes/10081-la-chapelle-saint-luc/", "/donnees/"):
        assert BANNER not in client.get(url).content.decode(), url
    assert "Aucune couche fictive n'est publiée" in client.get("/donnees/").content.decode()


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_shows_the_banner_while_a_fictional_layer_is_published(
    client, territory, sheet, url
):
    publish(territory["source"], fictional=True)
    html = client.get(url).content.decode()
    banner = re.search(r'<div class="fiction-banner"[^>]*>(.*?)</div>\s*</div>', html, re.S)
    assert banner, url
    assert BANNER in banner[1]
    assert "ils ne décrivent pas le territoire réel" in banner[1]
    assert 'href="/donnees/#donnees-fictives"' in banner[1]
    # Inside the page's banner landmark, before the content: read first by a screen reader.
    assert html.index('class="fiction-banner"') < html.index("</header>") < html.index('<main id="contenu"')


def test_donnees_names_the_fictional_layers_and_sources(client, territory):
    publish(territory["source"], fictional=True)
    real = Source.objects.create(
        slug="ecoles-reelles",
        name="Annuaire réel",
        publisher="MEN",
        expected_every=territory["source"].expected_every,
    )
    publish(real, fictional=False)
    html = client.get("/donnees/").content.decode()
    section = html.split('id="donnees-fictives"')[1].split("<h2")[0]
    for name in ("Écoles maternelles", "Collèges", "Pharmacies", "Football"):
        assert name in section
    assert "Base permanente des équipements" in section
    row = re.search(r"<tr>(?:(?!</tr>).)*Annuaire réel(?:(?!</tr>).)*</tr>", html, re.S)[0]
    assert "données fictives" not in row
    bpe_row = re.search(r"<tr>\s*<th scope=\"row\">[^<]*<a[^>]*>Base permanente(?:(?!</tr>).)*</tr>|"
                        r"<tr>\s*<th scope=\"row\">Base permanente(?:(?!</tr>).)*</tr>", html, re.S)[0]  # fmt: skip
    assert "données fictives" in bpe_row


def test_publishing_real_data_removes_the_banner_from_cached_pages(client, territory):
    url = "/communes/10081-la-chapelle-saint-luc/"
    publish(territory["source"], fictional=True)
    first = client.get(url)
    assert BANNER in first.content.decode() and first["X-Cache"] == "MISS"
    again = client.get(url)
    assert again["X-Cache"] == "HIT" and BANNER in again.content.decode()

    generation = data_generation()
    publish(territory["source"], fictional=False)  # the nightly refresh loads the real source
    assert data_generation() > generation, "publishing must bump the shared data generation"
    for page in (url, "/", "/donnees/"):
        response = client.get(page)
        assert BANNER not in response.content.decode(), page
    assert "Aucune couche fictive n'est publiée" in client.get("/donnees/").content.decode()


def test_a_flag_flipped_by_a_bulk_update_alone_reaches_cached_pages(client, territory):
    """A bulk ``update()`` sends no signal: the Source queryset invalidates the public cache itself."""
    url = "/communes/10081-la-chapelle-saint-luc/"
    publish(territory["source"], fictional=True)
    assert client.get(url)["X-Cache"] == "MISS" and client.get(url)["X-Cache"] == "HIT"
    generation = data_generation()
    Source.objects.filter(pk=territory["source"].pk).update(is_fictional=False)
    assert data_generation() > generation
    response = client.get(url)
    assert response["X-Cache"] == "MISS" and BANNER not in response.content.decode()
    # Bookkeeping of a running refresh invalidates too: the API shows the sources' state, and serves its
    # answers from the shared cache for as long as the generation stays the same (osez.cache).
    generation = data_generation()
    Source.objects.filter(pk=territory["source"].pk).update(state="running")
    assert data_generation() > generation


def test_a_failed_refresh_keeps_the_banner(client, territory):
    publish(territory["source"], fictional=True)
    ImportRecord.objects.create(source=territory["source"], outcome=ImportOutcome.FAILED)
    assert BANNER in client.get("/").content.decode()
