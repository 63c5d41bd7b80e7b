"""The rights of the people in the files: export everything held on a household, erase it, anonymise it.

Everything held on a household is found the way Django's delete would find it: the dossier and every
row that cascades from it (adults, children, needs, notes, tasks, the spouse's candidate record with
its consents, CV versions and introductions…), plus the request for support it was opened from. A
model another app adds later is covered without touching this module, as long as it hangs off the
dossier with a cascading foreign key.
"""

import io
import json
import logging
import zipfile
from pathlib import PurePosixPath

from django.apps import apps
from django.contrib.admin.utils import NestedObjects
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import models, router, transaction
from django.utils import timezone

from . import audit

log = logging.getLogger(__name__)

ERASED = "[effacé]"
# Text kept on anonymisation: identifiers that are not about the person, and proof of consent.
KEEP_TEXT_FIELDS = {
    ("accompagnement.household", "reference"),
    ("accompagnement.household", "consent_text_version"),
    ("emploi_conjoint.consent", "text_version"),
    ("emploi_conjoint.cvversion", "file_kind"),
}


def household_model():
    return apps.get_model("accompagnement", "Household")


def find_household(reference):
    return household_model().objects.filter(reference__iexact=reference.strip()).first()


def held_objects(household):
    """Every row held on this household (the dossier first), as a flat list."""
    collector = NestedObjects(using=router.db_for_write(type(household)))
    collector.collect([household])
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
    request = getattr(household, "support_request", None)
    if request is not None:
        found.append(request)
    return found


def file_fields(obj):
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.FileField):
            value = getattr(obj, field.name)
            if value:
                yield field, value


def held_files(objects):
    return [(obj, field, value) for obj in objects for field, value in file_fields(obj)]


def export_household(household, request=None):
    """A zip of everything held on the household: ``donnees.json``, ``LISEZMOI.txt`` and the files."""
    objects = held_objects(household)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        data = json.loads(serializers.serialize("json", objects))
        archive.writestr(
            "donnees.json",
            json.dumps(
                {
                    "dossier": household.reference,
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
                f"Données personnelles détenues par le service Osez pour le dossier {household.reference}.\n"
                "donnees.json : chaque enregistrement (modèle, identifiant, champs).\n"
                f"fichiers/ : les fichiers déposés ({written}).\n"
            ),
        )
    if request is not None:
        audit.record(
            request,
            audit.Action.EXPORT,
            household,
            detail=f"export droit d'accès : {len(objects)} enregistrements, {written} fichiers",
        )
    return buffer.getvalue()


def _scrub_change_history(objects):
    """django-auditlog keeps old field values: on erasure they must go too; who/when/what stays."""
    from auditlog.models import LogEntry

    scrubbed = 0
    by_type = {}
    for obj in objects:
        by_type.setdefault(ContentType.objects.get_for_model(type(obj)), []).append(str(obj.pk))
    for content_type, pks in by_type.items():
        scrubbed += LogEntry.objects.filter(content_type=content_type, object_pk__in=pks).update(
            changes=None,
            changes_text="",
            object_repr=ERASED,
            serialized_data=None,
            additional_data=None,
        )
    return scrubbed


def _delete_files_after_commit(files):
    # Files go only once the database change is committed: a rollback must not leave rows without files.
    def delete():
        for _obj, _field, value in files:
            try:
                value.storage.delete(value.name)
            except OSError:
                log.exception("could not delete a personal file")

    transaction.on_commit(delete)


def erase_household(household, request=None, *, reason=""):
    """Delete the household, everything attached to it and its files; keep an audit line without data."""
    reference = household.reference
    with transaction.atomic():
        objects = held_objects(household)
        files = held_files(objects)
        support_request = getattr(household, "support_request", None)
        household.delete()
        if support_request is not None:
            support_request.delete()
        # After the deletes: django-auditlog writes one more entry per deleted row, with its values.
        scrubbed = _scrub_change_history(objects)
        counts = {"records": len(objects), "files": len(files), "history_scrubbed": scrubbed}
        _delete_files_after_commit(files)
        entry = audit.record(
            request,
            audit.Action.ERASE,
            None,
            object_repr=reference,
            detail=(
                f"effacement : {counts['records']} enregistrements, {counts['files']} fichiers. {reason}"
            )[:300],
        )
        entry.object_type = household._meta.label
        entry.object_id = str(household.pk or "")
        entry.save(update_fields=["object_type", "object_id"])
    return counts


def _blank_free_text(obj):
    """Blank every free-text field (no choices, not unique, not kept on purpose); True when one changed."""
    label = obj._meta.label_lower
    changed = []
    for field in obj._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or field.choices or field.unique:
            continue
        if (label, field.name) in KEEP_TEXT_FIELDS or not getattr(obj, field.name):
            continue
        setattr(obj, field.name, None if field.null else "")
        changed.append(field.name)
    if changed:
        # queryset.update: no auto_now bump, no save() side effects, no new history entry with the old values.
        type(obj).objects.filter(pk=obj.pk).update(**{name: getattr(obj, name) for name in changed})
    return bool(changed)


def anonymise_household(household):
    """Keep the dossier's figures (stages, needs, communes, dates) and remove who the people are.

    Free text is blanked, files and the rows that hold them are deleted, the request for support the
    dossier came from is deleted, and the change history is scrubbed. Returns whether anything changed
    and how many files were deleted.
    """
    with transaction.atomic():
        objects = held_objects(household)
        files = held_files(objects)
        file_rows = {(type(obj), obj.pk) for obj, _f, _v in files}
        changed = False
        support_request = getattr(household, "support_request", None)
        for obj in objects:
            if obj is support_request or (type(obj), obj.pk) in file_rows:
                continue
            changed |= _blank_free_text(obj)
        for model, pk in file_rows:
            model.objects.filter(pk=pk).delete()
        if support_request is not None:
            support_request.delete()
        _scrub_change_history(objects)
        _delete_files_after_commit(files)
    return {"anonymised": changed or bool(files) or support_request is not None, "files": len(files)}
