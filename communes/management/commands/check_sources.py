"""``manage.py check_sources``: does each source still serve the format its importer reads?

Fetches a handful of records from every registered source (``communes.sources.SOURCE_SLUGS``) and
prints, per source and per file, whether today's format still matches: the fields every importer
requires are there, or the format drift report (missing field, closest fields found, documentation).
The first thing to run on a machine with internet; nothing is imported and the raw cache is untouched.

A source declares ``probe(http, departement)`` in its client (see ``communes.sources.probes``) and the
required fields of each file in its importer's ``FORMATS``. A source without a probe is downloaded
into a temporary folder and the fields of what arrived are compared with its importer's ``REQUIRED``.
"""

import csv
import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from communes import sources
from communes.sources.download import http_client, reading_from
from communes.sources.errors import SourceError
from communes.sources.files import drift_report, load_json_records, open_text, sniff_kind


def file_fields(path):
    """The field names of a downloaded file (a CSV header, the keys of JSON records, a zip's CSV header)."""
    if path.suffix == ".zip":
        import io
        import zipfile

        with zipfile.ZipFile(path) as archive:
            member = next(m for m in archive.namelist() if m.lower().endswith(".csv"))
            lines, _encoding = open_text(io.BufferedReader(archive.open(member)), name=member)
            with lines:
                return set(next(csv.reader([lines.readline()], delimiter=";")))
    if sniff_kind(path) == "json":
        records = load_json_records(path)
        return set().union(*(r.keys() for r in records[:50] if isinstance(r, dict))) if records else set()
    lines, _encoding = open_text(path)
    with lines:
        header = lines.readline()
    delimiter = max((";", ",", "|", "\t"), key=header.count)
    return {h.strip().lstrip("\ufeff") for h in next(csv.reader([header], delimiter=delimiter))}


class Command(BaseCommand):
    help = (
        "Vérifie, source par source, que le format servi aujourd'hui correspond à ce que lisent les imports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", action="append", dest="sources", choices=sources.SOURCE_SLUGS)
        parser.add_argument(
            "--departement", default=None, help="département sondé (premier de OSEZ_DEPARTEMENTS)"
        )

    def handle(self, *args, **options):
        dep = options["departement"] or next(iter(settings.OSEZ_DEPARTEMENTS))
        slugs = options["sources"] or list(sources.SOURCE_SLUGS)
        problems = []
        with http_client() as http:
            for slug in slugs:
                for ok, line in self.check_source(slug, http, dep):
                    self.stdout.write((self.style.SUCCESS if ok else self.style.ERROR)(line))
                    if not ok:
                        problems.append(slug)
        if problems:
            raise CommandError(
                f"format à vérifier ou source injoignable : {', '.join(dict.fromkeys(problems))}"
            )
        self.stdout.write("Toutes les sources servent le format attendu.")

    def check_source(self, slug, http, dep):
        """(ok, line) for each file of one source."""
        client, importer = sources.client(slug), sources.importer(slug)
        formats = getattr(importer, "FORMATS", None) or {"*": getattr(importer, "REQUIRED", [])}
        try:
            if hasattr(client, "probe"):
                found = [(p.label, p.url, p.fields, p.records) for p in client.probe(http, dep)]
            else:
                found = self.download_fields(client, slug, dep)
        except SourceError as exc:
            return [(False, f"{slug} : injoignable — {exc}")]
        except Exception as exc:  # an unexpected answer must not hide the other sources' report
            return [(False, f"{slug} : vérification impossible — {type(exc).__name__}: {exc}")]
        lines = []
        for label, url, fields, count in found:
            required = formats.get(label, formats.get("*", []))
            message, _missing, _closest = drift_report(fields, required, label, slug)
            if message:
                lines.append((False, f"{slug} : FORMAT CHANGÉ — {message} ({url})"))
            elif not count:
                lines.append((False, f"{slug} : aucun enregistrement renvoyé pour « {label} » ({url})"))
            else:
                lines.append(
                    (
                        True,
                        f"{slug} : format conforme pour « {label} » — {count} enregistrement(s) lus ({url})",
                    )
                )
        return lines or [(False, f"{slug} : aucune donnée sondée")]

    def download_fields(self, client, slug, dep):
        """For a source without a probe: download into a temporary folder and read the fields."""
        with tempfile.TemporaryDirectory() as tmp, reading_from(tmp):
            client.fetch([dep])
            folder = Path(tmp) / slug
            files = [p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".meta.json")]
            result = []
            for path in files:
                meta = path.with_name(path.name + ".meta.json")
                url = json.loads(meta.read_text()).get("url", path.name) if meta.exists() else path.name
                result.append(("*", url, file_fields(path), 1))
            return result
