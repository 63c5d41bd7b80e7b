"""Create the catalogue of layers and sources (idempotent; the import also ensures it)."""

from django.db import migrations


def create_catalogue(apps, schema_editor):
    from communes.catalog import ensure_catalog

    ensure_catalog(apps.get_model("communes", "Layer"), apps.get_model("communes", "Source"))


class Migration(migrations.Migration):
    dependencies = [("communes", "0002_place_commune_row_hash")]

    operations = [migrations.RunPython(create_catalogue, migrations.RunPython.noop)]
