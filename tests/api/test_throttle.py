"""Anonymous clients are throttled: past the configured rate, the API answers 429."""

import pytest

pytestmark = pytest.mark.django_db


def test_anonymous_client_past_the_rate_gets_429(client, territory, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}

    # Distinct queries: an answer already in the shared cache costs nothing and is not counted.
    statuses = [client.get("/api/v1/layers/", {"page_size": n}).status_code for n in range(1, 5)]

    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/communes/")
    assert response.status_code == 429
    assert "Retry-After" in response
    assert response.json()["detail"]
