"""The consent text a candidate agrees to before their CV is shown to a company, with its version."""

from django.utils.translation import gettext_lazy as _

# Bump the version whenever the wording changes: each consent records the version the person agreed to.
CURRENT_VERSION = "2026-01"

TEXT = _(
    "J'accepte que l'équipe Osez présente mon profil et transmette mon CV aux entreprises et cabinets de "
    "recrutement avec lesquels elle est en relation, pour m'aider à trouver un emploi. Je peux retirer "
    "cet accord à tout moment en le demandant à ma ou mon chargé·e RH ; aucun CV ne sera plus transmis "
    "à partir de ce jour."
)
