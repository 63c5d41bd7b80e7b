"""Published figures that nobody can be found in: the « < 5 » rule with secondary suppression, and periods.

Every count published (page, chart, CSV) goes through ``protect()``: a count below ``THRESHOLD`` is shown
as « < 5 ». Hiding one cell is not enough when the total is shown: total minus the other cells gives it
back. So, within a table whose cells add up to its total, as long as the hidden cells could be computed
back — a single hidden cell, or hidden cells whose sum (total minus the visible ones) is itself below the
threshold — the smallest visible cell is hidden too (secondary suppression); a total below the threshold
is hidden itself. Hand-written because the few statistical-disclosure packages (sdcMicro, tau-argus) are
R or Java tools for microdata, not a rule to apply to a dozen counts in a Django view.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

THRESHOLD = 5
HIDDEN = "< 5"
# A count of 5 or more hidden only so that a small one cannot be computed back: saying « < 5 » would be
# false, so it says that it is withheld (INSEE's « secret statistique » does the same).
WITHHELD = gettext_lazy("masqué")


@dataclass(frozen=True)
class Count:
    """A published count: its value is kept for ordering and bar lengths only when it is shown."""

    value: int
    hidden: bool = False

    @property
    def shown(self):
        return None if self.hidden else self.value

    def __str__(self):
        if not self.hidden:
            return str(self.value)
        return HIDDEN if small(self.value) else str(WITHHELD)


def small(value):
    return value is not None and value < THRESHOLD


def protect(rows, total=None):
    """``rows`` [(label, count)] adding up to ``total`` (their sum when None) → ([(label, Count)], Count).

    Counts below the threshold are hidden; then cells are hidden until the hidden ones cannot be computed
    back from the total (see the module docstring).
    """
    values = [value or 0 for _label, value in rows]
    total = sum(values) if total is None else total
    hidden = [small(v) for v in values]
    total_hidden = small(total)
    if not total_hidden:
        while any(hidden):
            hidden_count = sum(hidden)
            hidden_sum = sum(v for v, h in zip(values, hidden, strict=True) if h)
            if hidden_count >= 2 and not small(hidden_sum):
                break
            visible = [(v, i) for i, (v, h) in enumerate(zip(values, hidden, strict=True)) if not h]
            if not visible:
                # Every cell hidden and still computable (their sum is the total): hide the total too.
                total_hidden = small(hidden_sum) or hidden_count < 2
                break
            hidden[min(visible)[1]] = True
    cells = [(label, Count(v, h)) for (label, _v), v, h in zip(rows, values, hidden, strict=True)]
    return cells, Count(total, total_hidden)


def protect_one(value):
    """A count published alone (no total beside it)."""
    return Count(value or 0, small(value or 0))


def share(part, whole):
    """A percentage of ``part`` in ``whole``, or None when it would reveal a small count (or either side)."""
    if not whole or small(part) or small(whole) or small(whole - part):
        return None
    return round(100 * part / whole)


# --- Periods ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: datetime.date | None
    end: datetime.date


PERIOD_LABELS = {
    "12m": gettext_lazy("12 derniers mois"),
    "annee": gettext_lazy("Cette année"),
    "annee-1": gettext_lazy("L'année dernière"),
    "tout": gettext_lazy("Depuis l'ouverture du service"),
}


def period(key, today=None):
    """The period named ``key`` (an unknown key is « tout »: the page never fails on a typed URL)."""
    today = today or timezone.localdate()
    if key == "12m":
        start = datetime.date(today.year - 1, today.month, 1)
        return Period(key, str(PERIOD_LABELS[key]), start, today)
    if key == "annee":
        return Period(key, str(PERIOD_LABELS[key]), datetime.date(today.year, 1, 1), today)
    if key == "annee-1":
        year = today.year - 1
        return Period(key, str(PERIOD_LABELS[key]), datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    return Period("tout", str(PERIOD_LABELS["tout"]), None, today)


def period_from_request(request, today=None):
    return period(request.GET.get("periode", "tout"), today=today)


def period_choices(current):
    return [(key, str(label), key == current.key) for key, label in PERIOD_LABELS.items()]


def csv_value(cell):
    """What a CSV cell says for a Count, a number or nothing."""
    if isinstance(cell, Count):
        return str(cell)
    return "" if cell is None else cell


def hidden_note():
    return _(
        "« < 5 » : moins de 5 personnes ; d'autres cases sont masquées pour que ce nombre ne se déduise pas du total."
    )
