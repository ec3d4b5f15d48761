"""Passwords are hashed with Argon2; sessions end when idle for 30 minutes and 8 hours after signing in."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from recoup import settings as project_settings
from recoup.access.models import User
from recoup.access.operations import user_create
from recoup.kernel import clock

pytestmark = pytest.mark.django_db

SIGNED_IN_AT = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.at = SIGNED_IN_AT
        monkeypatch.setattr(clock, "now", lambda: self.at)

    def advance(self, **span: float) -> None:
        self.at += timedelta(**span)


@pytest.fixture
def moving_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def session(client: Client, agent: User, moving_clock: Clock) -> Client:
    client.force_login(agent)
    assert client.get("/").status_code == 200
    return client


def test_new_passwords_are_hashed_with_argon2_as_the_settings_say(settings):
    # The other web tests swap in a fast hasher; here the project's own list is put back.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS

    user = user_create(username="ada", password="a-long-enough-password", role="agent")

    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("a-long-enough-password")


def test_a_session_used_every_few_minutes_stays_signed_in(session: Client, moving_clock: Clock):
    for _ in range(10):
        moving_clock.advance(minutes=25)
        assert session.get("/").status_code == 200


def test_thirty_minutes_without_a_request_signs_out_and_says_why(session: Client, moving_clock: Clock):
    moving_clock.advance(minutes=31)

    response = session.get("/accounts/US0001/")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/accounts/US0001/"
    assert "_auth_user_id" not in session.session
    page = session.get("/sign-in/").content.decode()
    assert "You were signed out after 30 minutes without activity." in page


def test_eight_hours_after_signing_in_signs_out_however_busy(session: Client, moving_clock: Clock):
    for _ in range(16):
        moving_clock.advance(minutes=29)
        session.get("/")
    moving_clock.advance(minutes=29)

    response = session.get("/")

    assert response["Location"] == "/sign-in/"
    assert "8 hours after signing in" in session.get("/sign-in/").content.decode()


def test_an_htmx_request_after_the_timeout_sends_the_whole_page_to_sign_in(
    session: Client, moving_clock: Clock
):
    moving_clock.advance(hours=1)

    response = session.get("/?q=smith", headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/sign-in/?next=")


def test_the_api_answers_an_idle_session_with_401(session: Client, moving_clock: Clock):
    moving_clock.advance(hours=1)

    response = session.get("/api/v1/queues")

    assert response.status_code == 401


def test_the_last_seen_moment_is_written_at_most_once_a_minute(session: Client, moving_clock: Clock):
    first = session.session["last_seen_at"]
    moving_clock.advance(seconds=20)
    session.get("/")

    assert session.session["last_seen_at"] == first


def test_the_session_cookie_lasts_eight_hours_and_ends_with_the_browser(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.RECOUP_SESSION_IDLE_AGE == 30 * 60
