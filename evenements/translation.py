"""The event fields a visitor reads, translated with django-modeltranslation (``title_fr``, ``title_en``…)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Event


@register(Event)
class EventTranslationOptions(TranslationOptions):
    fields = ("title", "description", "place_description", "audience")
