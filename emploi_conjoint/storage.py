"""Where CVs live: a folder under ``settings.PRIVATE_MEDIA_ROOT``, outside the public media, never given a URL."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage whose root is read from settings at each use.

    Django's FileSystemStorage caches its location at first use and only resets it when MEDIA_ROOT
    changes; the tests (and an operator moving the folder) change PRIVATE_MEDIA_ROOT, so we read it lazily.
    """

    def __init__(self, subdir="cv"):
        self.subdir = subdir
        super().__init__()

    @property
    def base_location(self):
        return str(Path(settings.PRIVATE_MEDIA_ROOT) / self.subdir)

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):
        # No URL: a CV is only ever served by the download view, after the role check.
        return None

    def url(self, name):
        raise ValueError("private files have no public URL")

    def deconstruct(self):
        return ("emploi_conjoint.storage.PrivateStorage", (), {"subdir": self.subdir})


cv_storage = PrivateStorage("cv")


def get_cv_storage():
    return cv_storage


def cv_upload_to(instance, filename):
    # The person's name is in the original file name: keep it in the database only, not on disk.
    extension = Path(filename).suffix.lower()
    return f"{instance.candidate_id}/{uuid.uuid4().hex}{extension}"


consent_storage = PrivateStorage("consentements")


def get_consent_storage():
    return consent_storage


def consent_proof_upload_to(instance, filename):
    extension = Path(filename).suffix.lower()
    return f"{instance.candidate_id}/{uuid.uuid4().hex}{extension}"
