"""Template helpers of the public site: accessible form fields, French number formatting, and the banner
that says when fictional demonstration data are published."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from communes.publication import is_fictional

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
def distance(value):
    """A proximity distance as stored and counted (communes.proximity): 10.4 → "10,4 km", None → "—"."""
    if value is None:
        return "—"
    return _("%(km)s km") % {"km": number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)}


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


@register.inclusion_tag("portail/_fiction_banner.html")
def fiction_banner():
    """While any published source is fictional demonstration data, every public page says so.

    Read from the reference data cached per data generation: publishing real data (or a source's
    flag changing) bumps the generation, so no cached page keeps a stale banner.
    """
    from portail.services import reference_data

    return {"fictional": reference_data().fictional_sources}


@register.simple_tag
def source_credit(source, vintage=None, data_date=None):
    """ "BPE — données BPE 2024, mise à jour le 3 mars 2026": the data's own date beside the import date.

    ``vintage`` / ``data_date`` are a figure's own (an indicator row's), else the source's are used.
    """
    if vintage is None and data_date is None:
        vintage, data_date = source.data_vintage, source.data_date
    parts = [source.label]
    if vintage:
        parts.append(" — " + _("données %(vintage)s") % {"vintage": vintage})
    elif data_date:
        parts.append(" — " + _("données du %(date)s") % {"date": date_format(data_date, "j F Y")})
    if source.last_success_at:
        when = date_format(timezone.localtime(source.last_success_at), "j F Y")
        parts.append(", " + _("mise à jour le %(date)s") % {"date": when})
    else:
        parts.append(", " + _("jamais importée"))
    html = format_html("{}", "".join(parts))
    if is_fictional(source):
        html += format_html(' <strong class="badge badge-fiction">{}</strong>', _("données fictives"))
    return html
