"""Every operation of the OpenAPI document, fed inputs generated from it: never a 500, always as documented."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from osez.wsgi import application

pytestmark = pytest.mark.django_db

# Read from the generator at collection time so that each operation is a test of its own
# (schemathesis' lazy fixture loader does not work with this pytest version).
_PATHS = SchemaGenerator().get_schema(request=None, public=True)["paths"]
OPERATIONS = [(method.upper(), path) for path, methods in _PATHS.items() for method in methods]


def _can_be_malformed(method, path):
    """Negative inputs exist only for a typed or query parameter (any string is a valid path segment)."""
    parameters = _PATHS[path][method.lower()].get("parameters", [])
    return any(p["in"] == "query" or p["schema"].get("type") != "string" for p in parameters)


CASES = [(m, p, GenerationMode.POSITIVE) for m, p in OPERATIONS] + [
    (m, p, GenerationMode.NEGATIVE) for m, p in OPERATIONS if _can_be_malformed(m, p)
]

HYPOTHESIS = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,  # the same inputs on every run: a CI failure reproduces locally
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def api_schema(territory, figures):
    """The document tested against odd data too: indicators without value or on the EPCI, contacts, positions.

    The real WSGI handler closes the database connection after each request, which would end the
    test's transaction (and its data) on PostgreSQL; Django's own test client unhooks it the same way.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        # Loaded through the WSGI app itself, so the document tested is the one the site serves.
        yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_operation_is_tested():
    assert len(OPERATIONS) >= 10
    assert ("GET", "/api/v1/places/geojson/") in OPERATIONS
    assert ("GET", "/api/v1/places/", GenerationMode.NEGATIVE) in CASES


@pytest.mark.parametrize(("method", "path", "mode"), CASES, ids=[f"{m} {p} {g.value}" for m, p, g in CASES])
def test_operation_conforms_to_the_schema(api_schema, method, path, mode):
    operation = api_schema[path][method]

    @HYPOTHESIS
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        # Every check but one: a value the schema allows may still name nothing we know (a layer
        # "SELECT 1"), and that is a documented 400, not a failure to accept valid data.
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    check()
