"""The optional second factor: set up from the Security page, asked for after the password."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from recoup.access import totp
from recoup.access.models import AuditEvent, User
from recoup.kernel import clock
from recoup.web.security import SETUP_SECRET
from tests.integration.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 9, 0, 10, tzinfo=UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


def move_clock(monkeypatch: pytest.MonkeyPatch, to: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: to)


@pytest.fixture
def with_two_factor(agent: User) -> User:
    agent.totp_secret = SECRET
    agent.save(update_fields=["totp_secret"])
    return agent


def code(at: datetime = NOW, secret: str = SECRET) -> str:
    return totp.code_at(secret=secret, at=at)


def password_step(client: Client, *, next_url: str = ""):
    data = {"username": "sam", "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/sign-in/", data)


def test_the_security_page_says_two_step_sign_in_is_off_and_offers_to_set_it_up(signed_in: Client):
    page = signed_in.get("/security/").content.decode()

    assert "Two-step sign-in" in page
    assert "Off" in page
    assert "Set up two-step sign-in" in page


def test_setting_up_shows_the_secret_its_otpauth_address_and_a_qr_code(signed_in: Client):
    response = signed_in.post("/security/two-factor/new/")
    page = signed_in.get("/security/two-factor/").content.decode()

    secret = signed_in.session[SETUP_SECRET]
    assert response["Location"] == "/security/two-factor/"
    assert secret in page
    assert f"otpauth://totp/Recoup:sam?secret={secret}&amp;issuer=Recoup" in page
    assert "<svg" in page
    assert User.objects.get(username="sam").totp_secret == ""


def test_a_wrong_code_does_not_turn_it_on(signed_in: Client):
    signed_in.post("/security/two-factor/new/")

    response = signed_in.post("/security/two-factor/", {"code": "000000"})

    assert response.status_code == 200
    assert "that code is not right" in response.content.decode()
    assert User.objects.get(username="sam").totp_secret == ""


def test_a_current_code_turns_it_on_and_is_audited(signed_in: Client, agent: User):
    signed_in.post("/security/two-factor/new/")
    secret = signed_in.session[SETUP_SECRET]

    response = signed_in.post("/security/two-factor/", {"code": code(secret=secret)})

    assert response["Location"] == "/security/"
    assert User.objects.get(username="sam").totp_secret == secret
    assert "Two-step sign-in is on" in signed_in.get("/security/").content.decode()
    event = AuditEvent.objects.get(action="user.two_factor.enable")
    assert (event.actor, event.object_id, event.after) == (agent, str(agent.pk), {"two_factor": True})
    assert secret not in str(event.before) + str(event.after)


def test_the_password_alone_does_not_sign_in_when_it_is_on(client: Client, with_two_factor: User):
    response = password_step(client)

    assert response["Location"] == "/sign-in/code/"
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
    assert "Enter your code" in client.get("/sign-in/code/").content.decode()


def test_the_right_code_after_the_password_signs_in_and_returns_to_the_page_asked_for(
    client: Client, with_two_factor: User
):
    password_step(client, next_url="/accounts/US0001/")

    response = client.post("/sign-in/code/", {"code": code()})

    assert response["Location"] == "/accounts/US0001/"
    assert client.session["_auth_user_id"] == str(with_two_factor.pk)
    assert client.get("/").status_code == 200


def test_a_wrong_code_is_refused_and_the_session_stays_signed_out(client: Client, with_two_factor: User):
    password_step(client)

    response = client.post("/sign-in/code/", {"code": "123456" if code() != "123456" else "654321"})

    assert response.status_code == 200
    assert "that code is not right" in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_code_from_the_step_before_or_after_is_accepted_for_clock_drift(
    client: Client, with_two_factor: User
):
    password_step(client)

    response = client.post("/sign-in/code/", {"code": code(NOW - timedelta(seconds=30))})

    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_code_two_steps_old_is_refused(client: Client, with_two_factor: User):
    password_step(client)

    response = client.post("/sign-in/code/", {"code": code(NOW - timedelta(seconds=60))})

    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_a_code_cannot_be_used_twice_even_within_its_window(client: Client, with_two_factor: User):
    password_step(client)
    client.post("/sign-in/code/", {"code": code()})
    client.post("/sign-out/")
    other = Client()

    password_step(other)
    response = other.post("/sign-in/code/", {"code": code()})

    assert response.status_code == 200
    assert "that code is not right" in response.content.decode()
    assert other.get("/").status_code == 302


def test_a_code_older_than_the_last_one_used_is_refused(client: Client, with_two_factor: User):
    password_step(client)
    client.post("/sign-in/code/", {"code": code(NOW + timedelta(seconds=30))})
    client.post("/sign-out/")

    password_step(client)
    response = client.post("/sign-in/code/", {"code": code()})

    assert response.status_code == 200


def test_five_wrong_codes_lock_the_username(client: Client, with_two_factor: User):
    password_step(client)
    for _ in range(4):
        client.post("/sign-in/code/", {"code": "000000"})

    response = client.post("/sign-in/code/", {"code": "000000"})

    assert "Too many failed sign-in attempts" in response.content.decode()
    assert password_step(client).status_code == 200
    assert client.get("/sign-in/code/")["Location"] == "/sign-in/"


def test_the_right_password_again_does_not_wipe_the_count_of_wrong_codes(
    client: Client, with_two_factor: User
):
    password_step(client)
    for _ in range(4):
        client.post("/sign-in/code/", {"code": "000000"})
    password_step(client)

    response = client.post("/sign-in/code/", {"code": "000000"})

    assert "Too many failed sign-in attempts" in response.content.decode()


def test_the_code_step_without_the_password_step_goes_back_to_sign_in(client: Client, with_two_factor: User):
    response = client.post("/sign-in/code/", {"code": code()})

    assert response["Location"] == "/sign-in/"
    assert client.get("/").status_code == 302


def test_the_code_step_expires_five_minutes_after_the_password(
    client: Client, with_two_factor: User, monkeypatch: pytest.MonkeyPatch
):
    password_step(client)
    later = NOW + timedelta(minutes=6)
    move_clock(monkeypatch, later)

    response = client.post("/sign-in/code/", {"code": code(later)})

    assert response["Location"] == "/sign-in/"
    assert client.get("/").status_code == 302


def test_turning_it_off_takes_a_current_code_and_is_audited(with_two_factor: User, client: Client):
    client.force_login(with_two_factor)

    refused = client.post("/security/two-factor/off/", {"code": "000000"})
    response = client.post("/security/two-factor/off/", {"code": code()})

    assert refused.status_code == 200
    assert "Two-step sign-in is still on." in refused.content.decode()
    assert response["Location"] == "/security/"
    assert User.objects.get(pk=with_two_factor.pk).totp_secret == ""
    assert AuditEvent.objects.filter(action="user.two_factor.disable", actor=with_two_factor).count() == 1
    client.post("/sign-out/")
    assert password_step(client)["Location"] == "/"


def test_users_without_it_still_sign_in_with_the_password_alone(client: Client, agent: User):
    response = password_step(client)

    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_the_security_pages_are_for_signed_in_users(client: Client):
    for path in ["/security/", "/security/two-factor/"]:
        assert client.get(path)["Location"].startswith("/sign-in/?next=")
