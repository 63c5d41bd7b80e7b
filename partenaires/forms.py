"""Forms of the partner organisations' staff pages (organisation, CSV import)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from communes.models import Commune
from osez.csv_import import CsvFileForm

from .models import Organisation
from .organisations_import import MAX_BYTES as IMPORT_MAX_BYTES
from .organisations_import import check_naf, check_siret


def territory_communes():
    return Commune.objects.filter(departement_id__in=settings.OSEZ_DEPARTEMENTS, is_active=True).order_by(
        "name"
    )


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Site web"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "siret",
            "naf",
            "sector",
            "commune",
            "size_band",
            "business_club",
            "website",
            "notes",
        ]
        help_texts = {
            "siret": _("14 chiffres, sur l'annuaire des entreprises (annuaire-entreprises.data.gouv.fr)."),
            "naf": _("Code d'activité, par exemple 62.01Z."),
            "business_club": _("Le club d'entreprises où vous l'avez rencontrée, s'il y en a un."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = territory_communes()

    def clean_siret(self):
        raw = self.cleaned_data.get("siret", "")
        if not raw.strip():
            return ""
        siret, error = check_siret(raw)
        if error:
            raise forms.ValidationError(error)
        return siret

    def clean_naf(self):
        naf, error = check_naf(self.cleaned_data.get("naf", ""))
        if error:
            raise forms.ValidationError(error)
        return naf


class OrganisationImportForm(CsvFileForm):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_(
            "Une ligne par organisation. Colonnes : nom, siret (obligatoires), type, naf, secteur, code_insee, "
            "effectif, club, site_web. Séparateur point-virgule ou virgule."
        ),
    )
    max_bytes = IMPORT_MAX_BYTES
    too_big = _("Le fichier dépasse 2 Mo : découpez-le en plusieurs fichiers.")
