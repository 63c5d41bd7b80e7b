"""Values the public pages need on every page: the name of the configured territory."""

from django.conf import settings

from communes.departements import DEPARTEMENTS


def territory(request):
    codes = settings.OSEZ_DEPARTEMENTS
    return {"territory_name": ", ".join(DEPARTEMENTS[c] for c in codes) if len(codes) <= 3 else "France"}
