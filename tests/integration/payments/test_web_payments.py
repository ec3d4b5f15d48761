"""The payments panel on the account page: the sandbox provider's tokenization endpoint apart from
Recoup's forms, the card form receiving only the token, other channels, and the list."""

import re
import sys

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.debug import ExceptionReporter

from recoup.access.models import Role
from recoup.access.operations import user_create
from recoup.ledger.models import Receipt
from recoup.payments.models import Payment
from recoup.payments.sandbox_endpoint import sandbox_tokens
from tests.integration.factories import daytime_clock
from tests.integration.payments.helpers import VISA

pytestmark = pytest.mark.django_db

AMEX = "378282246310005"


@pytest.fixture
def signed_in(client, agent):
    client.force_login(agent)
    return client


def tokenize(client: Client, number=VISA, **changes):
    fields = {
        "number": number,
        "exp_month": "12",
        "exp_year": "2030",
        "cvc": "123",
        "holder_name": "Maria Garcia",
    }
    return client.post(reverse("web:card_sandbox_tokens"), fields | changes)


def attempt_of(html: str, form_id: str) -> str:
    form = html[html.index(f'id="{form_id}"') :]
    return re.search(r'name="attempt" value="([^"]+)"', form).group(1)


def test_the_sandbox_endpoint_answers_a_token_brand_and_last_four_without_a_session(contract):
    response = tokenize(Client(enforce_csrf_checks=True), AMEX, cvc="1234")

    assert response.status_code == 201
    answer = response.json()
    assert (answer["brand"], answer["last4"]) == ("amex", "0005")
    assert answer["token"].startswith("tok_sandbox_")
    assert AMEX not in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number": "4242424242424241"}, "number"),
        ({"number": "3530111333300000"}, "number"),
        ({"exp_month": "13"}, "exp_month"),
        ({"exp_year": "2020"}, "exp_year"),
        ({"cvc": "12"}, "cvc"),
        ({"holder_name": " "}, "holder_name"),
    ],
)
def test_the_sandbox_endpoint_names_the_card_field_at_fault(contract, changes, field):
    response = tokenize(Client(), **changes)

    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_django_error_reports_show_the_card_fields_as_stars(contract):
    request = RequestFactory().post(
        reverse("web:card_sandbox_tokens"),
        {"number": VISA, "exp_month": "12", "exp_year": "2030", "cvc": "987", "holder_name": "Maria Garcia"},
    )
    sandbox_tokens(request)  # marks the request's sensitive parameters, as in a real failure
    try:
        raise RuntimeError("a failure while the card was being tokenized")
    except RuntimeError:
        report = ExceptionReporter(request, *sys.exc_info()).get_traceback_text()

    assert VISA not in report
    assert "987" not in report
    assert "number" in report
    assert "**********" in report


def test_the_account_page_has_a_payments_tab_loading_the_panel(signed_in, contract):
    page = signed_in.get(reverse("web:account", args=[contract.account_number])).content.decode()

    assert 'id="tab-payments"' in page
    assert reverse("web:payments", args=[contract.account_number]) in page


def test_the_card_form_sends_the_card_to_the_provider_and_has_no_named_card_inputs(signed_in, contract):
    html = signed_in.get(
        reverse("web:payments", args=[contract.account_number]), HTTP_HX_REQUEST="true"
    ).content.decode()

    form = html[html.index('id="card-payment-form"') : html.index("</form>")]
    assert f'data-tokenize-url="{reverse("web:card_sandbox_tokens")}"' in form
    assert re.findall(r'name="([^"]+)"', form) == ["csrfmiddlewaretoken", "attempt", "token", "amount"]
    assert 'data-card="number"' in form
    assert "<noscript>" in form
    assert "card-form.js" in html


def test_an_agent_takes_a_card_payment_with_the_token_alone(
    signed_in, contract, django_capture_on_commit_callbacks, monkeypatch
):
    daytime_clock(monkeypatch)  # the receipt goes by email where the customer's day allows it
    url = reverse("web:payments", args=[contract.account_number])
    attempt = attempt_of(signed_in.get(url).content.decode(), "card-payment-form")
    token = tokenize(Client()).json()["token"]

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("web:card_payment_new", args=[contract.account_number]),
            {"token": token, "amount": "304.15", "attempt": attempt},
            HTTP_HX_REQUEST="true",
        )

    assert response.status_code == 302
    panel = signed_in.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "$304.15 taken by Visa ending 4242" in panel
    assert "Visa ending 4242" in panel[panel.index('id="payment-list"') :]
    assert Payment.objects.get().customer_receipt_channel == "email"


def test_the_same_form_sent_twice_takes_one_payment(signed_in, contract):
    attempt = attempt_of(
        signed_in.get(reverse("web:payments", args=[contract.account_number])).content.decode(),
        "card-payment-form",
    )
    data = {"token": tokenize(Client()).json()["token"], "amount": "304.15", "attempt": attempt}
    url = reverse("web:card_payment_new", args=[contract.account_number])

    signed_in.post(url, data)
    signed_in.post(url, data)

    assert Payment.objects.count() == Receipt.objects.count() == 1


def test_a_declined_card_is_shown_on_the_form_and_in_the_list(signed_in, contract):
    token = tokenize(Client(), "4000000000009995").json()["token"]

    response = signed_in.post(
        reverse("web:card_payment_new", args=[contract.account_number]),
        {"token": token, "amount": "304.15", "attempt": "a-1"},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Visa ending 9995 was declined: The card has insufficient funds. Nothing was taken." in html
    assert 'name="token" value=' not in html or 'name="token" value=""' in html
    assert "Declined" in html[html.index('id="payment-list"') :]
    assert not Receipt.objects.exists()


def test_a_card_form_without_a_token_asks_for_the_card(signed_in, contract):
    response = signed_in.post(
        reverse("web:card_payment_new", args=[contract.account_number]), {"amount": "10.00", "attempt": "a-2"}
    )

    assert response.status_code == 400
    assert "the provider did not give a token" in response.content.decode()
    assert not Payment.objects.exists()


def test_a_cheque_is_recorded_with_its_reference(signed_in, contract):
    response = signed_in.post(
        reverse("web:payment_new", args=[contract.account_number]),
        {
            "channel": "cheque",
            "amount": "100.00",
            "received_date": "2024-03-01",
            "reference": "000123",
            "attempt": "b-1",
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#payments")
    assert Payment.objects.get().reference == "000123"


def test_a_card_number_typed_as_a_reference_is_refused_and_not_shown_back(signed_in, contract):
    response = signed_in.post(
        reverse("web:payment_new", args=[contract.account_number]),
        {
            "channel": "other",
            "amount": "100.00",
            "received_date": "2024-03-01",
            "reference": VISA,
            "attempt": "b-2",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "looks like a card number" in html
    assert VISA not in html
    assert not Payment.objects.exists()


def test_an_auditor_sees_the_payments_but_no_forms(client, contract):
    client.force_login(user_create(username="ada", password="not-used-here", role=Role.AUDITOR))

    html = client.get(reverse("web:payments", args=[contract.account_number])).content.decode()
    refused = client.post(reverse("web:payment_new", args=[contract.account_number]), {})

    assert "card-payment-form" not in html
    assert "No payments taken yet." in html
    assert refused.status_code == 403
