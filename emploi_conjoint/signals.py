"""Signals of the pipeline: ``stage_changed`` is sent after each move of a candidate (and at the opening)."""

from django.dispatch import Signal

# sender=Candidate, candidate=<Candidate>, by=<user or None>
stage_changed = Signal()
