"""Texts of the portal's content translated with django-modeltranslation (``title_fr``, ``title_en``…).

French is the language every sheet is written in first (``MODELTRANSLATION_DEFAULT_LANGUAGE``); an
English field left empty falls back to the French text, and the English page then says the sheet is
not translated yet (``portail.views.sheets``).
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Sheet


@register(Sheet)
class SheetTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "body")
