"""The form for booking a contract: one individual borrower, the vehicle and the terms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from django import forms

from recoup.parties.operations import AddressInput, PhoneInput
from recoup.portfolio.jurisdictions import UK_NATIONS, US_STATES
from recoup.portfolio.operations import Application, CustomerInput, VehicleInput
from recoup.portfolio.queries import ProductChoice
from recoup.portfolio.schedules import Frequency
from recoup.web.refusals import (
    AMOUNT,
    FACTOR,
    RATE,
    RefusingForm,
    choice_field,
    date_field,
    number_field,
    text_field,
)

COUNTRY_NAMES = {"US": "United States", "GB": "United Kingdom"}
COUNTRIES = [("", "Choose…"), *COUNTRY_NAMES.items()]
JURISDICTIONS: list[tuple[str, Any]] = [
    ("", "Choose…"),
    ("United States", [(f"US-{state}", f"US-{state}") for state in sorted(US_STATES)]),
    ("United Kingdom", [(f"GB-{code}", f"GB-{code} · {name}") for code, name in UK_NATIONS.items()]),
]
# Inputs contract_originate names as this form does.
TERMS = (
    "product",
    "currency",
    "jurisdiction",
    "cash_price",
    "deposit",
    "fees",
    "amount_financed",
    "apr",
    "money_factor",
    "balloon",
    "term",
    "frequency",
    "origination_date",
    "first_due_date",
    "dealer_name",
)
VEHICLE = ("vin", "year", "make", "model", "trim", "colour", "registration", "odometer")


class ContractForm(RefusingForm):
    """Read from text for contract_originate; amounts stay the text typed, in the product's currency."""

    refusal_fields: ClassVar[Mapping[str, str | None]] = {
        "customer.given_name": "given_name",
        "customer.family_name": "family_name",
        "customer.date_of_birth": "date_of_birth",
        "customer.addresses[0].line1": "address_line1",
        "customer.addresses[0].city": "city",
        "customer.addresses[0].region": "region",
        "customer.addresses[0].postal_code": "postal_code",
        "customer.addresses[0].uk_nation": "postal_code",  # found from the postcode
        "customer.addresses[0].country": "country",
        "customer.phones[0].number": "phone",
        "customer.emails[0]": "email",
        **{f"vehicle.{name}": name for name in VEHICLE},
        **{name: name for name in TERMS},
    }
    first_field = "given_name"

    # The borrower
    given_name = text_field("Given name", required=False, max_length=100)
    family_name = text_field("Family name", max_length=100)
    date_of_birth = date_field("Date of birth", required=False)
    address_line1 = text_field("Address line 1")
    city = text_field("City or town", max_length=100)
    region = text_field(
        "State or county",
        required=False,
        max_length=100,
        help_text="A US address needs its state, such as TX.",
    )
    postal_code = text_field("ZIP or postcode", max_length=16)
    country = choice_field("Country", COUNTRIES)
    phone = text_field("Phone", required=False, max_length=32, attrs={"type": "tel"})
    email = forms.CharField(label="Email", required=False, max_length=254, widget=forms.EmailInput())
    # The vehicle; the lengths are the columns' (the operation checks VIN and registration itself).
    vin = text_field(
        "VIN", max_length=32, attrs={"class": "mono", "spellcheck": "false", "autocapitalize": "characters"}
    )
    year = forms.IntegerField(label="Model year", widget=forms.NumberInput(attrs={"class": "input-number"}))
    make = text_field("Make", max_length=50)
    model = text_field("Model", max_length=50)
    trim = text_field("Trim", required=False, max_length=50)
    colour = text_field("Colour", required=False, max_length=30)
    registration = text_field(
        "Registration", required=False, max_length=16, attrs={"class": "mono", "autocapitalize": "characters"}
    )
    odometer = forms.IntegerField(
        label="Odometer (miles)",
        required=False,
        min_value=0,
        max_value=2_000_000,
        widget=forms.NumberInput(attrs={"class": "input-number"}),
    )
    # The terms
    product = choice_field("Product", [])
    jurisdiction = choice_field(
        "Jurisdiction", JURISDICTIONS, help_text="The state or UK nation whose law governs."
    )
    currency = choice_field(
        "Currency", [], required=False, help_text="The figures below are in this currency."
    )
    cash_price = number_field("Cash price", example=AMOUNT)
    deposit = number_field("Deposit", example=AMOUNT, required=False)
    fees = number_field("Fees", example=AMOUNT, required=False)
    amount_financed = number_field(
        "Amount financed", example=AMOUNT, help_text="Cash price less deposit plus fees."
    )
    apr = number_field(
        "APR (%)", example=RATE, required=False, help_text="For a lease, give the money factor instead."
    )
    money_factor = number_field(
        "Money factor", example=FACTOR, required=False, help_text="Leases only, for example 0.00125."
    )
    balloon = number_field(
        "Balloon or residual",
        example=AMOUNT,
        required=False,
        help_text="PCP optional final payment or lease residual.",
    )
    term = forms.IntegerField(
        label="Term",
        help_text="Number of installments.",
        widget=forms.NumberInput(attrs={"class": "input-number"}),
    )
    frequency = choice_field("Frequency", [(f.value, f.value.capitalize()) for f in Frequency])
    origination_date = date_field("Origination date")
    first_due_date = date_field("First due date")
    dealer_name = text_field("Dealer", required=False)

    def __init__(self, *args: Any, products: Sequence[ProductChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        by_country: dict[str, list[tuple[str, str]]] = {}
        for product in products:
            paid = " or ".join(product.frequencies)
            label = f"{product.name} · {product.code} · {product.currency}, paid {paid}"
            by_country.setdefault(product.country, []).append((product.code, label))
        self.fields["product"].widget.choices = [("", "Choose…")] + [
            (COUNTRY_NAMES.get(country, country), choices) for country, choices in by_country.items()
        ]
        currencies = sorted({product.currency for product in products})
        self.fields["currency"].widget.choices = [("", "The product’s")] + [(c, c) for c in currencies]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "apr" not in self.errors and not data.get("apr") and not data.get("money_factor"):
            self.add_error("apr", "Enter the APR, or the money factor of a lease.")
        return data

    def application(self) -> Application:
        data = self.cleaned_data
        return Application(
            product_code=data["product"],
            currency=data["currency"] or None,
            jurisdiction=data["jurisdiction"],
            customer=CustomerInput(
                kind="individual",
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
                addresses=(
                    AddressInput(
                        line1=data["address_line1"],
                        city=data["city"],
                        region=data["region"],
                        postal_code=data["postal_code"],
                        country=data["country"],
                    ),
                ),
                phones=(PhoneInput(number=data["phone"], is_primary=True),) if data["phone"] else (),
                emails=(data["email"],) if data["email"] else (),
            ),
            vehicle=VehicleInput(
                vin=data["vin"],
                year=data["year"],
                make=data["make"],
                model=data["model"],
                trim=data["trim"],
                colour=data["colour"],
                registration=data["registration"],
                odometer=data["odometer"],
            ),
            cash_price=data["cash_price"],
            deposit=data["deposit"] or "0",
            fees=data["fees"] or "0",
            amount_financed=data["amount_financed"],
            # Left blank beside a money factor; the operation names it if the product is not a lease.
            apr=data["apr"],
            money_factor=data["money_factor"] or None,
            balloon=data["balloon"] or "0",
            term=data["term"],
            frequency=data["frequency"],
            origination_date=data["origination_date"],
            first_due_date=data["first_due_date"],
            dealer_name=data["dealer_name"],
        )
