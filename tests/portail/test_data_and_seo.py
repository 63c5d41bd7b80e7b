"""The data page (sources, licences, freshness, downloads), sitemap, meta description and canonical URLs."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_data_page_lists_sources_state_and_download_links(client, territory):
    source = territory["source"]
    source.last_success_at = timezone.now() - timedelta(days=800)
    source.save()
    html = client.get("/donnees/").content.decode()
    assert "Base permanente des équipements" in html and "INSEE" in html
    assert "Licence Ouverte 2.0 (Etalab)" in html
    assert "à actualiser" in html
    assert 'href="/api/v1/downloads/communes.csv"' in html
    assert 'href="/api/v1/downloads/colleges.csv"' in html
    assert 'href="/api/v1/downloads/colleges.geojson"' in html


def test_a_fresh_source_is_up_to_date(client, territory):
    html = client.get("/donnees/").content.decode()
    row = re.search(
        r"<tr>(?:(?!</tr>).)*Base permanente des équipements(?:(?!</tr>).)*</tr>", html, re.S
    ).group(0)
    assert '<span class="badge">à jour</span>' in row


def test_sitemap_lists_pages_communes_and_sheets(client, territory, seeded_sheets):
    xml = client.get("/sitemap.xml").content.decode()
    for path in ("/trouver/", "/communes/10387-troyes/", "/fiches/se-deplacer/", "/donnees/"):
        assert f"<loc>http://testserver{path}</loc>" in xml


@pytest.mark.parametrize(
    "url", ["/", "/communes/", "/communes/10387-troyes/", "/trouver/", "/fiches/", "/fiches/se-deplacer/",
            "/demande/", "/donnees/", "/confidentialite/", "/accessibilite/", "/comparer/?communes=10387,10081"],
)  # fmt: skip
def test_every_page_has_a_description_and_a_canonical_url(client, territory, seeded_sheets, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    description = html.split('<meta name="description" content="')[1].split('"')[0]
    assert len(description) > 40
    canonical = html.split('<link rel="canonical" href="')[1].split('"')[0]
    assert canonical == "http://testserver" + url.split("?")[0]


def test_commune_descriptions_differ(client, territory):
    def description(url):
        return client.get(url).content.decode().split('<meta name="description" content="')[1].split('"')[0]

    assert description("/communes/10387-troyes/") != description("/communes/10081-la-chapelle-saint-luc/")
    assert "Troyes" in description("/communes/10387-troyes/")


def test_footer_links_privacy_and_accessibility(client, territory):
    html = client.get("/").content.decode()
    assert 'href="/confidentialite/"' in html and 'href="/accessibilite/"' in html
    assert client.get("/confidentialite/").status_code == 200
    assert "partiellement conforme" in client.get("/accessibilite/").content.decode()
