"""No personal data in open data: withdraw what territory layers about people published against the rule.

Before this rule, a partner's file of childminders or doctors was published as it came: names, home
addresses, phones, points on the map. Now (communes.territory):

- a count per commune stays published, stripped of any address, contact, point, and of a name that
  could be a person's ("Assistantes maternelles — Troyes");
- a named entry stays only where the file recorded the person's agreement, with its name and commune
  and nothing else;
- every other named entry is withdrawn (no longer active) and its address, contacts and point erased;
  a commune's nearest-place figure that pointed to it is cleared until proximities are recomputed.

Also, for the other territory layers (establishments), contacts that were kept in the attributes move
to the place's own phone, e-mail and website fields, where pages and the API read them.
"""

import logging

from django.db import migrations

PEOPLE_LAYERS = ("assistantes-maternelles", "medecins-nouveaux-patients")
CONTACT_KEYS = ("telephone", "site", "email")
YES = {"oui", "o", "yes", "y", "1", "true", "vrai", "x"}


def _consented(attributes):
    value = attributes.get("consentement")
    return value is True or str(value).strip().lower() in YES


def withdraw(apps, schema_editor):
    Place = apps.get_model("communes", "Place")
    Proximity = apps.get_model("communes", "Proximity")
    Layer = apps.get_model("communes", "Layer")
    layer_names = dict(Layer.objects.filter(slug__in=PEOPLE_LAYERS).values_list("slug", "name"))
    withdrawn = []
    places = Place.objects.filter(layer_id__in=PEOPLE_LAYERS).select_related("commune")
    for place in places.iterator(chunk_size=2000):
        attributes = dict(place.attributes or {}) if isinstance(place.attributes, dict) else {}
        for key in CONTACT_KEYS:
            attributes.pop(key, None)
        if "nombre" in attributes:
            where = place.commune.name if place.commune_id else ""
            place.name = f"{layer_names.get(place.layer_id, place.layer_id)} — {where}".strip(" —")[:300]
        elif not _consented(attributes):
            if place.is_active:
                withdrawn.append(place.pk)
            place.is_active = False
        place.attributes = attributes
        place.address = place.postcode = place.phone = place.email = place.website = ""
        place.latitude = place.longitude = None
        place.position_quality = "unknown"
        place.save(
            update_fields=["name", "attributes", "address", "postcode", "phone", "email", "website", "latitude",
                           "longitude", "position_quality", "is_active"]
        )  # fmt: skip
    for start in range(0, len(withdrawn), 2000):
        Proximity.objects.filter(nearest_id__in=withdrawn[start : start + 2000]).update(nearest=None, nearest_km=None)
    _forget_cached_pages()


def _forget_cached_pages():
    """Historical models send no signal: bump the public cache's generation so no page keeps what was withdrawn."""
    try:
        from osez.cache import bump_data_generation

        bump_data_generation(reason="personal data withdrawn")
    except Exception:  # a cache that cannot be reached holds no page to forget
        logging.getLogger(__name__).warning("public cache not reachable: nothing to invalidate")


def move_contacts(apps, schema_editor):
    Place = apps.get_model("communes", "Place")
    territory = Place.objects.filter(source__is_territory=True).exclude(layer_id__in=PEOPLE_LAYERS)
    for place in territory.iterator(chunk_size=2000):
        attributes = dict(place.attributes or {}) if isinstance(place.attributes, dict) else {}
        if not any(key in attributes for key in CONTACT_KEYS):
            continue
        place.phone = place.phone or str(attributes.pop("telephone", ""))[:40]
        place.email = place.email or str(attributes.pop("email", ""))[:254]
        place.website = place.website or str(attributes.pop("site", ""))[:500]
        for key in CONTACT_KEYS:
            attributes.pop(key, None)
        place.attributes = attributes
        place.save(update_fields=["phone", "email", "website", "attributes"])


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0008_territoryupload_data_lines"),
    ]

    operations = [
        migrations.RunPython(withdraw, migrations.RunPython.noop),
        migrations.RunPython(move_contacts, migrations.RunPython.noop),
    ]
