# The moved tables take partenaires' names (rows, keys and the foreign keys pointing to them are kept:
# a rename), and the content types follow, so permissions and the change history stay attached.

from django.db import migrations

MODELS = ("organisation", "contact")


def move_content_types(apps, schema_editor, source="accompagnement", target="partenaires"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if ContentType.objects.filter(app_label=target, model=model).exists():
            continue
        ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="partenaires", target="accompagnement")


class Migration(migrations.Migration):

    # Renamed only once every migration that created a foreign key to the old tables has run (the old
    # apps' initial migrations name them by their old names) and the keys moved in Django's state.
    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('partenaires', '0001_initial'),
        ('accompagnement', '0009_organisations_in_partenaires'),
        ('emploi_conjoint', '0005_organisations_in_partenaires'),
    ]

    operations = [
        migrations.AlterModelTable(name='organisation', table=None),
        migrations.AlterModelTable(name='contact', table=None),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
