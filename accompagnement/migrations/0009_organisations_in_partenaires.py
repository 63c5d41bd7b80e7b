# The partner organisations moved to partenaires (issue 15): the dossier's "envoyé par" follows them and
# the models leave accompagnement's state. Nothing happens in the database here: the tables and their
# rows are kept (partenaires 0001), then renamed (partenaires 0002).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accompagnement', '0008_french_labels'),
        ('emploi_conjoint', '0005_organisations_in_partenaires'),
        ('partenaires', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='household',
                    name='referrer',
                    field=models.ForeignKey(blank=True, help_text="L'employeur ou le partenaire qui a orienté la famille vers le service.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='households', to='partenaires.organisation', verbose_name='envoyé par'),
                ),
                migrations.DeleteModel(name='Contact'),
                migrations.DeleteModel(name='Organisation'),
            ],
            database_operations=[],
        ),
    ]
