"""Staff authentication: strong passwords, login throttling, idle and maximum session length, TOTP 2FA."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from osez.roles import ADMIN, ADVISOR
from tests.factories import UserFactory

PASSWORD = "un mot de passe solide 2026"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("password", ["court2026!", "qwerty123456", "123456654321", "telechargement"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_long_uncommon_password_is_accepted():
    validate_password("Les vignes de l'Aube en octobre 1987")


def _login(client, username, password, address="192.0.2.10"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True)
def test_repeated_failures_lock_the_account_from_that_address_until_the_cool_off(
    client, settings, time_machine
):
    time_machine.move_to(START, tick=False)
    user = UserFactory(roles=[ADVISOR])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _login(client, user.username, "pas le bon mot de passe")
        assert response.status_code in (200, 429)

    # Even the right password is refused now, from this address.
    locked = _login(client, user.username, PASSWORD)
    assert locked.status_code == 429
    assert "bloquée" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    # The lockout is per account and address: the same person from another address can still log in.
    other_place = _login(client.__class__(), user.username, PASSWORD, address="198.51.100.7")
    assert other_place.status_code == 302

    time_machine.shift(settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
    after_cool_off = _login(client, user.username, PASSWORD)
    assert after_cool_off.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True)
def test_failures_below_the_limit_do_not_lock(client, settings, time_machine):
    time_machine.move_to(START, tick=False)
    user = UserFactory(roles=[ADVISOR])
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, user.username, "pas le bon mot de passe")
    assert _login(client, user.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_staff_session_ends_after_thirty_idle_minutes(client, settings, time_machine):
    time_machine.move_to(START, tick=False)
    user = UserFactory(roles=[ADMIN])
    assert _login(client, user.username, PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200

    time_machine.shift(timedelta(seconds=settings.OSEZ_SESSION_IDLE_SECONDS - 60))
    assert client.get("/admin/").status_code == 200, "activity within the idle limit keeps the session"

    time_machine.shift(timedelta(seconds=settings.OSEZ_SESSION_IDLE_SECONDS + 1))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in client.session
    follow = client.get(response["Location"])
    assert "inactivité" in follow.content.decode()


@pytest.mark.django_db
def test_staff_session_ends_after_twelve_hours_even_when_active(client, settings, time_machine):
    time_machine.move_to(START, tick=False)
    user = UserFactory(roles=[ADMIN])
    assert _login(client, user.username, PASSWORD).status_code == 302
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    elapsed = 0
    step = settings.OSEZ_SESSION_IDLE_SECONDS - 5 * 60
    while elapsed + step <= settings.SESSION_COOKIE_AGE:
        time_machine.shift(timedelta(seconds=step))
        elapsed += step
        assert client.get("/admin/").status_code == 200, f"still active after {elapsed} s"
    time_machine.shift(timedelta(seconds=step))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def _token(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.mark.django_db
@override_settings(OSEZ_REQUIRE_2FA=True)
def test_staff_without_authenticator_must_set_one_up_before_any_staff_page(client, time_machine):
    time_machine.move_to(START, tick=False)
    user = UserFactory(roles=[ADVISOR])
    assert _login(client, user.username, PASSWORD).status_code == 302

    for page in ("/admin/", "/admin/accompagnement/", "/admin/emploi/", "/admin/osez/accesslog/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith("/admin/securite/activation/"), page

    setup = client.get("/admin/securite/activation/?next=/admin/")
    assert setup.status_code == 200
    html = setup.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # drawn here, no third-party QR service
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    wrong = client.post("/admin/securite/activation/", {"otp_token": "000000", "next": "/admin/"})
    assert wrong.status_code == 200
    assert "ne correspond pas" in wrong.content.decode()

    # django-otp slows down guessing after a wrong code; a person types the next code a moment later.
    time_machine.shift(timedelta(seconds=31))
    done = client.post("/admin/securite/activation/", {"otp_token": _token(device), "next": "/admin/"})
    assert done.status_code == 302
    assert done["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
@override_settings(OSEZ_REQUIRE_2FA=True)
def test_staff_with_authenticator_must_type_the_code_at_each_login(client, time_machine):
    time_machine.move_to(START, tick=False)
    user = UserFactory(roles=[ADMIN])
    device = TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    assert _login(client, user.username, PASSWORD).status_code == 302

    response = client.get("/admin/osez/accesslog/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/securite/verification/")

    bad = client.post("/admin/securite/verification/", {"otp_token": "12345x", "next": "/admin/"})
    assert bad.status_code == 200
    assert client.get("/admin/").status_code == 302, "a wrong code does not open the back-office"

    time_machine.shift(timedelta(seconds=31))
    ok = client.post(
        "/admin/securite/verification/", {"otp_token": _token(device), "next": "/admin/osez/accesslog/"}
    )
    assert ok.status_code == 302
    assert ok["Location"] == "/admin/osez/accesslog/"
    assert client.get("/admin/osez/accesslog/").status_code == 200


@pytest.mark.django_db
@override_settings(OSEZ_REQUIRE_2FA=True)
def test_second_step_never_redirects_off_site(client, time_machine):
    time_machine.move_to(START, tick=False)
    user = UserFactory(roles=[ADMIN])
    device = TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    _login(client, user.username, PASSWORD)
    response = client.post(
        "/admin/securite/verification/", {"otp_token": _token(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.django_db
def test_public_pages_are_not_asked_for_a_second_factor(client, settings):
    settings.OSEZ_REQUIRE_2FA = True
    client.force_login(UserFactory(roles=[ADVISOR]))
    assert client.get("/healthz").status_code == 200
