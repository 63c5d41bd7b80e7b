"""Back-office pages of the project itself: the access log (read-only, administrators only) and 2FA pages."""

from django.contrib import admin

from . import rights_views, roles, security
from .models import AccessLog, JobRun


class ReadOnlyForAdministrators:
    """Administrators read these records; nobody, not even a superuser, adds, edits or deletes them here."""

    def has_module_permission(self, request):
        return roles.is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.is_administrator(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyForAdministrators, admin.ModelAdmin):
    """The access log: who read, changed, downloaded or exported personal data."""

    list_display = ("at", "user", "action", "object_type", "object_repr", "address", "detail")
    list_filter = ("action", "object_type", ("at", admin.DateFieldListFilter))
    search_fields = ("object_id", "object_repr", "user__username", "address", "path")
    date_hierarchy = "at"
    list_select_related = ("user",)
    readonly_fields = (
        "at",
        "user",
        "action",
        "address",
        "object_type",
        "object_id",
        "object_repr",
        "detail",
        "path",
    )


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyForAdministrators, admin.ModelAdmin):
    """Administrators see that nightly jobs (reminders, retention) ran and what they did."""

    list_display = ("name", "started_at", "finished_at", "succeeded", "counts")
    list_filter = ("name", "succeeded")
    readonly_fields = ("name", "started_at", "finished_at", "succeeded", "counts", "message")


def _with_security_urls(get_urls):
    # The URL map (osez/urls.py) mounts ``admin.site.urls``; the second-factor pages live in the admin
    # namespace so every staff account finds them under /admin/ next to the login page; the rights desk too.
    def wrapped():
        return security.admin_urls(admin.site) + rights_views.admin_urls(admin.site) + get_urls()

    return wrapped


admin.site.get_urls = _with_security_urls(admin.site.get_urls)
admin.site.site_header = "Osez — espace des équipes"
admin.site.site_title = "Osez — espace des équipes"


# --- Third-party admin pages ------------------------------------------------------------------------
# django-otp's device pages read the device with ``objects.get()``: an unknown id answered 500. The same
# pages, with the role check first (a refusal says nothing of which ids exist) and a 404 for an unknown id.
from django.core.exceptions import PermissionDenied  # noqa: E402
from django.shortcuts import get_object_or_404  # noqa: E402
from django_otp.plugins.otp_totp import admin as totp_admin  # noqa: E402  (registers TOTPDeviceAdmin first)
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402


class TOTPDeviceAdmin(totp_admin.TOTPDeviceAdmin):
    def _device_or_404(self, request, pk):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return get_object_or_404(TOTPDevice, pk=pk)

    def config_view(self, request, pk):
        self._device_or_404(request, pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        self._device_or_404(request, pk)
        return super().qrcode_view(request, pk)


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, TOTPDeviceAdmin)


# --- French names for the third-party apps' admin sections ----------------------------------------------
# Their AppConfigs name themselves in English ("AXES", "AUDIT LOG", "OTP_STATIC"); the index and the
# breadcrumbs read ``verbose_name`` at each request, so naming them here is enough.
from django.apps import apps as _apps  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

THIRD_PARTY_APP_NAMES = {
    "axes": _("Tentatives de connexion"),
    "auditlog": _("Journal des modifications"),
    "otp_totp": _("Double authentification : applications"),
    "otp_static": _("Double authentification : codes de secours"),
    "django_otp": _("Double authentification"),
    "auth": _("Comptes et groupes"),
}
for _label, _name in THIRD_PARTY_APP_NAMES.items():
    if _apps.is_installed(_apps.get_app_config(_label).name if _label in _apps.app_configs else _label):
        _apps.get_app_config(_label).verbose_name = _name
