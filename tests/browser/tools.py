"""What every browser test shares: Debian's Chromium with no network but this machine, and axe-core.

``axe_violations()`` and ``serious_violations()`` fail the test when axe-core is missing: an
accessibility assertion that checks nothing must not pass (``make test`` installs axe-core from npm).
"""

from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def only_local(route):
    """Map tiles and any other third-party request are refused: tests never touch the network."""
    if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost", "::1"):
        route.continue_()
    else:
        route.abort()


@contextmanager
def local_page(**options):
    """A page of a fresh headless Chromium (French, third-party requests refused, 15 s timeouts), closed
    afterwards. The caller sets DJANGO_ALLOW_ASYNC_UNSAFE: Playwright's sync API runs an event loop in
    this thread, and the test's ORM calls are safe there."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="fr-FR", **options)
        page.route("**/*", only_local)
        page.set_default_timeout(15000)
        yield page
        browser.close()


def load_axe(page, axe=None):
    """Put axe-core in the page, or fail the test saying how to install it."""
    axe = Path(axe or AXE)
    if not axe.is_file():
        pytest.fail(f"axe-core is missing ({axe}): `make test` installs it (npm install)", pytrace=False)
    # Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) stays on.
    page.evaluate(axe.read_text())


def axe_violations(page, include="#content", axe=None):
    """WCAG 2.1 A/AA violations inside ``include``, one readable line each."""
    load_axe(page, axe)
    return page.evaluate(
        """async ([include, tags]) => (await axe.run({include: [[include]]}, {runOnly: tags}))
            .violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))""",
        [include, WCAG_AA],
    )


def serious_violations(page, axe=None):
    """axe-core's serious and critical violations over the whole page, readable."""
    load_axe(page, axe)
    violations = page.evaluate(
        """() => axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary)})))"""
    )
    return [f"[{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations]
