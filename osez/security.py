"""Two-factor authentication (TOTP, django-otp) for every staff page when ``OSEZ_REQUIRE_2FA`` is on.

After the password step of ``/admin/login/``, a middleware sends a staff account that has not yet
proved its second factor in this session to a code page; an account without an authenticator yet is
sent to a set-up page that shows a QR code drawn here as SVG (no third-party service sees the secret).
The middleware covers every page under ``/admin/``, the Django admin and the apps' staff pages alike,
which a custom ``AdminSite`` alone would not.
"""

import base64
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_totp.models import TOTPDevice

STAFF_PREFIX = "/admin/"
VERIFY_URL_NAME = "admin:osez-otp-verify"
SETUP_URL_NAME = "admin:osez-otp-setup"
DEVICE_NAME = "Application d'authentification"


def _exempt_paths():
    # Logging in and out, and the two pages of the second step, must stay reachable before it is done.
    return {
        reverse("admin:login"),
        reverse("admin:logout"),
        reverse(VERIFY_URL_NAME),
        reverse(SETUP_URL_NAME),
    }


class StaffTwoFactorMiddleware:
    """Place after ``django_otp.middleware.OTPMiddleware`` (it needs ``request.user.is_verified``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.OSEZ_REQUIRE_2FA and request.path.startswith(STAFF_PREFIX):
            user = request.user
            if user.is_authenticated and not user.is_verified() and request.path not in _exempt_paths():
                has_device = django_otp.user_has_device(user, confirmed=True)
                target = reverse(VERIFY_URL_NAME if has_device else SETUP_URL_NAME)
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code à 6 chiffres de votre application d'authentification"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_otp_token(self):
        token = self.cleaned_data["otp_token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("Le code ne contient que des chiffres."))
        return token


def _next_url(request):
    candidate = request.POST.get("next") or request.GET.get("next") or reverse("admin:index")
    if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure()):
        return candidate
    return reverse("admin:index")


def qr_code_data_uri(text):
    """The QR code of ``text`` as an SVG data URI (the CSP allows ``data:`` images, not inline styles)."""
    svg = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _context(admin_site, request, **extra):
    return {**admin_site.each_context(request), "next": _next_url(request), **extra}


def verify_view(admin_site):
    @never_cache
    @sensitive_post_parameters("otp_token")
    def view(request):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied  # a partner employer's account: no back-office, no second factor here
        if not django_otp.user_has_device(request.user, confirmed=True):
            return redirect(f"{reverse(SETUP_URL_NAME)}?{urlencode({'next': _next_url(request)})}")
        form = TokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            device = django_otp.match_token(request.user, form.cleaned_data["otp_token"])
            if device is not None and device.confirmed:
                django_otp.login(request, device)
                return redirect(_next_url(request))
            form.add_error(
                "otp_token", _("Ce code n'est pas valide ou a expiré : saisissez le code affiché maintenant.")
            )
        context = _context(admin_site, request, form=form, title=_("Vérification en deux étapes"))
        return render(request, "osez/security/otp_verify.html", context)

    return view


def setup_view(admin_site):
    @never_cache
    @sensitive_post_parameters("otp_token")
    def view(request):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_staff:
            raise PermissionDenied  # a partner employer's account: no back-office, no second factor here
        if django_otp.user_has_device(user, confirmed=True):
            # A device already set up is replaced only by an administrator (admin of TOTP devices).
            return redirect(f"{reverse(VERIFY_URL_NAME)}?{urlencode({'next': _next_url(request)})}")
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        form = TokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if device.verify_token(form.cleaned_data["otp_token"]):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                django_otp.login(request, device)
                return redirect(_next_url(request))
            form.add_error(
                "otp_token",
                _(
                    "Ce code ne correspond pas : vérifiez l'heure de votre téléphone et saisissez le code affiché."
                ),
            )
        secret = base64.b32encode(device.bin_key).decode("ascii")
        context = _context(
            admin_site,
            request,
            form=form,
            title=_("Activer la vérification en deux étapes"),
            qr_code=qr_code_data_uri(device.config_url),
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        )
        return render(request, "osez/security/otp_setup.html", context)

    return view


def admin_urls(admin_site):
    """Routes added to the admin site (named ``admin:osez-otp-verify`` and ``admin:osez-otp-setup``)."""
    return [
        path("securite/verification/", verify_view(admin_site), name="osez-otp-verify"),
        path("securite/activation/", setup_view(admin_site), name="osez-otp-setup"),
    ]
