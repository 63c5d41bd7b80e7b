"""Finding a commune from what a person types: a name (with typos, accents or not), a postcode, a code INSEE.

One matcher for the home search box, the suggestions, the directory, ``/communes/<name>/``, the finder's
workplace, the comparison and the request form, so that they all understand the same things:

- exact names first, then names that start with what was typed, then names holding every word typed,
  then names that look alike (typos: "tryes" → Troyes, "romily" → Romilly-sur-Seine) scored by rapidfuzz;
  within a tier, the communes of the configured territory first, then the most populated;
- five digits are a postcode or a code INSEE: most Aube postcodes are also another commune's code INSEE
  (10300 is Sainte-Savine's postcode and Pougy's code INSEE), so ``understand()`` says which it took;
- every query is bounded (``MAX_QUERY_CHARS`` characters, ``MAX_QUERY_WORDS`` words) and a longer one
  gets a message rather than a search (SQLite refuses long LIKE patterns; nobody types 1,500 words).

The communes are held in memory per process (about 35,000 rows nationally, a few MB) and rebuilt when the
shared data generation changes; rapidfuzz scores them all in about 10 ms.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from osez.cache import data_generation
from osez.process_cache import StampedValue

from .text import fold

MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 10
# Below this rapidfuzz score (0–100) a name is not offered as "what you probably meant".
FUZZY_CUTOFF = 78
# A fuzzy best guess is taken without asking only when it scores this much and clearly beats the next.
SURE_SCORE = 85
SURE_MARGIN = 4
CODE_RE = re.compile(r"^\d[\dAB]\d{3}$")
CODE_IN_PARENS = re.compile(r"\((\d[\dAB]\d{3})\)\s*$")

EXACT, PREFIX, WORDS, FUZZY, POSTCODE, CODE = "exact", "prefix", "words", "fuzzy", "postcode", "code"


class QueryTooLong(ValueError):
    """A search longer than the bounds: its message says so in words, with the bounds."""


def check_query(text):
    """Raises QueryTooLong (a French message) when ``text`` is over the bounds; returns it stripped."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise QueryTooLong(
            _(
                "Votre recherche est trop longue (%(n)s caractères) : saisissez au plus %(max)s caractères, "
                "par exemple le nom d'une commune ou un code postal."
            )
            % {"n": len(text), "max": MAX_QUERY_CHARS}
        )
    words = len(text.split())
    if words > MAX_QUERY_WORDS:
        raise QueryTooLong(
            _("Votre recherche compte trop de mots (%(n)s) : saisissez au plus %(max)s mots.")
            % {"n": words, "max": MAX_QUERY_WORDS}
        )
    return text


def bounded(text):
    """``text`` cut to the bounds (whole words), for a search that must answer something: the admin's."""
    words = (text or "")[:MAX_QUERY_CHARS].split()[:MAX_QUERY_WORDS]
    return " ".join(words)


class BoundedAdminSearch:
    """Admin mixin: a search longer than the bounds is cut to them, with a message, rather than handed to
    the database (SQLite refuses a LIKE per word past a few hundred words: a 500)."""

    def get_search_results(self, request, queryset, search_term):
        try:
            check_query(search_term)
        except QueryTooLong as exc:
            from django.contrib import messages

            messages.warning(request, _("%(problem)s Seul le début a été cherché.") % {"problem": exc})
            search_term = bounded(search_term)
        return super().get_search_results(request, queryset, search_term)


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    slug: str
    postcodes: tuple[str, ...]
    departement: str
    population: int

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("portail:commune", kwargs={"code": self.code, "slug": self.slug})


@dataclass(frozen=True)
class Match:
    entry: Entry
    kind: str  # EXACT, PREFIX, WORDS, FUZZY, POSTCODE or CODE
    score: float = 100.0

    @property
    def code(self):
        return self.entry.code

    @property
    def name(self):
        return self.entry.name


@dataclass
class Index:
    entries: list[Entry]
    folded: list[str]
    territory: frozenset
    # Folded names sorted, with their positions, for prefix look-ups by bisection.
    sorted_names: list[tuple[str, int]] = field(default_factory=list)
    heads: dict[int, list[str]] = field(default_factory=dict)  # first k words of every name
    by_postcode: dict[str, list[int]] = field(default_factory=dict)
    by_code: dict[str, int] = field(default_factory=dict)
    blob: str = ""  # every folded name, one per line (see ``containing``)
    starts: list[int] = field(default_factory=list)

    @classmethod
    def build(cls, entries, territory=()):
        """Everything a query reads, computed once: folded and sorted names, their first words, postcodes."""
        index = cls(entries=entries, folded=[fold(e.name) for e in entries], territory=frozenset(territory))
        index.sorted_names = sorted((f, i) for i, f in enumerate(index.folded))
        for i, e in enumerate(entries):
            index.by_code[e.code] = i
            for postcode in e.postcodes:
                index.by_postcode.setdefault(postcode, []).append(i)
        for k in range(1, 5):
            index.head(k)
        index.containing(["a"])
        return index

    def containing(self, words):
        """Positions of the names holding every word. The longest word is looked for once in all the names
        joined into one string (a C-speed scan, about 1 ms nationally, where testing 35,000 names one by one
        in Python takes 20 ms); only its few hits are then checked for the other words."""
        if not self.blob:
            self.blob = "\n".join(self.folded)
            starts, position = [], 0
            for name in self.folded:
                starts.append(position)
                position += len(name) + 1
            self.starts = starts
        longest = max(words, key=len)
        others = [w for w in words if w != longest]
        found, last = [], -1
        for hit in re.finditer(re.escape(longest), self.blob):
            i = bisect_right(self.starts, hit.start()) - 1
            if i != last and all(w in self.folded[i] for w in others):
                found.append(i)
            last = i
        return found

    def head(self, k):
        if k not in self.heads:
            self.heads[k] = [" ".join(f.split()[:k]) for f in self.folded]
        return self.heads[k]


def build_index():
    from .models import Commune

    rows = (
        Commune.objects.active()
        .order_by("code_insee")
        .values_list("code_insee", "name", "slug", "postcodes", "departement_id", "population")
    )
    entries = [Entry(c, n, s, tuple(p or ()), d, pop or 0) for c, n, s, p, d, pop in rows]
    return Index.build(entries, territory=(str(d) for d in settings.OSEZ_DEPARTEMENTS))


def _stamp():
    """Changes when communes are republished (the shared data generation) or edited one by one (their
    number and latest ``last_seen``: one aggregate over an index, a few ms nationally)."""
    from django.db.models import Count, Max

    from .models import Commune

    fingerprint = Commune.objects.aggregate(n=Count("pk"), seen=Max("last_seen"), code=Max("code_insee"))
    return (data_generation(), tuple(settings.OSEZ_DEPARTEMENTS), tuple(fingerprint.values()))


_index = StampedValue(build_index, _stamp)


def get_index():
    return _index.get()


def reset_index():
    _index.reset()


def _rank(index, i, score=100.0):
    """Sort key within a tier: the territory first, then the best score, the most populated, the name."""
    e = index.entries[i]
    return (e.departement not in index.territory, -score, -e.population, index.folded[i], e.code)


def _digits(index, text, limit):
    """Postcodes and codes INSEE that are or start with the digits typed."""
    found, seen = [], set()
    if len(text) == 5:
        for i in sorted(index.by_postcode.get(text, []), key=lambda i: _rank(index, i)):
            found.append(Match(index.entries[i], POSTCODE))
            seen.add(i)
        i = index.by_code.get(text)
        if i is not None and i not in seen:
            found.append(Match(index.entries[i], CODE))
        return found[:limit]
    postcodes = sorted(p for p in index.by_postcode if p.startswith(text))
    for postcode in postcodes:
        for i in sorted(index.by_postcode[postcode], key=lambda i: _rank(index, i)):
            if i not in seen:
                found.append(Match(index.entries[i], POSTCODE))
                seen.add(i)
        if len(found) >= limit:
            break
    return found[:limit]


def search(text, limit=8):
    """The communes matching ``text``, best first (see the module's docstring). Raises QueryTooLong."""
    text = check_query(text)
    code = CODE_IN_PARENS.search(text)  # "Troyes (10387)", as suggestions and our messages write it
    index = get_index()
    if code and code.group(1) in index.by_code:
        return [Match(index.entries[index.by_code[code.group(1)]], CODE)]
    folded = fold(text)
    if not folded:
        return []
    compact = folded.replace(" ", "")
    if compact.isdigit() or CODE_RE.match(text.upper()):
        if compact.isdigit() and 2 <= len(compact) <= 5:
            return _digits(index, compact, limit)
        i = index.by_code.get(text.upper())
        return [Match(index.entries[i], CODE)] if i is not None else []
    tiers = {EXACT: [], PREFIX: [], WORDS: []}
    start = bisect_left(index.sorted_names, (folded, -1))
    for name, i in index.sorted_names[start:]:
        if not name.startswith(folded):
            break
        tiers[EXACT if name == folded else PREFIX].append(i)
    taken = set(tiers[EXACT]) | set(tiers[PREFIX])
    words = folded.split()
    if len(taken) < limit:
        # Every word typed found in the name ("luc chapelle", "sur seine"), in any order.
        tiers[WORDS] = [i for i in index.containing(words) if i not in taken]
    matches = []
    for kind in (EXACT, PREFIX, WORDS):
        # Only the best few of a big tier are needed ("saint" starts 4,000 names): a heap, not a full sort.
        best = heapq.nsmallest(max(0, limit - len(matches)), tiers[kind], key=lambda i: _rank(index, i))
        matches += [Match(index.entries[i], kind) for i in best]
    if len(matches) < limit and len(folded) >= 3:
        matches += _fuzzy(index, folded, {m.entry.code for m in matches}, limit - len(matches))
    return matches[:limit]


def _fuzzy(index, folded, exclude, limit):
    """Names that look like what was typed, by rapidfuzz's normalised Indel similarity.

    Scored against the whole name and against its first words (as many as typed): "romily" is far from
    "romilly sur seine" but close to "romilly". Hand-ranked afterwards: the territory first.
    """
    k = min(len(folded.split()), 4)
    scores = {}
    for choices in (index.folded, index.head(k)):
        for _choice, score, i in process.extract(
            folded, choices, scorer=fuzz.ratio, processor=None, score_cutoff=FUZZY_CUTOFF, limit=50
        ):
            if index.entries[i].code not in exclude:
                scores[i] = max(scores.get(i, 0), score)
    ranked = sorted(scores, key=lambda i: _rank(index, i, round(scores[i])))
    return [Match(index.entries[i], FUZZY, scores[i]) for i in ranked[:limit]]


@dataclass
class Understanding:
    """What a typed commune was understood as: one commune (with what to tell the person) or a question."""

    text: str
    commune: Entry | None = None
    how: str = ""  # how it was read: "name", "typo", POSTCODE, CODE
    note: str = ""  # said beside it ("10300 est aussi le code INSEE de Pougy")
    alternatives: list[Entry] = field(default_factory=list)  # what else it could mean, to offer
    choices: list[Entry] = field(default_factory=list)  # when it is a question: the candidates
    message: str = ""  # the question or the error, in words

    @property
    def ok(self):
        return self.commune is not None


def label(entry):
    """ "Sainte-Savine (10300)": the name and its postcodes, as suggestions and messages write it."""
    if entry.postcodes:
        return f"{entry.name} ({', '.join(entry.postcodes)})"
    return f"{entry.name} ({entry.code})"


def choice_label(entry, typed=""):
    """How a choice reads: "Sainte-Savine (10300)", or "Pougy — code INSEE 10300 (code postal 10240)" when
    it is offered because the number typed is its code INSEE rather than its postcode."""
    number = fold(typed).replace(" ", "")
    if number == entry.code and number not in entry.postcodes:
        return _("%(name)s — code INSEE %(code)s (code postal %(postcodes)s)") % {
            "name": entry.name,
            "code": entry.code,
            "postcodes": ", ".join(entry.postcodes) or "—",
        }
    return label(entry)


def choice_value(entry):
    """What a choice re-submits: the name with its code INSEE, which ``understand()`` reads unambiguously."""
    return f"{entry.name} ({entry.code})"


def understand(text, codes_first=False):
    """One commune from a name, a postcode or a code INSEE, or the question to ask. Raises QueryTooLong.

    ``codes_first``: a five-digit number that is a code INSEE is that commune, even when it is also the
    postcode of other communes — for parameters the site's own links and the contract fill with codes
    INSEE (``/comparer/?communes=10300`` from Pougy's page), where a question would be a dead end.
    """
    text = check_query(text)
    result = Understanding(text=text)
    if not text:
        return result
    index = get_index()
    code = CODE_IN_PARENS.search(text)
    if code and code.group(1) in index.by_code:
        result.commune, result.how = index.entries[index.by_code[code.group(1)]], CODE
        return result
    compact = fold(text).replace(" ", "")
    if compact.isdigit() and len(compact) == 5:
        if codes_first and compact in index.by_code:
            result.commune, result.how = index.entries[index.by_code[compact]], CODE
            return result
        return _understand_number(index, compact, result)
    if CODE_RE.match(text.upper()) and text.upper() in index.by_code:  # 2A004, 2B033
        result.commune, result.how = index.entries[index.by_code[text.upper()]], CODE
        return result
    matches = search(text, limit=12)
    if not matches:
        result.message = _(
            "Aucune commune ne correspond à « %(text)s ». Vérifiez l'orthographe, ou saisissez le code postal."
        ) % {"text": text}
        return result
    best_kind = matches[0].kind
    best = [m for m in matches if m.kind == best_kind]
    if best_kind == FUZZY:
        sure = [m for m in best if round(m.score) >= SURE_SCORE]
        in_territory = [m for m in sure if m.entry.departement in index.territory]
        pool = in_territory or sure
        top = pool[0].score if pool else 0
        close = [m for m in pool if m.score >= top - SURE_MARGIN]
        if len(close) == 1:
            result.commune, result.how = close[0].entry, "typo"
            result.alternatives = [m.entry for m in best if m.entry != close[0].entry][:3]
            return result
    else:
        in_territory = [m for m in best if m.entry.departement in index.territory]
        pool = in_territory if best_kind != WORDS else (in_territory or best)
        if len(pool) == 1 or (len(best) == 1):
            chosen = (pool or best)[0]
            result.commune, result.how = chosen.entry, "name"
            return result
    result.choices = [m.entry for m in matches[:8]]
    result.message = _("Plusieurs communes correspondent à « %(text)s » : laquelle ?") % {"text": text}
    return result


def _understand_number(index, number, result):
    by_postcode = sorted(index.by_postcode.get(number, []), key=lambda i: _rank(index, i))
    as_code = index.by_code.get(number)
    if len(by_postcode) == 1:
        result.commune, result.how = index.entries[by_postcode[0]], POSTCODE
        if as_code is not None and as_code != by_postcode[0]:
            other = index.entries[as_code]
            result.alternatives = [other]
            result.note = _("%(number)s est aussi le code INSEE de %(name)s.") % {
                "number": number,
                "name": other.name,
            }
        return result
    if len(by_postcode) > 1:
        result.choices = [index.entries[i] for i in by_postcode]
        if as_code is not None and as_code not in by_postcode:
            result.choices.append(index.entries[as_code])
        result.message = _("Le code postal %(number)s couvre plusieurs communes : laquelle ?") % {
            "number": number
        }
        return result
    if as_code is not None:
        result.commune, result.how = index.entries[as_code], CODE
        return result
    result.message = _(
        "%(number)s n'est ni un code postal ni un code INSEE connu. Vérifiez-le, ou saisissez le nom de la commune."
    ) % {"number": number}
    return result


def unambiguous(text):
    """The one commune ``text`` names without doubt (an exact name, a postcode of one commune that is no
    other commune's code INSEE, a code INSEE, "Name (code)"), else None. A typo is never taken silently.
    Raises QueryTooLong."""
    understood = understand(text)
    if not understood.ok or understood.how == "typo" or understood.alternatives:
        return None
    if understood.how == "name":
        exact = [m for m in search(text, limit=3) if m.kind == EXACT]
        if len(exact) != 1:
            return None
    return understood.commune


def how_text(understood):
    """ "Sainte-Savine (10300), d'après le code postal": how the commune was read, in words."""
    if not understood.ok:
        return ""
    entry = understood.commune
    if understood.how == POSTCODE:
        return _("%(label)s, d'après le code postal") % {"label": label(entry)}
    if understood.how == CODE and understood.text.strip().upper() == entry.code:
        return _("%(label)s, d'après le code INSEE %(code)s") % {"label": label(entry), "code": entry.code}
    if understood.how == "typo":
        return _("%(label)s (nous avons corrigé « %(text)s »)") % {
            "label": label(entry),
            "text": understood.text,
        }
    return label(entry)
