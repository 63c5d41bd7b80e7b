"""The jobs candidates wish for and offers are for: a small list kept as data, with ROME codes and synonyms.

France Travail's ROME (métiers and appellations) is the recognised classification; no package ships it
and the build has no network, so ``data/metiers.csv`` holds an extract kept by hand: the ROME code of
each job family the team meets, its label, the words people use for it (« IDE » for infirmier·ère
diplômé·e d'État) and the close jobs a person moves between (ROME's « mobilités », for the jobs of the
list). Every code and the job it names were checked against France Travail's referential as the
gip-inclusion/les-emplois project publishes it (``itou/jobs/management/commands/data/romes.json`` and
``appellations_for_romes.json``, commit 9154abf3); a synonym sits under the code whose appellations
hold it. Extend the file, not the code. Matching is a
whole-word phrase lookup on folded text (no accents, lower case); the longest phrase wins, so
« professeur des écoles » is not read as any « professeur ».
"""

import csv
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from communes.text import fold

DATA = Path(__file__).parent / "data" / "metiers.csv"


@dataclass(frozen=True)
class Job:
    code: str
    label: str
    sector: str
    phrases: tuple[str, ...]
    close: tuple[str, ...] = ()

    def __str__(self):
        return self.label


def _fold(text):
    # « infirmier·ère », « aide-soignant·e »: the middle dot and the hyphen separate words, so that the
    # masculine form is found as a word.
    return fold((text or "").replace("·", " ").replace("-", " "))


@cache
def all_jobs():
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    jobs = []
    for row in rows:
        phrases = {_fold(row["metier"]), *(_fold(s) for s in row["synonymes"].split("|") if s.strip())}
        close = tuple(code for code in (row.get("proches") or "").split("|") if code)
        jobs.append(
            Job(
                row["code_rome"], row["metier"], row["secteur"], tuple(sorted(p for p in phrases if p)), close
            )
        )
    return tuple(jobs)


@cache
def by_code():
    return {job.code: job for job in all_jobs()}


def choices():
    return [
        (job.code, f"{job.label} ({job.code})") for job in sorted(all_jobs(), key=lambda j: fold(j.label))
    ]


@cache
def _phrase_index():
    # Longest phrases first: once a phrase is found, the shorter ones inside it are not read again.
    pairs = [(phrase, job) for job in all_jobs() for phrase in job.phrases]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


@lru_cache(maxsize=20_000)
def recognise(text):
    """The jobs named in ``text`` (a title, a list of wishes), in the order of the list, without repeats."""
    haystack = f" {_fold(text)} "
    found = []
    for phrase, job in _phrase_index():
        needle = f" {phrase} "
        if needle in haystack:
            haystack = haystack.replace(needle, " | ")
            if job not in found:
                found.append(job)
    return tuple(found)


def recognise_one(text):
    jobs = recognise(text)
    return jobs[0] if jobs else None


def sectors_named(text):
    """Sectors of the job list named in free text (« santé, industrie »), folded for comparison."""
    folded = f" {_fold(text)} "
    return {job.sector for job in all_jobs() if f" {_fold(job.sector)} " in folded}
