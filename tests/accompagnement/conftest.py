"""Fixtures the dossier tests share."""

import pytest

from tests.browser.tools import local_page
from tests.factories import UserFactory


@pytest.fixture
def browser_page(monkeypatch):
    """A page of headless Chromium for a whole test. monkeypatch restores DJANGO_ALLOW_ASYNC_UNSAFE
    afterwards: left set, it would fail later deploy checks."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with local_page() as page:
        yield page


@pytest.fixture
def advisor():
    """An installation advisor (a test that needs a named one declares its own)."""
    return UserFactory(roles=["installation advisor"])
