"""Headless Debian Chromium driven by Playwright against the live test server, with no external request."""

import os

import pytest

from portail import finder
from tests.portail.conftest import build_territory, clear_cache

from .tools import CHROMIUM, CHROMIUM_ARGS, only_local


@pytest.fixture(scope="module")
def chromium():
    """One browser per test module; the event loop of the sync Playwright API ends with the module.

    While it runs, Django sees an event loop in this thread and would refuse the tests' (synchronous,
    safe) ORM calls: DJANGO_ALLOW_ASYNC_UNSAFE allows them for this module only, then is restored so
    no other test runs with the check switched off.
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.route("**/*", only_local)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.base = live_server.url
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


@pytest.fixture
def site(transactional_db):
    clear_cache()
    finder.reset_index()
    data = build_territory()
    yield data
    clear_cache()
    finder.reset_index()
