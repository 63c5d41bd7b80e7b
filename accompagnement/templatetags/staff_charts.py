"""Server-rendered bar charts for the figures pages: no JavaScript and no inline style (the CSP forbids
it). Each chart is a table — label, bar, value — so a long label wraps on as many lines as it needs and is
never clipped; each bar is a one-rectangle SVG whose width is an attribute. A hidden count (« < 5 ») draws
no bar: its length would tell the number."""

from django import template

from osez.figures import Count

register = template.Library()


@register.inclusion_tag("accompagnement/includes/bar_chart.html")
def bar_chart(rows, title, chart_id, total=None):
    """``rows`` is a list of (label, value) pairs; a value is a Count, a number or None (shown as "—")."""
    numbers = []
    for _label, value in rows:
        shown = value.shown if isinstance(value, Count) else value
        numbers.append(shown if isinstance(shown, int | float) else None)
    top = max([n for n in numbers if n is not None], default=0)
    bars = []
    for (label, value), number in zip(rows, numbers, strict=True):
        bars.append(
            {
                "label": str(label),
                "display": "—" if value is None else str(value),
                "hidden": isinstance(value, Count) and value.hidden,
                # Per mille of the longest bar, so that the SVG's viewBox is 0..1000.
                "width": round(1000 * number / top) if top and number else 0,
            }
        )
    return {"title": title, "chart_id": chart_id, "bars": bars, "total": total}
