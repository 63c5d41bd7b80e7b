"""Template helpers of the public site: accessible form fields and French number formatting."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def with_aria(bound_field):
    """Renders a field's widget tied to its help text and errors (aria-describedby, aria-invalid)."""
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}_help")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}_error")
    attrs = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    if bound_field.field.required and not getattr(bound_field.field.widget, "allow_multiple_selected", False):
        attrs["required"] = True
    return bound_field.as_widget(attrs=attrs)


@register.filter
def km(value):
    """12.34 → "12 km", 0.4 → "moins de 1 km", None → "—"."""
    if value is None:
        return "—"
    if value < 1:
        return _("moins de 1 km")
    return _("%(km)s km") % {"km": number_format(round(value), use_l10n=True, force_grouping=True)}


@register.filter
def decimal1(value):
    if value is None:
        return "—"
    return number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)


@register.filter
def integer(value):
    if value is None:
        return "—"
    return number_format(round(value), use_l10n=True, force_grouping=True)


@register.filter
def km2_from_ha(value):
    """Hectares → "12,3 km²"."""
    if not value:
        return "—"
    return f"{number_format(value / 100, decimal_pos=1, use_l10n=True, force_grouping=True)} km²"
