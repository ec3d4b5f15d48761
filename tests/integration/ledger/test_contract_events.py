from datetime import date, datetime

import pytest

from recoup.kernel.money import Money, UnknownCurrency
from recoup.ledger.errors import (
    BookConflict,
    BookNotFound,
    CurrencyNotOfBook,
    IdempotencyConflict,
    InvalidContractId,
    InvalidInstallment,
    InvalidPolicy,
    InvalidReasonCode,
    NaiveDatetime,
    NegativeAmount,
    NonPositiveAmount,
)
from recoup.ledger.models import AccountCode, LedgerBook
from recoup.ledger.operations import (
    Line,
    book_get,
    book_open,
    book_policy,
    contract_fund,
    entry_post,
    fee_assess,
    installment_fall_due,
    interest_accrue,
)
from recoup.ledger.queries import book_balances, receivable_total
from recoup.ledger.reasons import ReasonCode
from recoup.ledger.waterfall import WaterfallPolicy
from tests.integration.ledger.builders import (
    AT,
    STANDARD,
    a_book,
    a_loan_two_installments_due,
    ledger_state,
    usd,
)

pytestmark = pytest.mark.django_db

HOLD = WaterfallPolicy(("fees", "interest", "principal"), by_installment=False, overpayment="unapplied")


def test_opening_a_book_records_the_contracts_currency_and_waterfall():
    book = book_open(contract_id=42, currency="GBP", policy=HOLD, at=AT)

    assert (book.contract_id, book.currency, book.opened_at) == (42, "GBP", AT)
    assert book_policy(book) == HOLD
    assert book_get(contract_id=42) == book


def test_opening_a_book_again_on_the_same_terms_returns_it():
    first = book_open(contract_id=42, currency="GBP", policy=HOLD, at=AT)

    again = book_open(contract_id=42, currency="GBP", policy=HOLD, at=datetime(2026, 6, 1, tzinfo=AT.tzinfo))

    assert again == first
    assert again.opened_at == AT
    assert LedgerBook.objects.count() == 1


@pytest.mark.parametrize(
    ("currency", "policy", "field"), [("USD", HOLD, "currency"), ("GBP", STANDARD, "policy")]
)
def test_opening_a_book_again_on_other_terms_is_a_conflict(currency, policy, field):
    book_open(contract_id=42, currency="GBP", policy=HOLD, at=AT)

    with pytest.raises(BookConflict) as error:
        book_open(contract_id=42, currency=currency, policy=policy, at=AT)

    assert error.value.field == field


@pytest.mark.parametrize(
    ("arguments", "error_class", "field"),
    [
        ({"contract_id": 0}, InvalidContractId, "contract_id"),
        ({"contract_id": True}, InvalidContractId, "contract_id"),
        ({"currency": "XYZ"}, UnknownCurrency, "currency"),
        ({"at": datetime(2026, 1, 1)}, NaiveDatetime, "at"),
    ],
)
def test_a_book_is_not_opened_on_bad_terms(arguments, error_class, field):
    with pytest.raises(error_class) as error:
        book_open(**({"contract_id": 7, "currency": "USD", "policy": STANDARD, "at": AT} | arguments))

    assert error.value.field == field
    assert not LedgerBook.objects.exists()


def test_a_policy_naming_a_component_twice_is_refused_before_any_book_is_opened():
    with pytest.raises(InvalidPolicy):
        book_open(
            contract_id=7,
            currency="USD",
            policy=WaterfallPolicy(
                ("fees", "fees", "principal"), by_installment=True, overpayment="principal"
            ),
            at=AT,
        )

    assert not LedgerBook.objects.exists()


def test_a_contract_without_a_book_is_not_found():
    with pytest.raises(BookNotFound) as error:
        book_get(contract_id=404)

    assert error.value.field == "contract_id"


def test_funding_a_contract_makes_its_principal_receivable():
    book = a_book()

    entry = contract_fund(book=book, amount=usd(1_200_000), effective_date=date(2026, 1, 1), at=AT)

    balances = book_balances(book.contract_id)
    assert entry.reason_code == ReasonCode.CONTRACT_FUNDED
    assert balances["principal"] == usd(1_200_000)
    assert balances["funding"] == usd(-1_200_000)
    assert receivable_total(book.contract_id) == usd(1_200_000)


def test_funding_is_recorded_once_however_often_it_is_sent():
    book = a_book()
    first = contract_fund(book=book, amount=usd(1_200_000), effective_date=date(2026, 1, 1), at=AT)

    again = contract_fund(book=book, amount=usd(1_200_000), effective_date=date(2026, 1, 1), at=AT)

    assert again.pk == first.pk
    with pytest.raises(IdempotencyConflict):
        contract_fund(book=book, amount=usd(1_100_000), effective_date=date(2026, 1, 1), at=AT)


@pytest.mark.parametrize(
    ("amount", "error_class"),
    [(usd(0), NonPositiveAmount), (usd(-5), NonPositiveAmount), (Money(100, "GBP"), CurrencyNotOfBook)],
)
def test_funding_must_be_positive_and_in_the_books_currency(amount, error_class):
    book = a_book()
    before = ledger_state()

    with pytest.raises(error_class) as error:
        contract_fund(book=book, amount=amount, effective_date=date(2026, 1, 1), at=AT)

    assert error.value.field == "amount"
    assert ledger_state() == before


def test_an_installment_falling_due_moves_principal_to_due_and_recognises_its_interest():
    book = a_book()
    contract_fund(book=book, amount=usd(1_200_000), effective_date=date(2026, 1, 1), at=AT)

    entry = installment_fall_due(
        book=book,
        installment=1,
        principal=usd(95_000),
        interest=usd(10_000),
        due_date=date(2026, 2, 1),
        at=AT,
    )

    balances = book_balances(book.contract_id)
    assert entry.effective_date == date(2026, 2, 1)
    assert balances["principal"] == usd(1_105_000)
    assert balances["principal_due"] == usd(95_000)
    assert balances["interest_due"] == usd(10_000)
    assert balances["interest_income"] == usd(-10_000)
    assert set(
        entry.postings.filter(account__code__endswith="_due").values_list("installment", flat=True)
    ) == {1}


def test_interest_already_accrued_is_moved_to_due_rather_than_recognised_twice():
    book = a_book()
    contract_fund(book=book, amount=usd(1_200_000), effective_date=date(2026, 1, 1), at=AT)
    entry_post(
        book=book,
        idempotency_key="accrual-january",
        reason_code="interest_accrued",
        effective_date=date(2026, 1, 31),
        at=AT,
        lines=[
            Line(AccountCode.INTEREST_ACCRUED, usd(9_700)),
            Line(AccountCode.INTEREST_INCOME, usd(-9_700)),
        ],
    )

    installment_fall_due(
        book=book,
        installment=1,
        principal=usd(95_000),
        interest=usd(10_000),
        due_date=date(2026, 2, 1),
        at=AT,
    )

    balances = book_balances(book.contract_id)
    assert balances["interest_accrued"] == usd(0)
    assert balances["interest_due"] == usd(10_000)
    assert balances["interest_income"] == usd(-10_000)


def test_interest_accrued_to_a_month_end_is_recognised_before_it_falls_due():
    book = a_book()
    contract_fund(book=book, amount=usd(1_200_000), effective_date=date(2026, 1, 1), at=AT)

    entry = interest_accrue(
        book=book, amount=usd(9_700), accrued_to_date=date(2026, 1, 31), at=AT, idempotency_key="accrual-jan"
    )

    balances = book_balances(book.contract_id)
    assert (entry.reason_code, entry.effective_date) == (ReasonCode.INTEREST_ACCRUED, date(2026, 1, 31))
    assert (balances["interest_accrued"], balances["interest_income"]) == (usd(9_700), usd(-9_700))
    assert receivable_total(book.contract_id) == usd(1_209_700)


def test_an_accrual_is_posted_once_and_its_key_is_not_reused_for_another_amount():
    book = a_book()
    accrual = {"book": book, "accrued_to_date": date(2026, 1, 31), "at": AT, "idempotency_key": "accrual-jan"}
    first = interest_accrue(amount=usd(9_700), **accrual)

    again = interest_accrue(amount=usd(9_700), **accrual)

    assert again == first
    assert book_balances(book.contract_id)["interest_accrued"] == usd(9_700)
    with pytest.raises(IdempotencyConflict):
        interest_accrue(amount=usd(9_701), **accrual)


@pytest.mark.parametrize(
    ("amount", "error_class"), [(usd(0), NonPositiveAmount), (Money(9_700, "GBP"), CurrencyNotOfBook)]
)
def test_an_accrual_must_be_positive_and_in_the_books_currency(amount, error_class):
    book = a_book()
    before = ledger_state()

    with pytest.raises(error_class) as error:
        interest_accrue(
            book=book, amount=amount, accrued_to_date=date(2026, 1, 31), at=AT, idempotency_key="accrual-jan"
        )

    assert error.value.field == "amount"
    assert ledger_state() == before


def test_an_installment_falls_due_once():
    book = a_loan_two_installments_due()
    before = ledger_state()

    again = installment_fall_due(
        book=book,
        installment=1,
        principal=usd(95_000),
        interest=usd(10_000),
        due_date=date(2026, 2, 1),
        at=AT,
    )

    assert again.reason_code == ReasonCode.INSTALLMENT_FELL_DUE
    assert ledger_state() == before
    with pytest.raises(IdempotencyConflict):
        installment_fall_due(
            book=book,
            installment=1,
            principal=usd(95_001),
            interest=usd(10_000),
            due_date=date(2026, 2, 1),
            at=AT,
        )


def test_an_installment_of_interest_only_posts_no_principal():
    book = a_book()

    entry = installment_fall_due(
        book=book, installment=1, principal=usd(0), interest=usd(10_000), due_date=date(2026, 2, 1), at=AT
    )

    assert sorted(entry.postings.values_list("account__code", flat=True)) == [
        "interest_due",
        "interest_income",
    ]


@pytest.mark.parametrize(
    ("arguments", "error_class", "field"),
    [
        ({"installment": 0}, InvalidInstallment, "installment"),
        ({"principal": usd(-1)}, NegativeAmount, "principal"),
        ({"interest": usd(-1)}, NegativeAmount, "interest"),
        ({"principal": usd(0), "interest": usd(0)}, NonPositiveAmount, "principal"),
        ({"interest": Money(100, "GBP")}, CurrencyNotOfBook, "interest"),
    ],
)
def test_an_installment_that_cannot_fall_due_is_refused(arguments, error_class, field):
    book = a_book()
    before = ledger_state()

    with pytest.raises(error_class) as error:
        installment_fall_due(
            **(
                {
                    "book": book,
                    "installment": 1,
                    "principal": usd(95_000),
                    "interest": usd(10_000),
                    "due_date": date(2026, 2, 1),
                    "at": AT,
                }
                | arguments
            )
        )

    assert error.value.field == field
    assert ledger_state() == before


def test_a_late_fee_is_charged_against_its_installment():
    book = a_loan_two_installments_due()

    entry = fee_assess(
        book=book,
        amount=usd(2_500),
        reason_code="late_fee",
        effective_date=date(2026, 2, 16),
        at=AT,
        installment=1,
        idempotency_key="late-fee-1",
    )

    balances = book_balances(book.contract_id)
    assert entry.reason_code == "late_fee"
    assert balances["fees_due"] == usd(2_500)
    assert balances["fee_income"] == usd(-2_500)
    assert entry.postings.get(account__code="fees_due").installment == 1


@pytest.mark.parametrize(
    ("arguments", "error_class", "field"),
    [
        ({"amount": usd(0)}, NonPositiveAmount, "amount"),
        ({"amount": Money(2_500, "GBP")}, CurrencyNotOfBook, "amount"),
        ({"installment": -1}, InvalidInstallment, "installment"),
        ({"reason_code": ""}, InvalidReasonCode, "reason_code"),
    ],
)
def test_a_fee_that_cannot_be_charged_is_refused(arguments, error_class, field):
    book = a_loan_two_installments_due()
    before = ledger_state()

    with pytest.raises(error_class) as error:
        fee_assess(
            **(
                {
                    "book": book,
                    "amount": usd(2_500),
                    "reason_code": "late_fee",
                    "effective_date": date(2026, 2, 16),
                    "at": AT,
                    "idempotency_key": "late-fee-1",
                }
                | arguments
            )
        )

    assert error.value.field == field
    assert ledger_state() == before
