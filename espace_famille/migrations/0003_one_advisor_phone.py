"""One phone per advisor: the family space reads the back-office's AdvisorProfile (the phone printed on
letters) instead of a model of its own. Phones already recorded here move there first; nothing is lost."""

from django.db import migrations


def move_phones(apps, schema_editor):
    AdvisorContact = apps.get_model("espace_famille", "AdvisorContact")
    AdvisorProfile = apps.get_model("accompagnement", "AdvisorProfile")
    for contact in AdvisorContact.objects.all():
        profile, _created = AdvisorProfile.objects.get_or_create(user_id=contact.user_id)
        if not profile.phone:
            profile.phone = contact.phone
            profile.save(update_fields=["phone"])


class Migration(migrations.Migration):
    dependencies = [
        ("espace_famille", "0002_seed_checklists"),
        ("accompagnement", "0007_advisor_phone"),
    ]

    operations = [
        migrations.RunPython(move_phones, migrations.RunPython.noop),
        migrations.DeleteModel(name="AdvisorContact"),
    ]
