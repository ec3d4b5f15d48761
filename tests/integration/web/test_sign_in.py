from datetime import timedelta

import pytest
from django.test import Client

from recoup.access.models import User
from recoup.kernel import clock
from tests.integration.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client: Client, password: str, *, username: str = "sam", next_url: str = ""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/sign-in/", data)


def test_the_sign_in_page_is_styled_and_carries_a_csrf_token(client: Client):
    response = client.get("/sign-in/")

    assert response.status_code == 200
    assert b"recoup.css" in response.content
    assert b"csrfmiddlewaretoken" in response.content


def test_signing_in_with_the_right_password_opens_search(client: Client, agent: User):
    response = sign_in(client, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_shows_an_error_and_stays_on_sign_in(client: Client, agent: User):
    response = sign_in(client, "not-the-password")

    assert response.status_code == 200
    assert "That username and password do not match" in response.content.decode()
    assert client.get("/").status_code == 302


def test_signing_in_returns_to_the_page_asked_for(client: Client, agent: User):
    response = sign_in(client, PASSWORD, next_url="/accounts/US0001/")

    assert response["Location"] == "/accounts/US0001/"


def test_signing_in_ignores_a_next_address_on_another_site(client: Client, agent: User):
    response = sign_in(client, PASSWORD, next_url="https://evil.example/steal")

    assert response["Location"] == "/"


@pytest.mark.parametrize("path", ["/", "/?q=smith", "/accounts/US0001/", "/accounts/US0001/schedule/1/"])
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, path: str):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")


def test_sign_in_refuses_a_post_without_the_csrf_token(agent: User):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/sign-in/", {"username": "sam", "password": PASSWORD})

    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_sign_in_accepts_a_post_carrying_the_csrf_token(agent: User):
    client = Client(enforce_csrf_checks=True)
    client.get("/sign-in/")
    token = client.cookies["csrftoken"].value

    response = client.post(
        "/sign-in/", {"username": "sam", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302


def test_the_top_bar_shows_the_users_name_and_role_and_a_sign_out_form(signed_in: Client):
    page = signed_in.get("/").content.decode()

    assert "Sam Okafor" in page
    assert "Collections agent" in page
    assert 'action="/sign-out/"' in page
    assert 'method="post"' in page


def test_signing_out_takes_a_post_and_ends_the_session(signed_in: Client):
    refused = signed_in.get("/sign-out/")
    response = signed_in.post("/sign-out/")

    assert refused.status_code == 405
    assert response["Location"] == "/sign-in/"
    assert signed_in.get("/").status_code == 302
    assert "You have signed out." in signed_in.get("/sign-in/").content.decode()


def test_five_failures_lock_the_username_even_against_the_right_password(client: Client, agent: User):
    for _ in range(5):
        sign_in(client, "wrong-password")

    response = sign_in(client, PASSWORD)

    assert response.status_code == 200
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "locked for 15 minutes" in response.content.decode()
    assert client.get("/").status_code == 302


def test_four_failures_still_let_the_right_password_in(client: Client, agent: User):
    for _ in range(4):
        sign_in(client, "wrong-password")

    response = sign_in(client, PASSWORD)

    assert response.status_code == 302


def test_the_lock_counts_usernames_regardless_of_case(client: Client, agent: User):
    for username in ["sam", "SAM", "Sam", " sam", "sAm"]:
        sign_in(client, "wrong-password", username=username)

    response = sign_in(client, PASSWORD)

    assert "Too many failed sign-in attempts" in response.content.decode()


def test_the_lock_lifts_after_fifteen_minutes(client: Client, agent: User, monkeypatch: pytest.MonkeyPatch):
    started = clock.now()
    for _ in range(5):
        sign_in(client, "wrong-password")
    monkeypatch.setattr(clock, "now", lambda: started + timedelta(minutes=16))

    response = sign_in(client, PASSWORD)

    assert response.status_code == 302


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(
    client: Client, agent: User, monkeypatch: pytest.MonkeyPatch
):
    started = clock.now()
    for minute in [0, 4, 8, 12, 16]:
        monkeypatch.setattr(clock, "now", lambda minute=minute: started + timedelta(minutes=minute))
        sign_in(client, "wrong-password")

    response = sign_in(client, PASSWORD)

    assert response.status_code == 302


def test_a_locked_username_does_not_lock_another(client: Client, agent: User):
    for _ in range(5):
        sign_in(client, "wrong-password", username="someone-else")

    response = sign_in(client, PASSWORD)

    assert response.status_code == 302
