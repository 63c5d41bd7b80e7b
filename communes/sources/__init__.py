"""The open-data sources: one package per source, each with a ``client`` and an ``importer``.

The registry is ``SOURCE_SLUGS`` (refresh order: the registry first, BPE after the preferred sources).
What every source provides, and what the shared machinery does with it:

- ``client.fetch(departements)`` downloads into ``OSEZ_RAW_DIR/<slug>/`` (``download`` module);
  ``client.probe(http, departement)`` (optional) returns a few records per file for ``check_sources``;
- ``importer.read(departements, progress)`` returns a checked batch (``rows.Batch`` or
  ``rows.IndicatorBatch``), reading files through ``download.raw_dir`` — so the fallback to the embedded
  ``fixtures/raw/<slug>/`` and its ``FICTIONAL`` marker work for every source without its knowing;
  ``importer.FORMATS`` (``{file label: required fields}``) or ``importer.REQUIRED`` names what a file
  must hold (the format drift report);
- ``importer.publish(source, batch, force=…, progress=…)`` publishes with the shared rules
  (``publish.publish_places`` / ``publish.publish_indicators``).
"""

from importlib import import_module

# The registry and the place layers (registry first, BPE after the preferred sources): what the proximity
# figures are computed from.
PLACE_SOURCES = ("communes", "ecoles", "sport", "bpe")
# Per-commune figures (communes.sources.indicators), after the registry and the schools they link to.
INDICATOR_SOURCES = ("caf", "arcep", "dvf", "carte-scolaire", "apl")
SOURCE_SLUGS = PLACE_SOURCES + INDICATOR_SOURCES


def _package(slug):
    return slug.replace("-", "_")  # "carte-scolaire" lives in communes/sources/carte_scolaire/


def client(slug):
    return import_module(f"communes.sources.{_package(slug)}.client")


def importer(slug):
    return import_module(f"communes.sources.{_package(slug)}.importer")
