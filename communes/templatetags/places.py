"""Template helpers shared by the public pages and the back-office: a place's contacts and position."""

from django import template

from communes import contacts

register = template.Library()

register.filter("position_note", contacts.position_note)
register.filter("tel_href", contacts.tel_href)


@register.inclusion_tag("communes/_place_contacts.html")
def place_contacts(place, name=""):
    """Address, phone (tel: link), website and e-mail of a place, and a note when its position is not exact.

    ``name`` is read by screen readers after each link ("site web de …") when a list holds many places.
    """
    return {"c": contacts.contact_links(place), "note": contacts.position_note(place), "name": name}
