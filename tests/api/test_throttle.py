"""Anonymous clients are throttled: past the configured rate, the API answers 429."""

import pytest

pytestmark = pytest.mark.django_db


def test_anonymous_client_past_the_rate_gets_429(client, territory, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}

    # The same question each time: answers from the shared cache and 304s count too.
    first = client.get("/api/v1/layers/")
    statuses = [
        first.status_code,
        client.get("/api/v1/layers/").status_code,
        client.get("/api/v1/layers/", headers={"if-none-match": first["ETag"]}).status_code,
        client.get("/api/v1/layers/").status_code,
    ]

    assert statuses == [200, 200, 304, 429]
    response = client.get("/api/v1/communes/")
    assert response.status_code == 429
    assert "Retry-After" in response
    assert response.json()["detail"]
