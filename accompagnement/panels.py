"""Panels that other apps add to the dossier page.

The import layers forbid ``accompagnement`` from importing the apps built on it (``emploi_conjoint``,
the family space…), yet an advisor must see, in the dossier, what those apps know about the household
(the spouse's job-search stage, the family's checklist ticks…). Each app registers a panel at start-up
(``AppConfig.ready``); the dossier page renders the registered panels in order. Django has no registry
for this, hence this small one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

_PANELS: list[DossierPanel] = []


@dataclass(frozen=True)
class DossierPanel:
    key: str
    template: str
    # (request, household) -> dict for the template, or None to hide the panel for this user/dossier
    context: Callable
    order: int = 100


def register_dossier_panel(key: str, template: str, context: Callable, order: int = 100) -> None:
    """Register a panel shown on the dossier page (registering the same key again replaces it)."""
    global _PANELS
    _PANELS = [p for p in _PANELS if p.key != key] + [DossierPanel(key, template, context, order)]


def dossier_panels(request, household) -> list[tuple[str, dict]]:
    """The panels this user sees on this dossier, as (template name, context) pairs, in order."""
    shown = []
    for panel in sorted(_PANELS, key=lambda p: (p.order, p.key)):
        ctx = panel.context(request, household)
        if ctx is not None:
            shown.append((panel.template, ctx))
    return shown
