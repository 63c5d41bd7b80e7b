"""Where message attachments live: the private folder (``PRIVATE_MEDIA_ROOT/famille``), never given a URL."""

import uuid
from pathlib import Path

from emploi_conjoint.storage import PrivateStorage

attachment_storage = PrivateStorage("famille")


def get_attachment_storage():
    return attachment_storage


def attachment_upload_to(instance, filename):
    # The original name may hold a person's name: it stays in the database, not on disk.
    extension = Path(filename).suffix.lower()
    return f"{instance.household_id}/{uuid.uuid4().hex}{extension}"
