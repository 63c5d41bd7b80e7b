"""The one role API: who holds which role, the view decorator, the people of a role, the staff navigation."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from osez import roles, staff
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("groups", "asked", "expected"),
    [
        ([roles.ADVISOR], [roles.ADVISOR], True),
        ([roles.ADVISOR], [roles.HR, roles.ADVISOR], True),
        ([roles.ADVISOR], [roles.HR], False),
        ([roles.HR], [roles.ADVISOR, roles.TEAM_LEAD], False),
        ([roles.ADMIN], [roles.HR], True),  # an administrator holds every role
        ([roles.ADMIN], [], True),
        ([roles.TEAM_LEAD], [], False),
        (["a group that is no role"], ["a group that is no role"], False),
        ([], [roles.ADVISOR], False),
    ],
)
def test_has_role(groups, asked, expected):
    assert roles.has_role(UserFactory(roles=groups), *asked) is expected


def test_a_superuser_holds_every_role_and_an_inactive_account_none():
    superuser = UserFactory(is_superuser=True)
    assert roles.has_role(superuser, roles.MARKETING)
    assert roles.role_names(superuser) == frozenset(roles.ROLE_LABELS)
    inactive = UserFactory(roles=[roles.ADMIN], is_active=False)
    assert not roles.has_role(inactive, roles.ADVISOR)
    assert roles.role_names(inactive) == frozenset()
    assert roles.role_names(AnonymousUser()) == frozenset()
    assert not roles.has_role(AnonymousUser(), roles.ADVISOR)
    # A request that has no user at all (before authentication ran) holds nothing either.
    assert roles.role_names(None) == frozenset() and roles.group_names(None) == frozenset()
    assert not roles.is_administrator(None) and not roles.has_role(None, roles.ADMIN)


def test_group_names_are_read_once_per_user_object(django_assert_num_queries):
    user = UserFactory(roles=[roles.ADVISOR, roles.HR])
    with django_assert_num_queries(1):
        assert roles.has_role(user, roles.HR)
        assert roles.has_role(user, roles.ADVISOR)
        assert not roles.has_role(user, roles.MARKETING)


def test_role_required_sends_visitors_to_login_and_refuses_other_roles():
    @roles.role_required(roles.HR)
    def view(request):
        return HttpResponse("ok")

    request = RequestFactory().get("/admin/emploi/")
    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302 and response["Location"].startswith(
        "/admin/login/?next=/admin/emploi/"
    )
    request.user = UserFactory(roles=[roles.ADVISOR])
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = UserFactory(roles=[roles.HR])
    assert view(request).content == b"ok"


def test_users_with_role_lists_active_members_once():
    both = UserFactory(roles=[roles.ADVISOR, roles.TEAM_LEAD])
    advisor = UserFactory(roles=[roles.ADVISOR])
    UserFactory(roles=[roles.ADVISOR], is_active=False)
    UserFactory(roles=[roles.HR])
    assert set(roles.users_with_role(roles.ADVISOR, roles.TEAM_LEAD)) == {both, advisor}
    assert roles.users_with_role(roles.ADVISOR, roles.TEAM_LEAD).count() == 2


def test_apps_grant_model_permissions_to_roles():
    """portail declares that advisors, team leads and marketing write the thematic sheets."""
    groups = roles.ensure_groups()
    codes = set(groups[roles.MARKETING].permissions.values_list("content_type__app_label", "codename"))
    assert codes == {
        ("portail", f"{action}_{model}")
        for model in ("sheet", "sheetattachment")
        for action in ("view", "add", "change", "delete")
    }
    assert not groups[roles.HR].permissions.exists()
    assert groups[roles.ADMIN].permissions.count() == Permission.objects.count()
    with pytest.raises(ValueError, match="unknown role"):
        roles.grant_permissions(["portail.view_sheet"], "gardener")


def test_a_permission_granted_later_reaches_the_role_group():
    try:
        roles.grant_permissions(["portail.view_supportrequest"], roles.HR)
        assert "portail.view_supportrequest" in roles.granted_permissions(roles.HR)
        groups = roles.ensure_groups()
        assert list(groups[roles.HR].permissions.values_list("codename", flat=True)) == [
            "view_supportrequest"
        ]
        assert "portail.view_supportrequest" not in roles.granted_permissions(roles.MARKETING)
    finally:
        roles._granted[roles.HR].discard("portail.view_supportrequest")
        roles.ensure_groups()


def _nav(user, path="/admin/"):
    request = RequestFactory().get(path)
    request.user = user
    return staff.nav_links(request)


def test_staff_navigation_shows_what_each_role_opens():
    advisor_links = [link["label"] for link in _nav(UserFactory(roles=[roles.ADVISOR]))]
    assert advisor_links == [
        "Mes dossiers", "Mes tâches", "Arrivées en groupe", "Tous les dossiers", "Événements", "Partenaires",
        "Chiffres", "Campagnes et canaux", "« Comment ça va ? »", "Emploi du conjoint",
    ]  # fmt: skip
    hr_links = [link["label"] for link in _nav(UserFactory(roles=[roles.HR]))]
    assert hr_links == [
        "Familles (emploi du conjoint)", "Partenaires", "Emploi du conjoint", "Chiffres emploi du conjoint",
    ]  # fmt: skip
    # Every figures page is in the navigation of the roles that may read it.
    assert [link["label"] for link in _nav(UserFactory(roles=[roles.MARKETING]))] == [
        "Événements", "Chiffres", "Campagnes et canaux", "« Comment ça va ? »", "Chiffres emploi du conjoint",
    ]  # fmt: skip
    assert _nav(UserFactory()) == [] and _nav(AnonymousUser()) == []


def test_staff_navigation_marks_the_current_page():
    links = _nav(UserFactory(roles=[roles.HR]), path="/admin/emploi/")
    assert [link["url"] for link in links if link["current"]] == ["/admin/emploi/"]


def test_role_admin_mixin_opens_admin_pages_by_role():
    class PartnersAdmin(roles.RoleAdminMixin):
        view_roles = (roles.ADVISOR, roles.HR)
        change_roles = (roles.ADVISOR,)
        delete_roles = (roles.TEAM_LEAD,)

    admin_page = PartnersAdmin()
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(roles=[roles.HR])
    assert admin_page.has_module_permission(request) and admin_page.has_view_permission(request)
    assert not admin_page.has_add_permission(request) and not admin_page.has_change_permission(request)
    assert not admin_page.has_delete_permission(request)
    request.user = UserFactory(roles=[roles.ADVISOR])
    assert admin_page.has_add_permission(request) and admin_page.has_change_permission(request)
    assert not admin_page.has_delete_permission(request), "deleting is for administrators"
    request.user = UserFactory(roles=[roles.TEAM_LEAD])
    assert admin_page.has_delete_permission(request) and not admin_page.has_view_permission(request)
    request.user = UserFactory(roles=[roles.ADMIN])
    assert admin_page.has_delete_permission(request)
    request.user = UserFactory(roles=[roles.MARKETING])
    assert not admin_page.has_module_permission(request) and not admin_page.has_view_permission(request)


def test_the_admin_predicate_of_object_rules():
    assert roles.is_admin.test(UserFactory(is_superuser=True))
    assert roles.is_admin.test(UserFactory(roles=[roles.ADMIN]))
    assert not roles.is_admin.test(UserFactory(roles=[roles.TEAM_LEAD]))
    assert not roles.is_admin.test(AnonymousUser())
