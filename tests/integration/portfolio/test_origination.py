from datetime import date
from decimal import Decimal

import pytest

from recoup.kernel.money import Money
from recoup.ledger import queries as ledger
from recoup.ledger.models import JournalEntry
from recoup.parties.models import Party
from recoup.parties.operations import PhoneInput
from recoup.portfolio.errors import InvalidApplication
from recoup.portfolio.models import Contract, ScheduleVersion, Vehicle
from recoup.portfolio.operations import VehicleInput
from tests.integration.factories import book, uk_pcp, us_customer, us_loan

pytestmark = pytest.mark.django_db


def test_booking_a_loan_creates_the_contract_its_schedule_and_the_advance():
    booked = book()

    contract = Contract.objects.get(account_number=booked.account_number)
    assert booked.payment == Money(30415, "USD")
    assert contract.customer.family_name == "Garcia"
    assert ScheduleVersion.objects.get(contract=contract).total_installments == 60
    assert ledger.receivable_total(contract.pk) == Money(1_500_000, "USD")
    assert ledger.ledger_verify() == []


def test_account_numbers_carry_a_luhn_check_digit():
    from recoup.portfolio.operations import luhn_digit

    number = book().account_number

    assert len(number) == 10
    assert luhn_digit(number[:-1]) == number[-1]


def test_a_pcp_keeps_its_optional_final_payment_as_the_balloon():
    booked = book(uk_pcp())

    assert booked.currency == "GBP"
    assert booked.balloon == Money(900_000, "GBP")


def test_a_us_lease_is_priced_from_its_money_factor():
    booked = book(
        us_loan(
            product_code="US-LEASE",
            cash_price="30000",
            amount_financed="30000",
            balloon="16500",
            money_factor="0.00125",
            apr="0",
            term=36,
        )
    )

    # Depreciation 13,500 / 36 = 375.00; rent charge (30,000 + 16,500) x 0.00125 = 58.13.
    assert booked.payment == Money(43313, "USD")
    assert Contract.objects.get(pk=booked.contract_id).apr == Decimal("3.0000")


def test_co_borrowers_are_booked_with_their_role():
    booked = book(us_loan(co_borrowers=(us_customer(given_name="Luis"),)))

    contract = Contract.objects.get(pk=booked.contract_id)
    assert sorted(contract.parties.values_list("role", flat=True)) == ["borrower", "co_borrower"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {"vehicle": VehicleInput(vin="1HGCM82633A004353", year=2023, make="Honda", model="Accord")},
            "vehicle.vin",
        ),
        (
            {"vehicle": VehicleInput(vin="1HGCM82633A00435", year=2023, make="Honda", model="Accord")},
            "vehicle.vin",
        ),
        (
            {"vehicle": VehicleInput(vin="1HGCM82633A004352", year=1900, make="Honda", model="Accord")},
            "vehicle.year",
        ),
        ({"cash_price": "0", "amount_financed": "0"}, "cash_price"),
        ({"cash_price": "-100", "amount_financed": "-100"}, "cash_price"),
        ({"amount_financed": "14000"}, "amount_financed"),
        ({"deposit": "-1"}, "deposit"),
        ({"apr": "45"}, "apr"),
        ({"apr": "-1"}, "apr"),
        ({"apr": "eight"}, "apr"),
        ({"term": 0}, "term"),
        ({"term": 500}, "term"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "GBP"}, "currency"),
        ({"product_code": "NOPE"}, "product"),
        ({"jurisdiction": "GB-ENG"}, "jurisdiction"),
        ({"frequency": "weekly"}, "frequency"),
        ({"first_due_date": date(2023, 12, 1)}, "first_due_date"),
        ({"cash_price": "15000.001", "amount_financed": "15000.001"}, "cash_price"),
        ({"customer": us_customer(family_name="")}, "customer.family_name"),
        ({"customer": us_customer(phones=(PhoneInput(number="555-0000"),))}, "customer.phones[0].number"),
        ({"cash_price": "1e999999", "amount_financed": "15000"}, "cash_price"),
        ({"cash_price": "1,5", "amount_financed": "15000"}, "cash_price"),
        ({"apr": "1e-9999"}, "apr"),
        ({"dealer_name": "x" * 201}, "dealer_name"),
        (
            {
                "vehicle": VehicleInput(
                    vin="1HGCM82633A004352", year=2023, make="Honda", model="Accord", odometer=-1
                )
            },
            "vehicle.odometer",
        ),
        (
            {"vehicle": VehicleInput(vin="1HGCM82633A004352", year=2023, make="H" * 51, model="Accord")},
            "vehicle.make",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(changes, field):
    before = (
        Party.objects.count(),
        Contract.objects.count(),
        Vehicle.objects.count(),
        JournalEntry.objects.count(),
    )

    with pytest.raises(Exception) as error:
        book(us_loan(**changes))

    assert getattr(error.value, "field", None) == field, str(error.value)
    after = (
        Party.objects.count(),
        Contract.objects.count(),
        Vehicle.objects.count(),
        JournalEntry.objects.count(),
    )
    assert after == before


def test_a_vehicle_already_financed_cannot_be_financed_again():
    book()

    with pytest.raises(InvalidApplication) as error:
        book(us_loan(customer=us_customer(given_name="Other")))

    assert error.value.field == "vehicle.vin"


def test_installing_the_standard_products_gives_them_their_late_fee_rules():
    from recoup.portfolio.models import Product
    from recoup.portfolio.operations import products_install_standard
    from recoup.portfolio.products import STANDARD_PRODUCTS

    Product.objects.all().delete()

    products_install_standard()

    ric = Product.objects.get(code="US-RIC")
    assert ric.interest_method == "daily_simple"
    assert (ric.late_fee_percent, ric.late_fee_cap_minor) == (Decimal("5"), 2500)
    assert Product.objects.count() == len(STANDARD_PRODUCTS)
