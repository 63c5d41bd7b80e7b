# The partner organisations moved to partenaires (issue 15): the foreign keys follow them in Django's
# state; in the database they already point to the same rows (partenaires 0001 keeps the tables).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('emploi_conjoint', '0004_jobs_and_constraints_for_matching'),
        ('partenaires', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='introduction',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='introductions', to='partenaires.organisation', verbose_name='organisation'),
                ),
                migrations.AlterField(
                    model_name='introductionstep',
                    name='contact',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='partenaires.contact', verbose_name='interlocuteur·rice'),
                ),
                migrations.AlterField(
                    model_name='opportunity',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='opportunities', to='partenaires.organisation', verbose_name='organisation'),
                ),
            ],
            database_operations=[],
        ),
    ]
