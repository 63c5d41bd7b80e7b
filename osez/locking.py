"""Optimistic locking for records several staff may edit at once (dossiers, candidates), with a conflict screen.

The model carries a ``version`` number; the edit form carries the version it was loaded with. A save
whose version is no longer current is refused, and the form is shown again with what the person typed
and, field by field, what is stored now next to what they typed (``form.lock_conflict``, drawn by
``templates/includes/lock_conflict.html``). From there they either save theirs over it — an explicit
button that names the version they have just seen — or take what is stored (reload the page). Locking
fails closed: a save that does not say which version it was made from (an old page, a hand-made
request) is refused the same way, never taken as current.
"""

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.db.models import F
from django.utils import formats
from django.utils.translation import gettext_lazy as _

STALE_MESSAGE = _(
    "Ce dossier a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert. "
    "Rien n'a été enregistré et vos saisies sont conservées ci-dessous : comparez champ par champ, "
    "puis enregistrez vos valeurs à la place des siennes ou reprenez les siennes."
)
MISSING_VERSION_MESSAGE = _(
    "Ce formulaire ne dit pas quelle version du dossier il modifie : impossible de savoir si quelqu'un "
    "l'a changé depuis. Rien n'a été enregistré et vos saisies sont conservées ci-dessous : comparez-les "
    "avec le dossier tel qu'il est enregistré, puis choisissez."
)
LOCK_ERROR_CODES = ("stale", "no_version")
# POST names of the conflict screen: the button that says "save mine over theirs" and the version the
# person was shown when they chose it (a colleague saving again in between shows the screen again).
RESOLUTION_FIELD = "lock_resolution"
SEEN_VERSION_FIELD = "lock_seen_version"
KEEP_MINE = "mine"


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


@dataclass
class ConflictRow:
    label: str
    theirs: str
    mine: str
    group: str = ""


@dataclass
class Conflict:
    """What the conflict screen shows: the version stored now and the fields where it differs from the input."""

    current_version: int
    missing_version: bool
    changed_at: object = None
    rows: list[ConflictRow] = field(default_factory=list)

    @property
    def message(self):
        return MISSING_VERSION_MESSAGE if self.missing_version else STALE_MESSAGE

    def add_formset(self, formset, group_label):
        """Add the rows of an inline formset (adults, children) where what was typed differs from the store.

        A formset's forms are loaded from the database at the time of the POST, so their initial values
        are what is stored now.
        """
        for index, form in enumerate(formset.forms, start=1):
            group = f"{group_label} {index}"
            for name in form.changed_data:
                if name == "id":
                    continue
                bound = form[name]
                theirs = "—" if form.instance.pk is None else display_value(form.fields[name], bound.initial)
                self.rows.append(
                    ConflictRow(
                        str(form.fields[name].label or name),
                        theirs,
                        display_value(form.fields[name], bound.data),
                        group,
                    )
                )


def _flat_choices(choices):
    flat = {}
    for key, value in choices:
        if isinstance(value, list | tuple):
            flat.update({str(k): v for k, v in value})
        else:
            flat[str(key)] = value
    return flat


def display_value(form_field, value):
    """A value as a person reads it in the conflict table: labels rather than codes, "—" for nothing."""
    empty = "—"
    if value in (None, "", [], ()):
        return empty
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        keys = [getattr(v, "pk", v) for v in value]
        try:
            objects = form_field.queryset.filter(pk__in=keys)
        except (ValueError, TypeError):
            return ", ".join(str(k) for k in keys)
        return ", ".join(form_field.label_from_instance(o) for o in objects) or empty
    if isinstance(form_field, forms.ModelChoiceField):
        if isinstance(value, models.Model):
            return form_field.label_from_instance(value)
        try:
            obj = form_field.queryset.filter(pk=value).first()
        except (ValueError, TypeError):
            obj = None
        return form_field.label_from_instance(obj) if obj else str(value)
    if isinstance(form_field, forms.BooleanField):
        return str(_("Oui")) if value not in (False, "false", "False", "off", "0") else str(_("Non"))
    if isinstance(form_field, forms.MultipleChoiceField):
        labels = _flat_choices(form_field.choices)
        return ", ".join(str(labels.get(str(v), v)) for v in value) or empty
    if isinstance(form_field, forms.ChoiceField):
        return str(_flat_choices(form_field.choices).get(str(value), value)) or empty
    if hasattr(value, "strftime"):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


class VersionedFormMixin(forms.Form):
    """Add to a ModelForm over a VersionedModel; call ``save()`` as usual.

    ``clean()`` refuses an edit without a version or over a newer one before anything is written, with
    what was typed kept in the form and ``lock_conflict`` describing the difference; a POST that carries
    the conflict screen's explicit choice (``lock_resolution=mine`` and the version it showed) saves over
    that version. ``save()`` checks again under the database's own guard (the rare race between two
    saves) and raises StaleVersionError.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lock_conflict = None
        self.overwrote = False
        if self.instance.pk:  # a ModelForm always has an instance; a new one has no version to check
            self.fields["version"].initial = self.instance.version

    def _chosen_to_overwrite(self, current):
        if self.data.get(RESOLUTION_FIELD) != KEEP_MINE:
            return False
        try:
            return int(self.data.get(SEEN_VERSION_FIELD, "")) == current
        except (TypeError, ValueError):
            return False

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            expected = cleaned.get("version")
            current = type(self.instance).objects.values_list("version", flat=True).get(pk=self.instance.pk)
            if expected != current:
                if self._chosen_to_overwrite(current):
                    cleaned["version"] = current  # "save mine over theirs", chosen on the conflict screen
                    self.overwrote = True
                else:
                    self.lock_conflict = self.build_conflict(missing=expected is None)
                    if expected is None:
                        raise forms.ValidationError(MISSING_VERSION_MESSAGE, code="no_version")
                    raise forms.ValidationError(STALE_MESSAGE, code="stale")
        return cleaned

    def build_conflict(self, missing=False):
        """Field by field, what is stored now (``theirs``) against what was typed (``mine``), where they differ."""
        fresh = type(self.instance).objects.get(pk=self.instance.pk)
        stored = forms.models.model_to_dict(fresh, fields=list(self.fields))
        stored.update(self.stored_extra_initial(fresh))
        conflict = Conflict(
            current_version=fresh.version,
            missing_version=missing,
            changed_at=getattr(fresh, "updated_at", None),
        )
        for name, form_field in self.fields.items():
            if name == "version" or form_field.disabled or name not in stored:
                continue
            typed = self[name].data
            theirs = stored[name]
            if form_field.has_changed(theirs, typed):
                conflict.rows.append(
                    ConflictRow(
                        str(form_field.label or name),
                        display_value(form_field, theirs),
                        display_value(form_field, typed),
                    )
                )
        return conflict

    def stored_extra_initial(self, fresh):
        """Initial values of form fields that are not plain model fields (override when a form has some)."""
        return {}

    def save(self, commit=True):
        instance = super().save(commit=False)
        if commit:
            try:
                instance.save_if_current(self.cleaned_data.get("version"))
            except StaleVersionError:
                self.lock_conflict = self.build_conflict()
                self.add_error(None, forms.ValidationError(STALE_MESSAGE, code="stale"))
                raise
            self.save_m2m()
        return instance
