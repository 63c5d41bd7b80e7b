"""What the employer space does: accounts, kits, referrals, and the stage a recruit agreed to share."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accompagnement import services as dossiers
from osez import roles

from .models import REFERRAL_CONSENT_VERSION, EmployerAccount, Referral, TerritoryKit


class ReferralRefused(Exception):
    """A referral that cannot open a dossier (the recruit did not agree to be contacted)."""


def password_link(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("employeurs:password-set", kwargs={"uidb64": uid, "token": token})
    return settings.OSEZ_BASE_URL.rstrip("/") + path


@transaction.atomic
def create_account(organisation, *, first_name, last_name, email, by):
    """An account limited to ``organisation``: no staff role, no password until its owner chooses one
    through the link sent by e-mail (Django's password-reset token: single use, expires)."""
    user = get_user_model().objects.create_user(
        username=email, email=email, first_name=first_name, last_name=last_name, is_staff=False
    )
    user.set_unusable_password()
    user.save()
    user.groups.add(roles.ensure_groups()[roles.EMPLOYER])
    account = EmployerAccount.objects.create(user=user, organisation=organisation, created_by=by)
    context = {"account": account, "link": password_link(user), "site_name": settings.OSEZ_SITE_NAME}
    transaction.on_commit(
        lambda: send_mail(
            _("Votre espace employeur partenaire — %(site)s") % {"site": settings.OSEZ_SITE_NAME},
            render_to_string("employeurs/email/account_created.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
    )
    return account


def create_kit(account, *, job_title, workplace, commute_km):
    return TerritoryKit.objects.create(
        organisation=account.organisation,
        job_title=job_title,
        workplace=workplace,
        commute_km=commute_km,
        created_by=account.user,
    )


def refer(account, data):
    """Open a dossier for a recruit who will move here, through the back-office's own service."""
    if not data.get("consent_contact"):
        raise ReferralRefused(_("Le ou la salarié·e n'a pas accepté d'être contacté·e."))
    organisation = account.organisation
    with transaction.atomic():
        household = dossiers.open_from_referral(
            referrer=organisation,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data.get("email") or "",
            phone=(data.get("phone") or "").strip(),
            adults=data.get("adults") or 1,
            children_birth_years=data.get("children") or [],
            arrival_date=data.get("arrival_date"),
            origin=data.get("origin") or "",
            consent_text_version=REFERRAL_CONSENT_VERSION,
        )
        return Referral.objects.create(
            organisation=organisation,
            household=household,
            recruit_name=f"{data['first_name']} {data['last_name']}".strip(),
            job_title=data.get("job_title") or "",
            consent_contact=True,
            consent_share_stage=bool(data.get("consent_share_stage")),
            consented_at=timezone.now(),
            created_by=account.user,
        )


def withdraw_stage_sharing(referral):
    """The recruit no longer shares their stage: the employer's page stops showing it at once."""
    if referral.share_withdrawn_at is None and referral.consent_share_stage:
        Referral.objects.filter(pk=referral.pk).update(share_withdrawn_at=timezone.now())
        referral.refresh_from_db(fields=["share_withdrawn_at"])
    return referral


def referrals_seen_by(account):
    """The organisation's referrals, with the stage only where the recruit shares it (nothing else)."""
    rows = []
    for referral in Referral.objects.filter(organisation=account.organisation).select_related("household"):
        stage = referral.household.get_stage_display() if referral.shares_stage else None
        rows.append({"referral": referral, "stage": stage})
    return rows


def merge_referral(source, target):
    """A merge of two dossiers (registered from apps.py): the employer's referral follows the recruit to the
    dossier kept, unless that one came from a referral of its own (a dossier has one referral at most)."""
    if Referral.objects.filter(household=target).exists():
        return 0
    return Referral.objects.filter(household=source).update(household=target)
