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


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    # (request, organisation) -> dict for the template, or None to hide the section for this user
    context: object
    order: int = 100


_SECTIONS = {}


def register_section(key, template, context, order=100):
    """Add a section to an organisation's staff page (the employer accounts, for instance)."""
    _SECTIONS[key] = Section(key, template, context, order)


def sections(request, organisation):
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        ctx = section.context(request, organisation)
        if ctx is not None:
            shown.append((section.template, ctx))
    return shown
