"""Seeds a few neutral, generic practical sheets (one per theme) so the public /fiches/ page is not empty.

Staff rewrite or unpublish them from the back-office; they name no real person or organisation.
"""

from django.db import migrations

SHEETS = [
    {
        "slug": "chercher-un-logement",
        "title": "Chercher un logement",
        "theme": "logement",
        "summary": "Les étapes pour louer ou acheter, et les aides auxquelles vous avez peut-être droit.",
        "body": (
            "## Louer\n\n"
            "Les annonces se trouvent auprès des agences immobilières, des notaires, des bailleurs sociaux "
            "et sur les sites d'annonces entre particuliers. Préparez un dossier complet : pièce d'identité, "
            "justificatifs de revenus, contrat de travail ou promesse d'embauche.\n\n"
            "## Acheter\n\n"
            "Renseignez-vous auprès de la mairie sur les projets de la commune et sur les aides locales "
            "à l'accession.\n\n"
            "## Les aides\n\n"
            "- l'aide personnalisée au logement (APL), à demander à la CAF ;\n"
            "- la garantie Visale, pour se porter garant de votre loyer ;\n"
            "- l'aide à la mobilité d'Action Logement, si vous changez d'emploi.\n\n"
            "Votre conseillère ou conseiller peut vous aider à préparer votre dossier."
        ),
    },
    {
        "slug": "trouver-un-medecin-traitant",
        "title": "Trouver un médecin traitant",
        "theme": "sante",
        "summary": "Comment déclarer un médecin traitant après votre arrivée, et qui contacter si personne ne répond.",
        "body": (
            "## Pourquoi déclarer un médecin traitant\n\n"
            "Vos consultations sont mieux remboursées et votre médecin coordonne votre suivi.\n\n"
            "## Comment faire\n\n"
            "1. Contactez les cabinets proches de votre commune (voir la page de votre commune).\n"
            "2. Si aucun médecin n'accepte de nouveaux patients, signalez-le à votre caisse d'assurance maladie.\n"
            "3. Parlez-en à votre conseillère ou conseiller : l'équipe connaît les cabinets qui accueillent "
            "de nouveaux patients.\n\n"
            "En cas d'urgence, appelez le 15."
        ),
    },
    {
        "slug": "inscrire-son-enfant-a-l-ecole-ou-en-creche",
        "title": "Inscrire son enfant à l'école ou en crèche",
        "theme": "petite_enfance_ecole",
        "summary": "Les démarches d'inscription, de la crèche au lycée.",
        "body": (
            "## Crèche et assistante maternelle\n\n"
            "Les places en crèche s'attribuent souvent plusieurs mois à l'avance : contactez le relais petite "
            "enfance de votre secteur dès que votre projet se précise.\n\n"
            "## École maternelle et élémentaire\n\n"
            "L'inscription se fait d'abord à la mairie de votre commune de résidence, puis auprès de l'école.\n\n"
            "## Collège et lycée\n\n"
            "L'affectation dépend de votre adresse. Contactez la direction des services départementaux de "
            "l'Éducation nationale pour connaître l'établissement de secteur."
        ),
    },
    {
        "slug": "l-emploi-de-votre-conjoint",
        "title": "L'emploi de votre conjoint·e",
        "theme": "emploi_conjoint",
        "summary": "Un accompagnement pour que votre conjoint·e trouve aussi un emploi sur le territoire.",
        "body": (
            "## Ce que nous proposons\n\n"
            "- un entretien pour faire le point sur son parcours et ses souhaits ;\n"
            "- une relecture de son CV ;\n"
            "- des mises en relation avec des entreprises et des cabinets de recrutement du territoire.\n\n"
            "## Comment en bénéficier\n\n"
            "Cochez « Emploi du conjoint » dans votre demande d'accompagnement."
        ),
    },
    {
        "slug": "se-deplacer",
        "title": "Se déplacer",
        "theme": "mobilite",
        "summary": "Train, car, covoiturage : les solutions pour se déplacer au quotidien.",
        "body": (
            "## Les transports en commun\n\n"
            "Les lignes de car régionales desservent de nombreuses communes. Les horaires sont publiés par "
            "la région.\n\n"
            "## Le covoiturage\n\n"
            "Des aires de covoiturage existent près des principaux axes routiers.\n\n"
            "## Les distances sur ce site\n\n"
            "Les distances indiquées sur ce site sont mesurées à vol d'oiseau, entre le centre des communes : "
            "le trajet par la route est plus long."
        ),
    },
    {
        "slug": "participer-a-la-vie-locale",
        "title": "Participer à la vie locale",
        "theme": "vie_locale",
        "summary": "Associations, clubs sportifs, fêtes de village : comment rencontrer vos voisins.",
        "body": (
            "## Les associations\n\n"
            "La mairie tient souvent la liste des associations de la commune, et beaucoup organisent un forum "
            "à la rentrée.\n\n"
            "## Le sport\n\n"
            "La page de chaque commune indique les équipements sportifs proches.\n\n"
            "## Les nouveaux habitants\n\n"
            "Certaines communes organisent une réception d'accueil des nouveaux habitants : signalez-vous en mairie."
        ),
    },
]


def seed(apps, schema_editor):
    Sheet = apps.get_model("portail", "Sheet")
    for order, data in enumerate(SHEETS):
        Sheet.objects.get_or_create(slug=data["slug"], defaults={**data, "is_published": True, "order": order})


def unseed(apps, schema_editor):
    apps.get_model("portail", "Sheet").objects.filter(slug__in=[s["slug"] for s in SHEETS]).delete()


class Migration(migrations.Migration):
    dependencies = [("portail", "0002_sheets")]

    operations = [migrations.RunPython(seed, unseed)]
