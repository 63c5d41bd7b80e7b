"""Text folding for search: "Chapelle-St-Luc" and "chapelle saint luc" must meet."""

import re
import unicodedata

_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def fold(text):
    """Lower-case ASCII words separated by single spaces, with St/Ste expanded."""
    if not text:
        return ""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.split(r"[^a-z0-9]+", ascii_text)
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words if w)
