"""Partner employers' own space (issue 17): their accounts, the territory kits they make for a job, and
the recruits they refer to the service with the recruit's consent.

An employer account is limited to one organisation and never holds a staff role; what it may read of a
referred recruit's dossier is the stage, and only while the recruit agrees to share it.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# The commutes an employer may choose (km, as the crow flies from the workplace's centre): beyond 50 km
# the area is a département, not a place to live near one's job.
COMMUTE_MIN_KM = 5
COMMUTE_MAX_KM = 50
# What the recruit agrees to, versioned like the public form's consent text.
REFERRAL_CONSENT_VERSION = "employeur-2026-12"


def new_token():
    # 32 random bytes: an unguessable address that can be shared with a candidate without an account.
    return secrets.token_urlsafe(32)


class EmployerAccount(models.Model):
    """A partner employer's person (a recruiter, an HR officer) with an account limited to it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employer_account"
    )
    organisation = models.ForeignKey(
        "partenaires.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="employer_accounts",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("compte employeur")
        verbose_name_plural = _("comptes employeur")
        ordering = ["organisation__name", "user__last_name"]

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.organisation})"


class TerritoryKit(models.Model):
    """The area around a job's workplace, described for a candidate and their family (no personal data)."""

    organisation = models.ForeignKey(
        "partenaires.Organisation", on_delete=models.CASCADE, related_name="territory_kits"
    )
    job_title = models.CharField(_("intitulé du poste"), max_length=200)
    workplace = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("commune du lieu de travail"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    commute_km = models.PositiveSmallIntegerField(
        _("trajet domicile-travail (km)"),
        validators=[MinValueValidator(COMMUTE_MIN_KM), MaxValueValidator(COMMUTE_MAX_KM)],
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("kit territoire")
        verbose_name_plural = _("kits territoire")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.job_title} — {self.workplace.name}"


class Referral(models.Model):
    """A recruit who will move here, referred by their employer, with what the recruit agreed to."""

    organisation = models.ForeignKey(
        "partenaires.Organisation", on_delete=models.CASCADE, related_name="referrals"
    )
    household = models.OneToOneField(
        "accompagnement.Household",
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        related_name="employer_referral",
    )
    # The name the employer typed, shown back to it: its page never reads the dossier itself.
    recruit_name = models.CharField(_("salarié·e"), max_length=200)
    job_title = models.CharField(_("poste"), max_length=200, blank=True)
    consent_contact = models.BooleanField(_("accepte d'être contacté·e par le service"))
    consent_share_stage = models.BooleanField(
        _("accepte que l'employeur voie l'étape de son installation"), default=False
    )
    consent_text_version = models.CharField(max_length=30, default=REFERRAL_CONSENT_VERSION)
    consented_at = models.DateTimeField(_("accord recueilli le"))
    share_withdrawn_at = models.DateTimeField(_("partage retiré le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("orienté·e le"), auto_now_add=True)

    class Meta:
        verbose_name = _("orientation par un employeur")
        verbose_name_plural = _("orientations par un employeur")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.recruit_name} ({self.organisation})"

    @property
    def shares_stage(self):
        return self.consent_share_stage and self.share_withdrawn_at is None
