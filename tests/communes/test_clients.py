"""Source clients: downloads into the raw cache, and network failures that never damage the cache or the data."""

import json

import httpx
import pytest
import respx

from communes.enums import ImportOutcome
from communes.sources.communes import client as communes_client
from communes.sources.download import file_checksum, read_meta
from communes.sources.errors import NetworkError, SourceError
from communes.sources.sport import client as sport_client

from .conftest import SAMPLES, refresh, snapshot

BASE = "https://geo.test"


@pytest.fixture
def urls(settings):
    settings.OSEZ_SOURCE_URLS = {
        "communes": BASE,
        "ecoles": "https://ecoles.test",
        "bpe": "https://bpe.test/fichier/BPE23.zip",
        "sport": "https://sport.test",
    }
    settings.OSEZ_SOURCE_TIMEOUT = 2.0
    return settings.OSEZ_SOURCE_URLS


COMMUNES_URL = f"{BASE}/departements/10/communes"
SAMPLE = (SAMPLES / "communes" / "geo-api-communes-10.json").read_bytes()


@respx.mock
def test_download_writes_file_checksum_and_validators(urls, settings):
    respx.get(COMMUNES_URL).mock(return_value=httpx.Response(200, content=SAMPLE, headers={"ETag": '"v1"'}))
    assert communes_client.fetch(["10"]) == 1
    path = communes_client.raw_file("10")
    assert path.read_bytes() == SAMPLE
    meta = read_meta(path)
    assert meta["sha256"] == file_checksum(path)
    assert meta["etag"] == '"v1"'


@respx.mock
def test_conditional_request_keeps_the_file_on_304(urls):
    route = respx.get(COMMUNES_URL)
    route.side_effect = [
        httpx.Response(200, content=SAMPLE, headers={"ETag": '"v1"'}),
        httpx.Response(304),
    ]
    communes_client.fetch(["10"])
    assert communes_client.fetch(["10"]) == 0
    assert route.calls[1].request.headers["If-None-Match"] == '"v1"'
    assert communes_client.raw_file("10").read_bytes() == SAMPLE


@pytest.mark.parametrize(
    ("response", "error", "message"),
    [
        (httpx.Response(503, text="Service Unavailable"), NetworkError, "503"),
        (httpx.ConnectTimeout("timed out"), NetworkError, "délai dépassé"),
        (httpx.ConnectError("no route"), NetworkError, "impossible"),
        (
            httpx.Response(200, text="<!DOCTYPE html><html><body>Maintenance</body></html>",
                           headers={"content-type": "text/html"}),
            SourceError, "HTML",
        ),
        (httpx.Response(200, content=b""), SourceError, "vide"),
    ],
)  # fmt: skip
@respx.mock
def test_failed_download_leaves_the_cache_untouched(urls, response, error, message):
    path = communes_client.raw_file("10")
    path.parent.mkdir(parents=True)
    path.write_bytes(SAMPLE)
    route = respx.get(COMMUNES_URL)
    if isinstance(response, Exception):
        route.side_effect = response
    else:
        route.return_value = response
    with pytest.raises(error, match=message):
        communes_client.fetch(["10"])
    assert path.read_bytes() == SAMPLE
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


@respx.mock
def test_html_served_as_json_content_type_is_still_detected(urls):
    respx.route(host="sport.test").mock(
        return_value=httpx.Response(200, text="<html><head><title>Erreur</title></head></html>")
    )
    with pytest.raises(SourceError, match="HTML"):
        sport_client.fetch(["10"])
    assert not any((sport_client.raw_file("10").parent).glob("data-es*"))


@pytest.mark.django_db
@respx.mock
def test_refresh_with_network_down_and_a_cache_uses_the_cache(urls, loaded):
    before = snapshot()
    respx.get(COMMUNES_URL).mock(side_effect=httpx.ConnectError("no route to host"))
    outcome = refresh("communes", offline=False)
    assert outcome.ok
    assert "cache" in outcome.warning
    assert outcome.record.unchanged == len(json.loads(SAMPLE))
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "response",
    [httpx.Response(500), httpx.ReadTimeout("slow"), httpx.Response(200, text="<html>erreur</html>")],
)
@respx.mock
def test_refresh_with_network_down_and_no_cache_fails_clearly(urls, loaded, response):
    (loaded / "sport" / "data-es-10.json").unlink()
    before = snapshot()
    route = respx.route(host="sport.test")
    if isinstance(response, Exception):
        route.side_effect = response
    else:
        route.return_value = response
    outcome = refresh("sport", offline=False)
    assert not outcome.ok
    assert outcome.record.outcome == ImportOutcome.FAILED
    assert "sport.test" in outcome.record.message  # why: the URL that failed, and the reason
    assert "absent du cache" in outcome.record.message
    assert snapshot() == before


@pytest.mark.django_db
@respx.mock
def test_bpe_zip_download_is_imported(urls, raw):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("BPE23.csv", (SAMPLES / "bpe" / "bpe-10.csv").read_bytes())
    respx.get(urls["bpe"]).mock(return_value=httpx.Response(200, content=buffer.getvalue()))
    (raw / "bpe" / "bpe-10.csv").unlink()
    assert refresh("communes").ok
    outcome = refresh("bpe", offline=False)
    assert outcome.ok, outcome.summary()
    assert (raw / "bpe" / "BPE23.zip").exists()
    assert outcome.record.created > 0
