"""Formerly seeded the practical sheets; they now come from ``fixtures/sheets/`` (``manage.py load_sheets``).

Kept as an empty step so that databases that applied it and migrations that depend on it stay valid;
the sheets it created stay, and ``load_sheets`` never overwrites them.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portail", "0002_sheets")]

    operations = []
