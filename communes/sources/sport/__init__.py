"""The sport source: a client filling the raw cache and an importer reading it."""
