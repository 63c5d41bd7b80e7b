"""What the public site stores: requests for support as the family typed them, and thematic sheets."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .enums import ArrivalHorizon, ContactPreference


class SupportRequest(models.Model):
    """A family's request for support, exactly as submitted on /demande/ (the dossier is opened from it)."""

    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    email = models.EmailField(_("courriel"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    contact_preference = models.CharField(
        _("contact souhaité"),
        max_length=10,
        choices=ContactPreference.choices,
        default=ContactPreference.EMAIL,
    )
    adults = models.PositiveSmallIntegerField(_("nombre d'adultes"), default=1)
    # [{"first_name": "…", "birth_year": 2019}, …] — first names are optional.
    children = models.JSONField(_("enfants"), default=list, blank=True)
    origin = models.CharField(_("vous habitez actuellement à"), max_length=200)
    communes_considered = models.ManyToManyField(
        "communes.Commune", verbose_name=_("communes envisagées"), blank=True, related_name="+"
    )
    needs = models.JSONField(_("besoins"), default=list)  # codes of portail.enums.Need
    arrival_horizon = models.CharField(_("arrivée prévue"), max_length=10, choices=ArrivalHorizon.choices)
    employer = models.CharField(_("employeur (si connu)"), max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)
    # The campaign and referral the family arrived by (portail.campaign), as the form's hidden fields sent
    # them, cleaned; copied to the dossier.
    campaign_source = models.CharField(_("source (campagne)"), max_length=60, blank=True)
    campaign_medium = models.CharField(_("support (campagne)"), max_length=60, blank=True)
    campaign_name = models.CharField(_("campagne"), max_length=60, blank=True)
    referral = models.CharField(_("orienté par"), max_length=60, blank=True)
    consent_text_version = models.CharField(_("version du texte de consentement"), max_length=20)
    consent_given_at = models.DateTimeField(_("consentement donné le"), default=timezone.now)
    # What the family quotes when it writes to us ("DEM-2026-7K3P9Q"), given on the confirmation and by e-mail.
    reference = models.CharField(
        _("référence"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    # A token the form carries: the same form posted twice (double click, a retried POST) is one request.
    submission_key = models.UUIDField(
        _("clé d'envoi du formulaire"), unique=True, null=True, blank=True, editable=False
    )
    # The language of the page the family wrote from (/en/demande/ → "en"): its confirmation and the
    # family-space link are sent in it, and advisors know which language to answer in.
    language = models.CharField(
        _("langue de la demande"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("demande d'accompagnement")
        verbose_name_plural = _("demandes d'accompagnement")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.first_name} {self.last_name} ({self.created_at:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = new_reference()
        super().save(*args, **kwargs)


# No 0/O or 1/I/L: a reference is read aloud on the phone and copied by hand.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference():
    """ "DEM-2026-7K3P9Q": the year and six random characters (about 900 million a year, checked unique)."""
    import secrets

    while True:
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        reference = f"DEM-{timezone.localdate().year}-{code}"
        if not SupportRequest.objects.filter(reference=reference).exists():
            return reference


# Bumped whenever the wording of the consent checkbox on /demande/ changes, so each request records
# which text the family agreed to (the texts themselves are kept in portail.forms.CONSENT_TEXTS).
CONSENT_TEXT_VERSION = "2026-11-v1"


class SheetTheme(models.TextChoices):
    HOUSING = "logement", _("Logement")
    HEALTH = "sante", _("Santé")
    CHILDHOOD_SCHOOL = "petite_enfance_ecole", _("Petite enfance et école")
    SPOUSE_JOB = "emploi_conjoint", _("Emploi du conjoint")
    MOBILITY = "mobilite", _("Mobilité")
    LOCAL_LIFE = "vie_locale", _("Vie locale")


class SheetQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Sheet(models.Model):
    """A practical sheet written by staff in the back-office (Markdown body, rendered sanitised)."""

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("adresse (slug)"), max_length=200, unique=True)
    theme = models.CharField(_("thème"), max_length=30, choices=SheetTheme.choices)
    summary = models.CharField(
        _("résumé"), max_length=300, help_text=_("Une ou deux phrases, montrées dans la liste.")
    )
    body = models.TextField(_("texte (Markdown)"))
    is_published = models.BooleanField(_("publiée"), default=False)
    order = models.PositiveSmallIntegerField(_("ordre dans le thème"), default=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour"), auto_now=True)

    objects = SheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("fiche pratique")
        verbose_name_plural = _("fiches pratiques")
        ordering = ["theme", "order", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portail:sheet", kwargs={"slug": self.slug})

    TRANSLATED_FIELDS = ("title", "summary", "body")  # registered in portail/translation.py

    def missing_languages(self):
        """The site's languages this sheet has no complete text in (its French text is shown there)."""
        return tuple(
            code
            for code, _name in settings.LANGUAGES
            if code != settings.MODELTRANSLATION_DEFAULT_LANGUAGE
            and not all(
                (getattr(self, f"{name}_{code}", None) or "").strip() for name in self.TRANSLATED_FIELDS
            )
        )

    def is_shown_untranslated(self):
        """True on a page whose language this sheet is not translated into (the French text is shown)."""
        return translation.get_language() in self.missing_languages()


class SheetAttachment(models.Model):
    """A file attached to a sheet (a form to fill, a leaflet), served through the sheet's page."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("intitulé"), max_length=200)
    file = models.FileField(_("fichier"), upload_to="fiches/")

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portail:sheet-attachment", kwargs={"slug": self.sheet.slug, "pk": self.pk})
