import re

import pytest
from django.apps import apps
from django.test import Client

from recoup.access.models import User
from recoup.access.operations import user_create
from recoup.kernel.errors import DomainError
from recoup.portfolio import queries
from recoup.portfolio.models import Contract, ScheduleVersion
from recoup.web.contract_form import ContractForm
from tests.integration.web.conftest import PASSWORD
from tests.integration.web.forms_html import FormPage

pytestmark = pytest.mark.django_db

US_LOAN = {
    "given_name": "Maria",
    "family_name": "Garcia",
    "date_of_birth": "1985-04-12",
    "address_line1": "12 Maple Ave",
    "city": "Houston",
    "region": "TX",
    "postal_code": "77002",
    "country": "US",
    "phone": "(713) 555-0142",
    "email": "maria.garcia@example.com",
    "vin": "1HGCM82633A004352",
    "year": "2023",
    "make": "Honda",
    "model": "Accord",
    "trim": "EX",
    "colour": "Blue",
    "registration": "ABC 1234",
    "odometer": "12",
    "product": "US-RIC",
    "jurisdiction": "US-TX",
    "currency": "",
    "cash_price": "15,000.00",
    "deposit": "",
    "fees": "",
    "amount_financed": "15000",
    "apr": "8",
    "money_factor": "",
    "balloon": "",
    "term": "60",
    "frequency": "monthly",
    "origination_date": "2024-01-01",
    "first_due_date": "2024-02-01",
    "dealer_name": "Bayou Motors",
}
UK_PCP = {
    **US_LOAN,
    "given_name": "Callum",
    "family_name": "Reid",
    "date_of_birth": "",
    "address_line1": "4 High Street",
    "city": "Glasgow",
    "region": "",
    "postal_code": "G1 1XQ",
    "country": "GB",
    "phone": "0141 496 0123",
    "email": "callum.reid@example.co.uk",
    "vin": "WVWZZZ1KZAW123456",
    "year": "2024",
    "make": "Volkswagen",
    "model": "Golf",
    "registration": "SV24 ABC",
    "product": "UK-PCP",
    "jurisdiction": "GB-SCT",
    "cash_price": "24000.00",
    "deposit": "2400.00",
    "amount_financed": "21600.00",
    "balloon": "9000.00",
    "apr": "7.9",
    "term": "48",
    "origination_date": "2024-03-15",
    "first_due_date": "2024-04-15",
}
WRITING_APPS = ("access", "parties", "portfolio", "ledger")


def rows() -> dict[str, int]:
    """How many rows each of Recoup's own tables holds."""
    return {
        model._meta.label: model.objects.count()
        for app in WRITING_APPS
        for model in apps.get_app_config(app).get_models()
    }


@pytest.fixture
def leader(db: None) -> User:
    return user_create(
        username="tay", password=PASSWORD, role="team_leader", first_name="Taylor", last_name="Lee"
    )


@pytest.fixture
def booker(client: Client, leader: User) -> Client:
    client.force_login(leader)
    return client


def test_booking_a_loan_opens_the_new_account_with_the_customer_on_it(booker: Client, leader: User):
    response = booker.post("/contracts/new/", US_LOAN, follow=True)

    contract = Contract.objects.get()
    assert response.redirect_chain == [(f"/accounts/{contract.account_number}/", 302)]
    page = response.content.decode()
    assert "Maria Garcia" in page
    assert "12 Maple Ave" in page
    assert "1HGCM82633A004352" in page
    assert (
        f"Contract booked for Maria Garcia: account {contract.account_number}, 60 payments of $304.15."
        in page
    )
    assert ScheduleVersion.objects.get(contract=contract).created_by == leader


def test_booking_a_pcp_in_scotland_keeps_pounds_and_its_final_payment(booker: Client):
    response = booker.post("/contracts/new/", UK_PCP, follow=True)

    contract = Contract.objects.get()
    assert contract.currency == "GBP"
    assert contract.balloon_minor == 900_000
    assert contract.jurisdiction == "GB-SCT"
    assert "Callum Reid" in response.content.decode()
    assert "£" in response.content.decode()


def test_the_booking_form_offers_every_product_and_focuses_the_first_field(booker: Client):
    page = booker.get("/contracts/new/").content.decode()

    form = FormPage(page)
    assert form.autofocused() == ["given_name"]
    assert form.invalid() == []
    for product in queries.product_choices():
        assert f'<option value="{product.code}">{product.name}' in page
    assert '<optgroup label="United Kingdom">' in page
    assert 'for="id_vin"' in page


def test_product_choices_list_the_united_states_first_each_with_its_frequencies(db: None):
    choices = queries.product_choices()

    assert [c.country for c in choices] == sorted((c.country for c in choices), reverse=True)
    ric = next(c for c in choices if c.code == "US-RIC")
    assert (ric.currency, ric.frequencies) == ("USD", ("monthly", "biweekly"))


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"vin": "1HGCM82633A004353"}, "vin", "fails its check digit"),
        ({"vin": "1HGCM82633A00435"}, "vin", "a VIN has 17 characters"),
        ({"year": "1900"}, "year", "1900 is not a plausible model year"),
        ({"year": "new"}, "year", "Enter a whole number"),
        ({"make": ""}, "make", "required"),
        ({"registration": "PLATE-TOO-LONG"}, "registration", "not a US plate"),
        ({"odometer": "-5"}, "odometer", "greater than or equal to 0"),
        ({"cash_price": "0"}, "cash_price", "must be more than zero"),
        ({"cash_price": "-15000"}, "cash_price", "must be more than zero"),
        ({"cash_price": "fifteen"}, "cash_price", "Enter a number such as"),
        ({"cash_price": "15000.001"}, "cash_price", "more than 2 decimal places"),
        ({"deposit": "-1"}, "deposit", "must not be negative"),
        ({"fees": "-0.01"}, "fees", "must not be negative"),
        ({"amount_financed": "0"}, "amount_financed", "must be more than zero"),
        ({"amount_financed": "-1"}, "amount_financed", "must be more than zero"),
        ({"amount_financed": "14000"}, "amount_financed", "is not cash price 15000.00 less deposit"),
        ({"deposit": "1000"}, "amount_financed", "less deposit 1000.00"),
        ({"apr": "40"}, "apr", "outside Retail installment contract's range"),
        ({"apr": "-1"}, "apr", "outside Retail installment contract's range"),
        ({"apr": ""}, "apr", "Enter the APR"),
        ({"balloon": "-1"}, "balloon", "must not be negative"),
        ({"term": "0"}, "term", "must be at least one installment"),
        ({"term": "120"}, "term", "outside Retail installment contract's range 12–96"),
        ({"frequency": "weekly"}, "frequency", "is not paid weekly"),
        ({"origination_date": "2024-02-30"}, "origination_date", "Enter a valid date"),
        ({"first_due_date": "2023-12-01"}, "first_due_date", "2023-12-01"),
        ({"currency": "XYZ"}, "currency", "unknown currency 'XYZ'"),
        ({"currency": "GBP"}, "currency", "booked in USD, not GBP"),
        ({"product": "NO-SUCH"}, "product", "unknown product 'NO-SUCH'"),
        ({"jurisdiction": "GB-SCT"}, "jurisdiction", "not a jurisdiction of US"),
        ({"family_name": ""}, "family_name", "required"),
        ({"date_of_birth": "2030-01-01"}, "date_of_birth", "in the future"),
        ({"address_line1": ""}, "address_line1", "required"),
        ({"region": "ZZ"}, "region", "not a US state code"),
        ({"postal_code": "7700"}, "postal_code", "7700"),
        ({"country": "FR"}, "country", "not served"),
        ({"phone": "12"}, "phone", "12"),
        ({"email": "maria.garcia"}, "email", "not an email address"),
    ],
)
def test_a_bad_input_is_named_beside_its_field_and_nothing_is_written(
    booker: Client, changes: dict[str, str], field: str, words: str
):
    before = rows()

    response = booker.post("/contracts/new/", {**US_LOAN, **changes})

    assert response.status_code == 400
    form = FormPage(response.content.decode())
    assert words.lower() in form.error_for(field).lower()
    assert form.invalid() == [field]
    assert form.autofocused() == [field]
    assert "The contract was not booked, and nothing was saved." in response.content.decode()
    assert rows() == before


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"postal_code": "G1"}, "postal_code", "G1"),
        ({"phone": "0141 496"}, "phone", "0141 496"),
        ({"registration": "NOT A MARK"}, "registration", "not a UK registration mark"),
        ({"balloon": "30000"}, "balloon", "less than"),
    ],
)
def test_a_bad_uk_input_is_named_beside_its_field_and_nothing_is_written(
    booker: Client, changes: dict[str, str], field: str, words: str
):
    before = rows()

    response = booker.post("/contracts/new/", {**UK_PCP, **changes})

    assert response.status_code == 400
    assert words.lower() in FormPage(response.content.decode()).error_for(field).lower()
    assert rows() == before


def test_a_lease_priced_beyond_its_products_range_names_the_money_factor(booker: Client):
    lease = {
        **US_LOAN,
        "product": "US-LEASE",
        "apr": "",
        "money_factor": "0.05",
        "balloon": "9000",
        "term": "36",
    }
    before = rows()

    response = booker.post("/contracts/new/", lease)

    assert "outside Closed-end lease's range" in FormPage(response.content.decode()).error_for("money_factor")
    assert rows() == before


def test_a_lease_is_booked_from_its_money_factor(booker: Client):
    lease = {
        **US_LOAN,
        "product": "US-LEASE",
        "apr": "",
        "money_factor": "0.00125",
        "balloon": "9000",
        "term": "36",
    }

    response = booker.post("/contracts/new/", lease)

    assert response.status_code == 302
    assert Contract.objects.get().money_factor is not None


def test_a_vehicle_already_financed_is_refused_on_its_vin(booker: Client):
    booker.post("/contracts/new/", US_LOAN)
    before = rows()

    response = booker.post("/contracts/new/", {**US_LOAN, "email": "someone.else@example.com"})

    assert "already financed on account" in FormPage(response.content.decode()).error_for("vin")
    assert rows() == before


def test_a_refused_form_keeps_what_was_typed(booker: Client):
    response = booker.post("/contracts/new/", {**US_LOAN, "vin": "1HGCM82633A004353"})

    form = FormPage(response.content.decode())
    assert form.controls["vin"]["value"] == "1HGCM82633A004353"
    assert form.controls["family_name"]["value"] == "Garcia"
    assert form.controls["cash_price"]["value"] == "15,000.00"


def test_an_error_the_form_has_no_input_for_is_shown_above_it(db: None):
    form = ContractForm(US_LOAN, products=queries.product_choices())
    assert form.is_valid()

    form.refuse(
        DomainError(
            "customer.preferred_language: 'xx-' is not a language tag", field="customer.preferred_language"
        )
    )

    assert form.non_field_errors() == ["Customer.preferred_language: 'xx-' is not a language tag."]


@pytest.mark.parametrize("role", ["agent", "remarketing", "auditor"])
def test_only_team_leaders_the_head_of_credit_and_administrators_book_contracts(client: Client, role: str):
    client.force_login(user_create(username="someone", password=PASSWORD, role=role))
    before = rows()

    shown = client.get("/contracts/new/")
    posted = client.post("/contracts/new/", US_LOAN)

    assert shown.status_code == 403
    assert posted.status_code == 403
    assert "Booking contracts is for team leaders" in shown.content.decode()
    assert 'id="global-search"' in shown.content.decode()
    assert rows() == before


@pytest.mark.parametrize("role", ["team_leader", "head_of_credit", "administrator"])
def test_people_who_book_contracts_find_the_form_in_the_top_bar(client: Client, role: str):
    client.force_login(user_create(username="someone", password=PASSWORD, role=role))

    page = client.get("/contracts/new/").content.decode()

    assert '<a href="/contracts/new/" aria-current="page">Book a contract</a>' in page


def test_an_agent_is_not_offered_booking_in_the_top_bar(signed_in: Client):
    page = signed_in.get("/").content.decode()

    assert "/contracts/new/" not in page
    assert "/schedule/" in page


def test_booking_refuses_a_post_without_the_csrf_token(leader: User):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    before = rows()

    response = client.post("/contracts/new/", US_LOAN)

    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert rows() == before


def test_booking_accepts_a_post_carrying_the_csrf_token(leader: User):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    page = client.get("/contracts/new/").content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found

    response = client.post("/contracts/new/", {**US_LOAN, "csrfmiddlewaretoken": found.group(1)})

    assert response.status_code == 302
    assert Contract.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in_from_booking(client: Client):
    response = client.post("/contracts/new/", US_LOAN)

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=/contracts/new/")
    assert Contract.objects.count() == 0


def test_the_booking_form_is_not_kept_in_browser_caches(booker: Client):
    response = booker.get("/contracts/new/")

    assert "no-store" in response["Cache-Control"]
