from importlib import import_module

from django.apps import AppConfig
from django.contrib.admin.apps import SimpleAdminConfig
from django.db.models.signals import post_migrate


def _create_groups(sender, **kwargs):
    from .roles import ensure_groups

    ensure_groups()


class OsezConfig(AppConfig):
    """The project: registries the domain apps fill from their own ``ready()`` (see README, Architecture)."""

    default = True  # this module also holds AdminConfig: say which one "osez" means
    name = "osez"
    verbose_name = "Osez"

    def ready(self):
        from . import retention

        post_migrate.connect(_create_groups, dispatch_uid="osez-create-role-groups")
        retention.register(retention.ACCESS_LOG)


class AdminConfig(SimpleAdminConfig):
    """Django's admin, discovering every app's ``admin`` module except django-leaflet's.

    django-leaflet's admin module imports GeoDjango's widgets, which need the GDAL system library;
    we use django-leaflet only for its map template tags and keep geometry in plain lat/lon and GeoJSON.
    """

    default = False

    def ready(self):
        super().ready()
        from django.apps import apps
        from django.utils.module_loading import module_has_submodule

        for app_config in apps.get_app_configs():
            if app_config.name == "leaflet":
                continue
            if module_has_submodule(app_config.module, "admin"):
                import_module(f"{app_config.name}.admin")
