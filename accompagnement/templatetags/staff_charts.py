"""Server-rendered SVG bar charts for the figures page: no JavaScript and no inline style (the CSP
forbids it), so bar widths are SVG attributes; each chart comes with the same numbers as a table."""

from django import template

register = template.Library()

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 270
CHART_WIDTH = 680


@register.inclusion_tag("accompagnement/includes/bar_chart.html")
def bar_chart(rows, title, chart_id):
    """``rows`` is a list of (label, value) pairs; values may be None (shown as "—")."""
    values = [v for _label, v in rows if isinstance(v, int | float)]
    top = max(values) if values else 0
    usable = CHART_WIDTH - LABEL_WIDTH - 60
    bars = []
    for index, (label, value) in enumerate(rows):
        width = round(usable * value / top) if top and isinstance(value, int | float) else 0
        y = index * (BAR_HEIGHT + GAP)
        bars.append(
            {
                "label": str(label),
                "value": value,
                "width": max(width, 1 if value else 0),
                "y": y,
                "text_y": y + round(BAR_HEIGHT * 0.7),
                "value_x": LABEL_WIDTH + width + 6,
            }
        )
    return {
        "title": title,
        "chart_id": chart_id,
        "bars": bars,
        "height": max(len(rows), 1) * (BAR_HEIGHT + GAP),
        "width": CHART_WIDTH,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "label_x": LABEL_WIDTH - 8,
    }
