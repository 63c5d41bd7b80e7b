"""Layers in the API: theme, sources with their licence, last update, state and freshness."""

from datetime import datetime

import pytest

pytestmark = pytest.mark.django_db


def test_layer_detail_names_its_source_licence_and_freshness(client, territory):
    body = client.get("/api/v1/layers/medecins-generalistes/").json()

    assert body["theme"] == "sante"
    assert body["place_count"] == 3
    assert [s["slug"] for s in body["sources"]] == ["bpe"]
    assert body["sources"][0]["licence"] == "Licence Ouverte 2.0 (Etalab)"
    assert body["licence"] == "Licence Ouverte 2.0 (Etalab)"
    assert datetime.fromisoformat(body["last_update"]) == territory["bpe"].last_success_at
    assert body["state"] == "ok"
    assert body["is_stale"] is False


def test_a_layer_whose_source_failed_a_month_ago_is_stale_and_failed(client, territory):
    body = client.get("/api/v1/layers/ecoles-maternelles/").json()

    assert body["state"] == "failed"
    assert body["is_stale"] is True
    assert body["sources"][0]["state_label"]


def test_layer_list_is_paginated_with_attribution(client, territory):
    body = client.get("/api/v1/layers/", {"page_size": 100}).json()

    slugs = [layer["slug"] for layer in body["results"]]
    assert {"medecins-generalistes", "ecoles-maternelles"} <= set(slugs)
    assert body["count"] == len(slugs)
    assert {a["source"] for a in body["attribution"]} == {"bpe", "ecoles"}


def test_inactive_places_are_not_counted(client, territory):
    territory["doc_bar"].is_active = False
    territory["doc_bar"].save()

    assert client.get("/api/v1/layers/medecins-generalistes/").json()["place_count"] == 2


def test_unknown_layer_is_a_404(client, territory):
    assert client.get("/api/v1/layers/sorciers/").status_code == 404
