"""Optimistic locking for records several staff may edit at once (dossiers, candidates).

The model carries a ``version`` number; the edit form carries the version it was loaded with. A save
whose version is no longer current is refused with a message, and the form is shown again with what
the person typed, so nothing is lost. Locking fails closed: a save that does not say which version it
was made from (an old page, a hand-made request) is refused the same way, never taken as current.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

STALE_MESSAGE = _(
    "Ce dossier a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert. "
    "Vos saisies sont conservées ci-dessous : vérifiez les changements puis enregistrez à nouveau."
)
MISSING_VERSION_MESSAGE = _(
    "Ce formulaire ne dit pas quelle version du dossier il modifie : impossible de savoir si quelqu'un "
    "l'a changé depuis. Rien n'a été enregistré et vos saisies sont conservées ci-dessous : rouvrez le "
    "dossier dans un autre onglet pour voir sa version actuelle, puis reportez-y vos changements."
)
LOCK_ERROR_CODES = ("stale", "no_version")


class StaleVersionError(Exception):
    pass


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save_if_current(self, expected_version, **kwargs):
        """Save only when nobody saved since ``expected_version`` was read; bump the version.

        ``expected_version`` None (the form did not say) is refused like a stale one.
        """
        if self.pk is None:
            self.save(**kwargs)
            return
        if expected_version is None:
            raise StaleVersionError
        updated = (
            type(self).objects.filter(pk=self.pk, version=expected_version).update(version=F("version") + 1)
        )
        if not updated:
            raise StaleVersionError
        self.version = expected_version + 1
        self.save(**kwargs)


def lock_refusal(form):
    """The locking message a bound form was refused with, or None (for a page's flash message)."""
    for code in LOCK_ERROR_CODES:
        if form.has_error(NON_FIELD_ERRORS, code=code):
            return MISSING_VERSION_MESSAGE if code == "no_version" else STALE_MESSAGE
    return None


class VersionedFormMixin(forms.Form):
    """Add to a ModelForm over a VersionedModel; call ``save()`` as usual.

    ``clean()`` refuses an edit without a version or over a newer one before anything is written, with
    what was typed kept in the form; ``save()`` checks again under the database's own guard (the rare
    race between two saves) and raises StaleVersionError.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # a ModelForm always has an instance; a new one has no version to check
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            expected = cleaned.get("version")
            if expected is None:
                raise forms.ValidationError(MISSING_VERSION_MESSAGE, code="no_version")
            current = type(self.instance).objects.values_list("version", flat=True).get(pk=self.instance.pk)
            if expected != current:
                raise forms.ValidationError(STALE_MESSAGE, code="stale")
        return cleaned

    def save(self, commit=True):
        instance = super().save(commit=False)
        if commit:
            try:
                instance.save_if_current(self.cleaned_data.get("version"))
            except StaleVersionError:
                self.add_error(None, forms.ValidationError(STALE_MESSAGE, code="stale"))
                raise
            self.save_m2m()
        return instance
