"""The open-data sources: one package per source, each with a ``client`` (download) and an ``importer``."""

from importlib import import_module

SOURCE_SLUGS = ("communes", "ecoles", "sport", "bpe")  # registry first, BPE after the preferred sources
# Commune indicators (communes.sources.indicators), after the registry and the schools they link to.
SOURCE_SLUGS += ("caf", "arcep", "dvf", "carte-scolaire", "apl")


def _package(slug):
    return slug.replace("-", "_")  # "carte-scolaire" lives in communes/sources/carte_scolaire/


def client(slug):
    return import_module(f"communes.sources.{_package(slug)}.client")


def importer(slug):
    return import_module(f"communes.sources.{_package(slug)}.importer")
