"""How a commune indicator reads for a person: its value and unit, the territory it was measured on, its
base (sales, premises) and its vintage; and "pas de données" where there is none, never 0.

Three cases are kept apart everywhere (pages, finder, API, downloads):
- no row for the commune: the source publishes nothing for it — "pas de données";
- a row without a value: the source has the commune but withholds the figure — "chiffre non publié",
  or for a median under the minimum number of sales "pas de prix médian, moins de 5 ventes" — with its
  base when known ("aucune vente", never "0 ventes");
- a row with a value, possibly measured on the EPCI or the département — then the page says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .enums import IndicatorLevel
from .publication import vintage_label

# What an indicator's ``count`` counts, by source, when the row does not say (attributes["count_label"]):
# the word for n, and none at all (French says "aucune vente", not "0 ventes"). Literal ngettext calls, so
# that makemessages finds them: the English page said "61,652 habitants".
COUNT_WORDS = {
    "dvf": (lambda n: ngettext("vente", "ventes", n), _("aucune vente")),
    "arcep": (lambda n: ngettext("local", "locaux", n), _("aucun local")),
    "apl": (lambda n: ngettext("habitant", "habitants", n), _("aucun habitant")),
}


def finite(value):
    """The value, or None when there is none or it is not a number a person can read (NaN, infinity)."""
    return value if value is not None and math.isfinite(value) else None


def format_number(value, unit=""):
    """2150.0, "€/m²" → "2 150 €/m²"; 87.25, "%" → "87,3 %" (half up, as people round); integers bare."""
    if value is None or not math.isfinite(value):
        return ""
    exact = Decimal(repr(float(value)))
    rounded = exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if abs(exact) >= 100 or rounded == rounded.to_integral_value():
        whole = exact.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        text = number_format(int(whole), use_l10n=True, force_grouping=True)
    else:
        text = number_format(rounded, decimal_pos=1, use_l10n=True, force_grouping=True)
    unit = (unit or "").strip()
    return f"{text}\u00a0{unit}" if unit else text


def count_text(row, indicator):
    if row is None or row.count is None:
        return ""
    label = (row.attributes or {}).get("count_label") if isinstance(row.attributes, dict) else None
    if label:
        return f"{number_format(row.count, use_l10n=True, force_grouping=True)} {label}"
    words = COUNT_WORDS.get(indicator.source_id)
    if words and row.count == 0:
        return str(words[1])
    if words:
        word = words[0](row.count)
        return f"{number_format(row.count, use_l10n=True, force_grouping=True)} {word}"
    return str(_("base : %(n)s") % {"n": number_format(row.count, use_l10n=True, force_grouping=True)})


def level_note(row):
    """ "mesuré sur l'intercommunalité : CC du Barséquanais" when the figure is not the commune's own."""
    if row is None or row.level == IndicatorLevel.COMMUNE:
        return ""
    where = row.territory_name or row.territory_code
    if row.level == IndicatorLevel.EPCI:
        if where:
            return str(_("mesuré sur l'intercommunalité : %(name)s") % {"name": where})
        return str(_("mesuré sur l'intercommunalité"))
    if where:
        return str(_("mesuré sur le département : %(name)s") % {"name": where})
    return str(_("mesuré sur le département"))


def withheld_text(row):
    """Why a row has no figure: too few sales for a median (DVF, under ``ventes_minimum``), else the source
    published none."""
    attributes = row.attributes if isinstance(row.attributes, dict) else {}
    minimum = attributes.get("ventes_minimum")
    if minimum is not None and row.count is not None and row.count < minimum:
        if row.count == 0:
            return str(_("pas de prix médian"))  # the count says "aucune vente"
        return str(_("pas de prix médian, moins de %(n)s ventes") % {"n": minimum})
    return str(_("chiffre non publié par la source"))


@dataclass
class IndicatorReading:
    indicator: object  # communes.Indicator
    source: object | None  # communes.Source
    row: object | None  # communes.CommuneIndicator, None when the source has nothing for the commune

    @property
    def has_data(self):
        return self.row is not None

    @property
    def has_value(self):
        return self.row is not None and finite(self.row.value) is not None

    @property
    def value_text(self):
        row = self.row
        if row is None:
            return str(_("pas de données"))
        if finite(row.value) is not None:
            return format_number(row.value, self.indicator.unit)
        if row.text:
            return row.text
        if row.place_id is not None and row.place is not None:
            return row.place.name
        return withheld_text(row)

    @property
    def shows_figure(self):
        """Something to show as the figure: a value, a text or a linked place (else "pas de données"…)."""
        row = self.row
        return row is not None and (
            finite(row.value) is not None or bool(row.text) or row.place_id is not None
        )

    @property
    def number_text(self):
        """The value without its unit ("61,3"), for pages that set the unit in smaller type."""
        return format_number(self.row.value) if self.has_value else ""

    @property
    def level_note(self):
        return level_note(self.row)

    @property
    def count_text(self):
        return count_text(self.row, self.indicator)

    @property
    def vintage(self):
        """The row's own vintage name ("2024") when it has one, else its source's ("BPE 2024"), else ""."""
        if self.row is not None and self.row.vintage:
            return self.row.vintage
        if self.row is not None and self.row.data_date:
            return ""  # its date then reads "données du …"
        return (self.source.data_vintage or "") if self.source is not None else ""

    @property
    def data_date(self):
        if self.row is not None and (self.row.vintage or self.row.data_date):
            return self.row.data_date
        return self.source.data_date if self.source is not None else None

    @property
    def vintage_text(self):
        """ "2024", "31 décembre 2025" or "" — for the API's and downloads' plain text."""
        return self.vintage or (vintage_label(self) if self.data_date else "")


def readings(indicators, rows, sources):
    """One reading per indicator, in the catalogue's order, whether the commune has a row or not."""
    by_indicator = {row.indicator_id: row for row in rows}
    return [IndicatorReading(i, sources.get(i.source_id), by_indicator.get(i.pk)) for i in indicators]
