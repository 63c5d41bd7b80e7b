"""The first checklists families see; staff edit them afterwards in the admin (this runs only once)."""

from django.db import migrations

STEPS = [
    ("ecole", 10, "Demander le certificat de radiation à l'ancienne école", "Ask the former school for the leaving certificate"),
    ("ecole", 20, "Inscrire l'enfant à la mairie de la nouvelle commune", "Register the child at the town hall of the new commune"),
    ("ecole", 30, "Prendre rendez-vous avec la directrice ou le directeur de l'école", "Make an appointment with the head teacher"),
    ("garde", 10, "Déposer une demande de place en crèche (mairie ou relais petite enfance)", "Apply for a crèche place (town hall or childcare centre)"),
    ("garde", 20, "Consulter la liste des assistantes maternelles sur monenfant.fr", "Look up childminders on monenfant.fr"),
    ("medecin", 10, "Trouver un médecin qui accepte de nouveaux patients", "Find a GP who takes new patients"),
    ("medecin", 20, "Déclarer ce médecin traitant à l'Assurance maladie (ameli.fr)", "Declare this GP to the health insurance (ameli.fr)"),
    ("logement", 10, "Signer le bail ou l'acte de vente", "Sign the lease or the deed of sale"),
    ("logement", 20, "Ouvrir les contrats d'électricité, d'eau et d'internet", "Open the electricity, water and internet contracts"),
    ("emploi_conjoint", 10, "Préparer un CV à jour avec la ou le chargé·e RH", "Prepare an up-to-date CV with the HR specialist"),
    ("", 10, "Déclarer le changement d'adresse (service-public.fr)", "Declare the change of address (service-public.fr)"),
    ("", 20, "Mettre à jour son dossier à la CAF", "Update your file with the CAF (family allowances)"),
    ("", 30, "Changer l'adresse de la carte grise", "Change the address on the vehicle registration"),
    ("", 40, "S'inscrire sur les listes électorales de la commune", "Register on the commune's electoral roll"),
]


def seed(apps, schema_editor):
    ChecklistItem = apps.get_model("espace_famille", "ChecklistItem")
    if ChecklistItem.objects.exists():
        return
    ChecklistItem.objects.bulk_create(
        ChecklistItem(need=need, order=order, label=label, label_en=label_en)
        for need, order, label, label_en in STEPS
    )


class Migration(migrations.Migration):
    dependencies = [("espace_famille", "0001_family_space")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
