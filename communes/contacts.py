"""How a place's contacts and position are shown to people: safe links, and honest words for positions
that are not exact.

Contacts come from files we do not control (a partner's spreadsheet, a source's free text): a website
is linked only with an http(s) scheme (never ``javascript:``), a phone only when it has the digits of a
phone number, an e-mail only when it looks like one; otherwise the text is shown without a link or
not at all.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from .enums import PositionQuality

_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")


def tel_href(phone: str) -> str:
    """ "03 25 00 00 01" → "tel:+33325000001"; "" when the text is not a phone number."""
    text = (phone or "").strip()
    digits = re.sub(r"[^\d+]", "", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("0") and len(digits) == 10:
        digits = "+33" + digits[1:]
    if not re.fullmatch(r"\+?\d{6,15}", digits):
        return ""
    return f"tel:{digits}"


def website_href(url: str) -> str:
    """The address when it is a web address (http or https), else "" (never a script or a file link)."""
    text = (url or "").strip()
    if re.match(r"^https?://[^\s/$.?#].[^\s]*$", text, re.IGNORECASE):
        return text
    if re.match(r"^www\.[^\s]+\.[a-z]{2,}", text, re.IGNORECASE):
        return "https://" + text
    return ""


def website_label(url: str) -> str:
    """The host a reader recognises: "https://www.ecole-x.fr/contact" → "www.ecole-x.fr"."""
    href = website_href(url)
    if not href:
        return ""
    return re.sub(r"^https?://", "", href, flags=re.IGNORECASE).split("/")[0]


def email_href(email: str) -> str:
    text = (email or "").strip()
    return f"mailto:{text}" if _EMAIL.match(text) else ""


def position_note(place) -> str:
    """ "" for an exact point; "position approximative" or "position inconnue" otherwise."""
    deferred = place.get_deferred_fields() if hasattr(place, "get_deferred_fields") else ()
    attributes = None if "attributes" in deferred else getattr(place, "attributes", None)  # never a query
    if isinstance(attributes, dict) and attributes.get("nombre") is not None:
        return ""  # a count per commune (a partner's file about people) is not a place: no position to give
    quality = getattr(place, "position_quality", PositionQuality.EXACT)
    if quality == PositionQuality.UNKNOWN or getattr(place, "latitude", None) is None:
        return str(_("position inconnue"))
    if quality == PositionQuality.APPROXIMATE:
        return str(_("position approximative"))
    return ""


def is_drawable(place) -> bool:
    """Only a point the source placed itself may be drawn on a map as a place's location."""
    return (
        getattr(place, "position_quality", PositionQuality.EXACT) == PositionQuality.EXACT
        and place.latitude is not None
        and place.longitude is not None
    )


def contact_links(place) -> dict:
    """What a pop-up or a list shows of a place: address, phone, website and e-mail, each safe to link."""
    address = (place.address or "").strip()
    postcode = (getattr(place, "postcode", "") or "").strip()
    if postcode and postcode not in address:
        address = f"{address}, {postcode}" if address else postcode
    phone = (getattr(place, "phone", "") or "").strip()
    website = website_href(getattr(place, "website", ""))
    email = (getattr(place, "email", "") or "").strip()
    return {
        "address": address,
        "phone": phone,
        "phone_href": tel_href(phone),
        "website": website,
        "website_label": website_label(website),
        "email": email if email_href(email) else "",
    }
