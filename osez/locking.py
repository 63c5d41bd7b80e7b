"""Optimistic locking for records several staff may edit at once (dossiers, candidates).

The model carries a ``version`` number; the edit form carries the version it was loaded with. A save
whose version is no longer current is refused with a message, and the form is shown again with what
the person typed, so nothing is lost.
"""

from django import forms
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

STALE_MESSAGE = _(
    "Ce dossier a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert. "
    "Vos saisies sont conservées ci-dessous : vérifiez les changements puis enregistrez à nouveau."
)


class StaleVersionError(Exception):
    pass


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save_if_current(self, expected_version, **kwargs):
        """Save only when nobody saved since ``expected_version`` was read; bump the version."""
        if self.pk is None:
            self.save(**kwargs)
            return
        updated = (
            type(self).objects.filter(pk=self.pk, version=expected_version).update(version=F("version") + 1)
        )
        if not updated:
            raise StaleVersionError
        self.version = expected_version + 1
        self.save(**kwargs)


class VersionedFormMixin(forms.Form):
    """Add to a ModelForm over a VersionedModel; call ``save()`` as usual."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def save(self, commit=True):
        instance = super().save(commit=False)
        expected = self.cleaned_data.get("version") or instance.version
        if commit:
            try:
                instance.save_if_current(expected)
            except StaleVersionError:
                self.add_error(None, STALE_MESSAGE)
                raise
            self.save_m2m()
        return instance
