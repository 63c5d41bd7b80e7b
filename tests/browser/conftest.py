"""Headless Debian Chromium driven by Playwright against the live test server, with no external request."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from portail import finder
from tests.portail.conftest import build_territory, clear_cache

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


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
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _only_local(route):
    # Map tiles and any other third-party request are refused: tests never touch the network.
    host = urlsplit(route.request.url).hostname
    if host in ("127.0.0.1", "localhost", "::1"):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.route("**/*", _only_local)
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


def serious_violations(page):
    """Runs axe-core in the page; returns its serious and critical violations, readable."""
    # page.evaluate is not subject to the page's Content Security Policy, unlike an injected <script>.
    page.evaluate(AXE.read_text())
    violations = page.evaluate(
        """() => axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary)})))"""
    )
    return [f"[{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations]
