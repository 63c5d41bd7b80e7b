"""``{% page_languages as languages %}``: the current page in each language (switcher, hreflang links)."""

from django import template

from .. import i18n

register = template.Library()


@register.simple_tag(takes_context=True)
def page_languages(context):
    """A view that shows a text not yet translated into a language names it in ``untranslated_languages``."""
    return i18n.page_languages(context.get("request"), context.get("untranslated_languages", ()))
