"""The frame of the apps' own staff pages: one render helper, and the staff navigation each app adds to.

Staff pages (the dossiers, the HR workspace…) are drawn inside the Django admin's frame — its header,
the staff navigation, the logout link — but without the admin's app sidebar. Every such view renders
with ``render_staff()``; every app declares its entries of the navigation with ``add_nav_link()`` from
its ``AppConfig.ready()``, and the ``{% staff_nav %}`` tag (``osez/templatetags/staff.py``) shows the
ones the account's roles open.
"""

from dataclasses import dataclass

from django.contrib import admin
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from . import roles


@dataclass(frozen=True)
class NavLink:
    url_name: str
    label: str
    roles: tuple[str, ...]
    order: int


_nav: list[NavLink] = []


def add_nav_link(url_name, label, *, roles, order):
    """Show ``label`` linking to ``url_name`` to the accounts holding one of ``roles`` (lowest order first).

    Two entries that lead to the same page (one label per role) show once, the first that applies.
    """
    link = NavLink(url_name, label, tuple(roles), order)
    if link not in _nav:
        _nav.append(link)
        _nav.sort(key=lambda item: item.order)


def nav_links(request):
    """The entries of the staff navigation for the account making ``request``: url, label, current."""
    held = roles.role_names(getattr(request, "user", None))
    links, seen = [], set()
    for link in _nav:
        if held.isdisjoint(link.roles):
            continue
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:
            continue
        if url in seen:
            continue
        seen.add(url)
        links.append({"url": url, "label": link.label, "current": request.path == url})
    return links


def render_staff(request, template_name, context=None, *, status=200):
    """Render a staff page inside the admin's frame (header, staff navigation, logout), without its sidebar.

    Only what the frame needs: ``admin.site.each_context()`` would also build the app list, one role
    query per registered model, on every page.
    """
    site = admin.site
    frame = {
        "site_title": site.site_title,
        "site_header": site.site_header,
        "site_url": site.site_url,
        "has_permission": site.has_permission(request),
        "available_apps": [],
        "is_popup": False,
        "is_nav_sidebar_enabled": False,
    }
    return render(request, template_name, {**frame, **(context or {})}, status=status)
