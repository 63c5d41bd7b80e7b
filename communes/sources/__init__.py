"""The open-data sources: one package per source, each with a ``client`` (download) and an ``importer``."""

from importlib import import_module

SOURCE_SLUGS = ("communes", "ecoles", "sport", "bpe")  # registry first, BPE after the preferred sources


def client(slug):
    return import_module(f"communes.sources.{slug}.client")


def importer(slug):
    return import_module(f"communes.sources.{slug}.importer")
