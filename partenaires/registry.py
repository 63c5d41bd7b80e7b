"""What other apps count per organisation on the partners' pages, declared from their ``AppConfig.ready()``.

``partenaires`` sits below the back-office and the HR pipeline and imports neither; they declare here the
reverse relation to count ("households", "introductions"…) and the column's French label.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Count:
    key: str
    relation: str
    label: str
    order: int = 100


_COUNTS = {}


def register_count(key, relation, label, order=100):
    _COUNTS[key] = Count(key, relation, label, order)


def counts():
    return sorted(_COUNTS.values(), key=lambda c: (c.order, c.key))
