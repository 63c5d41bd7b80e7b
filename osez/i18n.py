"""Languages of the public site: French at the unprefixed URLs, English under ``/en/`` (issue 17).

The public apps' URLs are included inside ``i18n_patterns(..., prefix_default_language=False)`` in
``osez/urls.py``; staff pages (``/admin/…``), the API (``/api/…``) and the family space (which keeps
the language the family chose there) are outside it and never prefixed.

The language of a page comes from its URL and from nothing else: public pages are shared through
the page cache (``osez.cache``) and through the proxy, so a visitor's ``Accept-Language`` header or a
language cookie must never decide what an unprefixed URL shows. Django's ``LocaleMiddleware`` already
activates ``LANGUAGE_CODE`` for every unprefixed URL when ``prefix_default_language=False`` (Django
5.2, tested in ``tests/portail/test_languages.py``); it still adds ``Vary: Accept-Language`` to those
answers, which would make a shared cache keep one copy of each French page per browser language.
``UrlLanguageMiddleware`` is that middleware without the header.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import cc_delim_re


def language_from_path(path):
    """The language a public URL is in: its prefix, else the default language (never a header)."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


class UrlLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, without ``Vary: Accept-Language``: the URL alone names the language."""

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if response.has_header("Vary"):
            kept = [v for v in cc_delim_re.split(response["Vary"]) if v and v.lower() != "accept-language"]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response


def page_languages(request, untranslated=()):
    """The current page in each language of the site, for the switcher and the ``hreflang`` links.

    A list of dicts ``code``, ``name``, ``url`` (path and the query string the page reads: the page
    cache has already dropped any other parameter), ``current`` and ``translated`` (False for a
    language listed in ``untranslated``: a sheet with no English text yet is shown in French there,
    and gets no ``hreflang`` link). Empty for a page outside the prefixed URLs (nothing to switch to).
    """
    if request is None:
        return []
    current = translation.get_language() or settings.LANGUAGE_CODE
    full_path = request.get_full_path()
    languages = []
    for code, name in settings.LANGUAGES:
        url = full_path if code == current else translate_url(full_path, code)
        languages.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "current": code == current,
                "translated": code not in untranslated,
            }
        )
    if len({language["url"] for language in languages}) < len(languages):
        return []  # translate_url found no other URL: the page is not a prefixed public page
    return languages
