"""The rights of the people in the files: export everything held on a subject, erase it, anonymise it.

The *subject* of a rights request is the record a family is known by — for Osez, a household's dossier,
which accompagnement declares with ``register_subject()`` from its ``AppConfig.ready()``. Everything
held on a subject is found the way Django's delete would find it: the record and every row that
cascades from it (adults, children, needs, notes, tasks, the spouse's candidate record with its
consents, CV versions and introductions…), plus the rows the declaring app links to it (the request
for support the dossier was opened from). A model another app adds later is covered without touching
this module, as long as it hangs off the subject with a cascading foreign key; the text it must keep on
anonymisation (an identifier, a proof of consent) it declares with ``keep_text_fields()``.
"""

import io
import json
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.contrib.admin.utils import NestedObjects
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import models, router, transaction
from django.utils import timezone

from . import audit

log = logging.getLogger(__name__)

ERASED = "[effacé]"


@dataclass(frozen=True)
class Subject:
    model: type[models.Model]
    reference_field: str
    linked: Callable[[models.Model], list]


_subject: list[Subject] = []
# (model label in lower case, field name): text kept on anonymisation (identifiers, proof of consent).
_kept_text: set[tuple[str, str]] = set()


def register_subject(model, *, reference_field="reference", linked=None):
    """Declare the model rights requests are about, the field staff find it by, and what it links to."""
    subject = Subject(model, reference_field, linked or (lambda obj: []))
    _subject[:] = [subject]


def keep_text_fields(model, *field_names):
    """Text fields of ``model`` that anonymisation keeps (not about the person: references, versions)."""
    for name in field_names:
        _kept_text.add((model._meta.label_lower, name))


def _declared():
    if not _subject:
        raise LookupError("no app declared the subject of rights requests (osez.rights.register_subject)")
    return _subject[0]


def subject_model():
    return _declared().model


def reference_of(subject):
    return getattr(subject, _declared().reference_field)


def find(reference):
    """The subject whose reference is ``reference`` (any case, surrounding spaces ignored), or None."""
    declared = _declared()
    lookup = {f"{declared.reference_field}__iexact": reference.strip()}
    return declared.model.objects.filter(**lookup).first()


def _linked(subject):
    # A row already deleted (its pk cleared) is no longer held.
    return [obj for obj in _declared().linked(subject) if obj is not None and obj.pk is not None]


def held_objects(subject):
    """Every row held on this subject (the subject first), as a flat list."""
    collector = NestedObjects(using=router.db_for_write(type(subject)))
    collector.collect([subject])
    found = []

    def walk(item):
        if isinstance(item, list):
            for sub in item:
                walk(sub)
        else:
            found.append(item)

    walk(collector.nested())
    # Auto-created many-to-many rows (communes considered) are exported through their owner's field.
    found = [obj for obj in found if not obj._meta.auto_created]
    return found + _linked(subject)


def file_fields(obj):
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.FileField):
            value = getattr(obj, field.name)
            if value:
                yield field, value


def held_files(objects):
    return [(obj, field, value) for obj in objects for field, value in file_fields(obj)]


def export(subject, request=None):
    """A zip of everything held on the subject: ``donnees.json``, ``LISEZMOI.txt`` and the files."""
    objects = held_objects(subject)
    reference = reference_of(subject)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        data = json.loads(serializers.serialize("json", objects))
        archive.writestr(
            "donnees.json",
            json.dumps(
                {
                    "dossier": reference,
                    "exporte_le": timezone.now().isoformat(),
                    "enregistrements": data,
                },
                ensure_ascii=False,
                indent=2,
            ),
        )
        written = 0
        for obj, _field, value in held_files(objects):
            name = PurePosixPath(value.name).name
            try:
                with value.storage.open(value.name, "rb") as handle:
                    archive.writestr(f"fichiers/{obj._meta.model_name}-{obj.pk}-{name}", handle.read())
                written += 1
            except FileNotFoundError:
                log.warning("file missing for export", extra={"model": obj._meta.label, "pk": obj.pk})
        archive.writestr(
            "LISEZMOI.txt",
            (
                f"Données personnelles détenues par le service Osez pour le dossier {reference}.\n"
                "donnees.json : chaque enregistrement (modèle, identifiant, champs).\n"
                f"fichiers/ : les fichiers déposés ({written}).\n"
            ),
        )
    if request is not None:
        audit.record(
            request,
            audit.Action.EXPORT,
            subject,
            detail=f"export droit d'accès : {len(objects)} enregistrements, {written} fichiers",
        )
    return buffer.getvalue()


def _history_keys(objects):
    """(content type, primary keys) of these rows, read now: a deleted instance loses its pk."""
    by_type = {}
    for obj in objects:
        by_type.setdefault(ContentType.objects.get_for_model(type(obj)), []).append(str(obj.pk))
    return by_type


def _scrub(history_keys):
    from auditlog.models import LogEntry

    scrubbed = 0
    for content_type, pks in history_keys.items():
        scrubbed += LogEntry.objects.filter(content_type=content_type, object_pk__in=pks).update(
            changes=None,
            changes_text="",
            object_repr=ERASED,
            serialized_data=None,
            additional_data=None,
        )
    return scrubbed


def scrub_change_history(objects):
    """django-auditlog keeps old field values: on erasure they must go too; who/when/what stays."""
    return _scrub(_history_keys(objects))


def delete_files_after_commit(files):
    # Files go only once the database change is committed: a rollback must not leave rows without files.
    def delete():
        for _obj, _field, value in files:
            try:
                value.storage.delete(value.name)
            except OSError:
                log.exception("could not delete a personal file")

    transaction.on_commit(delete)


def delete_rows(objects):
    """Delete these rows (and what cascades from them) with their files and the old values of their history."""
    objects = list(objects)
    with transaction.atomic():
        files = held_files(objects)
        for obj in objects:
            type(obj).objects.filter(pk=obj.pk).delete()
        scrub_change_history(objects)
        delete_files_after_commit(files)
    return {"records": len(objects), "files": len(files)}


def erase(subject, request=None, *, reason=""):
    """Delete the subject, everything attached to it and its files; keep an audit line without data."""
    reference = reference_of(subject)
    label, pk = subject._meta.label, subject.pk
    with transaction.atomic():
        objects = held_objects(subject)
        files = held_files(objects)
        linked = _linked(subject)
        history = _history_keys(objects)  # before the deletes, which clear the subject's pk
        subject.delete()
        for obj in linked:
            obj.delete()
        # After the deletes: django-auditlog writes one more entry per deleted row, with its values.
        scrubbed = _scrub(history)
        counts = {"records": len(objects), "files": len(files), "history_scrubbed": scrubbed}
        delete_files_after_commit(files)
        entry = audit.record(
            request,
            audit.Action.ERASE,
            None,
            object_repr=reference,
            detail=(
                f"effacement : {counts['records']} enregistrements, {counts['files']} fichiers. {reason}"
            )[:300],
        )
        entry.object_type = label
        entry.object_id = str(pk or "")
        entry.save(update_fields=["object_type", "object_id"])
    return counts


def _blank_free_text(obj):
    """Blank every free-text field (no choices, not unique, not kept on purpose); True when one changed."""
    label = obj._meta.label_lower
    changed = []
    for field in obj._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or field.choices or field.unique:
            continue
        if (label, field.name) in _kept_text or not getattr(obj, field.name):
            continue
        setattr(obj, field.name, None if field.null else "")
        changed.append(field.name)
    if changed:
        # queryset.update: no auto_now bump, no save() side effects, no new history entry with the old values.
        type(obj).objects.filter(pk=obj.pk).update(**{name: getattr(obj, name) for name in changed})
    return bool(changed)


def anonymise(subject):
    """Keep the subject's figures (stages, needs, communes, dates) and remove who the people are.

    Free text is blanked, files and the rows that hold them are deleted, the linked rows (the request
    for support the dossier came from) are deleted, and the change history is scrubbed. Returns whether
    anything changed and how many files were deleted.
    """
    with transaction.atomic():
        objects = held_objects(subject)
        files = held_files(objects)
        file_rows = {(type(obj), obj.pk) for obj, _f, _v in files}
        linked = _linked(subject)
        linked_rows = {(type(obj), obj.pk) for obj in linked}
        history = _history_keys(objects)  # before the deletes, which clear the linked rows' pk
        changed = False
        for obj in objects:
            if (type(obj), obj.pk) in file_rows | linked_rows:
                continue
            changed |= _blank_free_text(obj)
        for model, pk in file_rows:
            model.objects.filter(pk=pk).delete()
        for obj in linked:
            obj.delete()
        _scrub(history)
        delete_files_after_commit(files)
    return {"anonymised": changed or bool(files) or bool(linked), "files": len(files)}
