"""Campaign parameters (utm_source, utm_medium, utm_campaign) and referrals ("evenement-12") as stored.

They arrive in the address a person lands on and are kept by the browser (``static/js/campaign.js``,
``sessionStorage``: no cookie, so cached pages stay shared) until the request form sends them. Whatever
a link says is stored — an unknown campaign is counted under its own name, nothing is refused for it —
but cleaned first: lower case, accents folded, only letters, digits, ``.``, ``_`` and ``-``, at most
60 characters, so that a value can neither break a page or a CSV nor fill the database.
"""

import re
import unicodedata

MAX_LENGTH = 60
# The names of the request form's hidden fields, and the parameters of the address each one comes from.
FIELDS = {
    "campaign_source": "utm_source",
    "campaign_medium": "utm_medium",
    "campaign_name": "utm_campaign",
    "referral": "ref",
}


def clean(value):
    """ "LinkedIn Ads " → "linkedin-ads"; "Salon de l'Étudiant" → "salon-de-l-etudiant"; junk → ""."""
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9._-]+", "-", text)
    text = re.sub(r"-{2,}", "-", text).strip("-._")
    return text[:MAX_LENGTH].strip("-._")


def from_query(query):
    """{field: cleaned value} from a query string's utm_* and ref parameters (missing ones left out)."""
    found = {}
    for field, parameter in FIELDS.items():
        value = clean(query.get(parameter, ""))
        if value:
            found[field] = value
    return found
