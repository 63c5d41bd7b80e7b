# The partner organisations move from accompagnement to partenaires (issue 15) without losing a row:
# this migration only records the models in partenaires' state, on the tables accompagnement created;
# 0002 renames the tables. accompagnement 0009 and emploi_conjoint 0005 retarget their foreign keys
# (state only: the database constraints already point to these tables).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('communes', '0009_withdraw_personal_data'),
        ('accompagnement', '0008_french_labels'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Organisation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='nom')),
                        ('kind', models.CharField(choices=[('employer', 'Employeur'), ('recruiter', 'Cabinet ou agence de recrutement'), ('institution', 'Institution publique'), ('association', 'Association'), ('other', 'Autre')], default='employer', max_length=20, verbose_name='type')),
                        ('siret', models.CharField(blank=True, max_length=14, verbose_name='SIRET')),
                        ('naf', models.CharField(blank=True, max_length=6, verbose_name='activité (code NAF)')),
                        ('sector', models.CharField(blank=True, max_length=120, verbose_name='secteur')),
                        ('size_band', models.CharField(blank=True, choices=[('', 'Inconnue'), ('0-9', '0 à 9 salariés'), ('10-49', '10 à 49 salariés'), ('50-249', '50 à 249 salariés'), ('250+', '250 salariés et plus')], default='', max_length=10, verbose_name='effectif')),
                        ('business_club', models.CharField(blank=True, max_length=200, verbose_name="club d'entreprises")),
                        ('website', models.URLField(blank=True, verbose_name='site web')),
                        ('notes', models.TextField(blank=True, help_text="Ce qu'il faut savoir pour travailler avec ce partenaire.", verbose_name='notes')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('commune', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='communes.commune')),
                    ],
                    options={
                        'verbose_name': 'organisation partenaire',
                        'verbose_name_plural': 'organisations partenaires',
                        'ordering': ['name'],
                        'db_table': 'accompagnement_organisation',
                    },
                ),
                migrations.CreateModel(
                    name='Contact',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='nom')),
                        ('role', models.CharField(blank=True, max_length=200, verbose_name='fonction')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='courriel')),
                        ('phone', models.CharField(blank=True, max_length=30, verbose_name='téléphone')),
                        ('notes', models.TextField(blank=True, verbose_name='notes')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='partenaires.organisation')),
                    ],
                    options={
                        'verbose_name': 'contact',
                        'db_table': 'accompagnement_contact',
                    },
                ),
                migrations.AddConstraint(
                    model_name='organisation',
                    constraint=models.UniqueConstraint(condition=models.Q(('siret', ''), _negated=True), fields=('siret',), name='organisation_unique_siret'),
                ),
            ],
            database_operations=[],
        ),
    ]
