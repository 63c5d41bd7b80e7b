"""URL map of the whole site (see docs in ../shared/docs/contract.md for the public contract)."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from . import views

handler404 = "osez.views.error_404"
handler500 = "osez.views.error_500"

# Public pages, in French at their unprefixed URLs and in English under /en/ (osez/i18n.py). A public
# app joins both languages with one line here, e.g. path("evenements/", include("evenements.urls")).
# The catch-all "" include of the portal stays last.
PUBLIC_PAGES = [
    path("evenements/", include("evenements.urls")),
    path("", include("portail.urls")),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/accompagnement/", include("accompagnement.urls")),
    path("admin/emploi/", include("emploi_conjoint.urls")),
    path("admin/famille/", include("espace_famille.staff_urls")),
    path("admin/evenements/", include("evenements.staff_urls")),
    path("admin/partenaires/", include("partenaires.urls")),
    path("admin/employeurs/", include("employeurs.staff_urls")),
    # The organisations' admin pages moved with their model (issue 15): old bookmarks still lead there.
    re_path(
        r"^admin/accompagnement/organisation/(?P<rest>.*)$",
        admin.site.admin_view(
            RedirectView.as_view(
                url="/admin/partenaires/organisation/%(rest)s", query_string=True, permanent=True
            )
        ),
    ),
    path("admin/", admin.site.urls),
    path("api/", include("communes.api.urls")),
    path("mon-espace/", include("espace_famille.urls")),
    path("employeur/", include("employeurs.urls")),
    *i18n_patterns(*PUBLIC_PAGES, prefix_default_language=False),
]
