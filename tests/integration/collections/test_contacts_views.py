"""The contacts panel of the account page: logging a contact with a promise, and reading them."""

from datetime import UTC, date, datetime

import pytest
from django.test import Client

from recoup.access.operations import user_create
from recoup.collections.contact_queries import contact_history
from recoup.collections.models import Contact
from recoup.kernel import clock
from tests.integration.factories import book

pytestmark = pytest.mark.django_db

NOW = datetime(2024, 6, 14, 15, 30, tzinfo=UTC)
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _frozen_clock_and_fast_hashing(monkeypatch: pytest.MonkeyPatch, settings) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def signed_in(role: str) -> Client:
    client = Client()
    client.force_login(user_create(username=role, password="not-used-here", role=role, first_name="Sam"))
    return client


@pytest.fixture
def account_number() -> str:
    return book().account_number


def form(**changes):
    data = {
        "channel": "call",
        "direction": "outbound",
        "outcome": "promise",
        "next_action_date": "2024-06-21",
        "notes": "Will pay from the next two wages.",
        "currency": "USD",
        "rows": "2",
        "promise_0_date": "2024-06-21",
        "promise_0_amount": "100.00",
        "promise_1_date": "2024-06-28",
        "promise_1_amount": "1,250.5",
    }
    data.update(changes)
    return data


def test_the_account_page_loads_the_contacts_panel(account_number):
    page = signed_in("agent").get(f"/accounts/{account_number}/").content.decode()

    assert 'id="tab-contacts"' in page
    assert f'hx-get="/accounts/{account_number}/contacts/"' in page


def test_an_agent_sees_the_form_and_an_empty_history(account_number):
    response = signed_in("agent").get(f"/accounts/{account_number}/contacts/", headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="contact-form"' in html
    assert "No contacts recorded yet." in html
    assert "<html" not in html


def test_logging_a_call_with_a_promise_redirects_to_the_panel_which_lists_it_open(account_number):
    client = signed_in("agent")

    response = client.post(f"/accounts/{account_number}/contacts/new/", form(), headers=HTMX)

    assert response.status_code == 302
    assert response["Location"].startswith(f"/accounts/{account_number}/contacts/?recorded=")
    panel = client.get(response["Location"], headers=HTMX).content.decode()
    assert "Call recorded: promise to pay, $1,350.50 promised." in panel
    assert "Jun 21, 2024" in panel
    assert "$1,250.50" in panel
    assert "Open" in panel
    promise = contact_history(account_number=account_number).promises[0]
    assert [(p.due_date, p.amount.minor) for p in promise.payments] == [
        (date(2024, 6, 21), 10000),
        (date(2024, 6, 28), 125050),
    ]


def test_without_htmx_recording_returns_to_the_account_page(account_number):
    response = signed_in("agent").post(f"/accounts/{account_number}/contacts/new/", form(outcome="no_answer"))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/{account_number}/#contacts"
    assert Contact.objects.get().outcome == "no_answer"


def test_a_refused_amount_is_shown_beside_its_line_and_nothing_is_written(account_number):
    response = signed_in("agent").post(
        f"/accounts/{account_number}/contacts/new/", form(promise_1_amount="0"), headers=HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#contact-form"
    assert 'id="id_promise_1_amount_error"' in html
    assert "A promised amount must be more than zero." in html
    assert 'value="100.00"' in html
    assert 'value="0"' in html
    assert not Contact.objects.exists()


def test_a_blank_first_line_still_names_the_line_typed(account_number):
    data = form(promise_0_date="", promise_0_amount="", promise_1_date="2024-06-01")

    response = signed_in("agent").post(f"/accounts/{account_number}/contacts/new/", data)

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_promise_1_date_error"' in html
    assert "cannot be before 2024-06-14" in html


def test_a_date_without_an_amount_is_asked_for(account_number):
    response = signed_in("agent").post(
        f"/accounts/{account_number}/contacts/new/", form(promise_1_amount=""), headers=HTMX
    )

    assert "Enter the amount promised on this date." in response.content.decode()
    assert not Contact.objects.exists()


def test_a_promise_with_no_lines_is_refused_beside_the_first_line(account_number):
    data = form(promise_0_date="", promise_0_amount="", promise_1_date="", promise_1_amount="")

    response = signed_in("agent").post(f"/accounts/{account_number}/contacts/new/", data, headers=HTMX)

    html = response.content.decode()
    assert 'id="id_promise_0_date_error"' in html
    assert "needs at least one dated amount" in html


def test_lines_left_filled_in_are_ignored_when_the_outcome_is_not_a_promise(account_number):
    response = signed_in("agent").post(f"/accounts/{account_number}/contacts/new/", form(outcome="callback"))

    assert response.status_code == 302
    assert contact_history(account_number=account_number).promises == ()


def test_choosing_promise_shows_the_lines_and_add_offers_one_more(account_number):
    client = signed_in("agent")
    url = f"/accounts/{account_number}/contacts/promise-lines/"

    none = client.get(url, {"outcome": "refused", "rows": "2"}, headers=HTMX).content.decode()
    two = client.get(
        url, {"outcome": "promise", "rows": "2", "currency": "USD"}, headers=HTMX
    ).content.decode()
    three = client.get(
        url, {"outcome": "promise", "rows": "2", "promise_0_amount": "5", "add": "1"}, headers=HTMX
    ).content.decode()

    assert "promise_0_date" not in none
    assert "Promise to pay (USD)" in two
    assert "promise_1_amount" in two
    assert "promise_2_amount" not in two
    assert "promise_2_amount" in three
    assert 'value="5"' in three
    assert "This field is required" not in three


def test_an_auditor_reads_contacts_but_may_not_record_them(account_number):
    auditor = signed_in("auditor")

    panel = auditor.get(f"/accounts/{account_number}/contacts/")
    posted = auditor.post(f"/accounts/{account_number}/contacts/new/", form())
    lines = auditor.get(f"/accounts/{account_number}/contacts/promise-lines/", {"outcome": "promise"})

    assert panel.status_code == 200
    assert 'id="contact-form"' not in panel.content.decode()
    assert posted.status_code == 403
    assert lines.status_code == 403
    assert not Contact.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(account_number):
    response = Client().get(f"/accounts/{account_number}/contacts/")

    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


def test_an_unknown_account_gets_the_apps_404_page():
    response = signed_in("agent").get("/accounts/NO-SUCH-1/contacts/")

    assert response.status_code == 404
    assert "Account NO-SUCH-1 was not found" in response.content.decode()
