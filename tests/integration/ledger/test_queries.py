from datetime import date

import pytest
from django.db import connection

from recoup.access.operations import user_create
from recoup.kernel.money import Money
from recoup.ledger.errors import BookNotFound
from recoup.ledger.models import AccountCode
from recoup.ledger.operations import (
    Line,
    entry_post,
    entry_reverse,
    fee_assess,
    receipt_allocate,
    receipt_reverse,
)
from recoup.ledger.queries import (
    ACCOUNT_LABELS,
    InstallmentOutstanding,
    Mismatch,
    PostingView,
    book_balances,
    last_installments_due,
    ledger_history,
    ledger_verify,
    outstanding_by_installment,
    receipts,
    receivable_total,
    receivable_totals,
    trial_balance,
)
from tests.integration.ledger.builders import AT, a_book, a_loan_two_installments_due, usd

pytestmark = pytest.mark.django_db


def _receive(book, minor, key, received=date(2026, 2, 3)):
    return receipt_allocate(
        book=book,
        amount=usd(minor),
        received_date=received,
        at=AT,
        reference=f"ACH {key}",
        idempotency_key=key,
    )


def test_book_balances_list_every_account_of_the_chart_unopened_ones_at_zero():
    book = a_loan_two_installments_due()

    balances = book_balances(book.contract_id)

    assert set(balances) == set(AccountCode.values)
    assert balances["recovery"] == usd(0)
    assert balances["principal_due"] == usd(95_000 + 95_800)


def test_the_receivable_is_principal_due_or_not_plus_interest_and_fees():
    book = a_loan_two_installments_due()
    fee_assess(
        book=book,
        amount=usd(2_500),
        reason_code="late_fee",
        effective_date=date(2026, 2, 16),
        at=AT,
        installment=1,
        idempotency_key="late-fee-1",
    )
    _receive(book, 30_000, "r-1")

    total = receivable_total(book.contract_id)

    assert total == usd(1_200_000 + 10_000 + 9_200 + 2_500 - 30_000)


def test_receivables_of_many_contracts_come_in_one_answer():
    loan, empty_book = a_loan_two_installments_due(), a_book(currency="GBP")

    totals = receivable_totals([loan.contract_id, empty_book.contract_id, 404])

    assert totals == {
        loan.contract_id: usd(1_200_000 + 10_000 + 9_200),
        empty_book.contract_id: Money(0, "GBP"),
    }


def test_the_last_installment_due_is_known_per_contract_and_a_reversed_one_does_not_count():
    loan, fresh = a_loan_two_installments_due(), a_book()
    second_due = loan.entries.get(idempotency_key=f"ledger:{loan.contract_id}:installment:2:due")
    entry_reverse(entry=second_due, at=AT, effective_date=date(2026, 3, 2), reason_code="posted_in_error")

    assert last_installments_due([loan.contract_id, fresh.contract_id]) == {loan.contract_id: 1}


def test_every_account_of_the_chart_has_a_label():
    assert set(ACCOUNT_LABELS) == set(AccountCode.values)
    assert ACCOUNT_LABELS["unapplied"] == "Unapplied customer cash"


def test_a_book_in_pounds_reports_pounds():
    book = a_book(currency="GBP")

    assert receivable_total(book.contract_id) == Money(0, "GBP")


def test_outstanding_by_installment_leaves_out_settled_installments():
    book = a_loan_two_installments_due()
    fee_assess(
        book=book,
        amount=usd(3_500),
        reason_code="repossession_notice_fee",
        effective_date=date(2026, 2, 20),
        at=AT,
        idempotency_key="notice-fee",
    )
    _receive(book, 105_000, "r-1")

    owed = outstanding_by_installment(book.contract_id)

    assert owed == [
        InstallmentOutstanding(installment=2, fees=usd(0), interest=usd(9_200), principal=usd(95_800)),
        InstallmentOutstanding(installment=None, fees=usd(3_500), interest=usd(0), principal=usd(0)),
    ]
    assert owed[0].total == usd(105_000)


def test_the_history_shows_entries_newest_first_with_postings_and_reversal_links():
    clerk = user_create(username="clerk", password="a long passphrase", role="team_leader")
    book = a_loan_two_installments_due()
    waiver = entry_post(
        book=book,
        idempotency_key="waiver-1",
        reason_code="interest_waived",
        effective_date=date(2026, 3, 2),
        at=AT,
        lines=[Line(AccountCode.CREDITS, usd(1_500)), Line(AccountCode.INTEREST_DUE, usd(-1_500), 2)],
        memo="goodwill",
        created_by=clerk,
    )
    reversal = entry_reverse(
        entry=waiver, at=AT, effective_date=date(2026, 3, 3), reason_code="posted_in_error"
    )

    history = ledger_history(book.contract_id)

    assert [view.reason_code for view in history] == [
        "posted_in_error",
        "interest_waived",
        "installment_fell_due",
        "installment_fell_due",
        "contract_funded",
    ]
    newest, waived = history[0], history[1]
    assert (newest.reverses_id, newest.is_reversal, newest.reversed) == (waiver.pk, True, False)
    assert (waived.reversed_by_id, waived.is_reversal, waived.reversed) == (reversal.pk, False, True)
    assert (waived.memo, waived.created_by) == ("goodwill", "clerk")
    assert PostingView("interest_due", usd(-1_500), 2) in waived.postings
    assert len(ledger_history(book.contract_id, limit=2)) == 2


def test_the_receipts_list_says_which_were_returned_and_why():
    book = a_loan_two_installments_due()
    first = _receive(book, 1_000, "r-1")
    _receive(book, 2_000, "r-2")
    receipt_reverse(receipt=first, at=AT, effective_date=date(2026, 3, 1), reason_code="nsf")

    views = receipts(book.contract_id)

    assert [(v.sequence, v.amount, v.status, v.reversal_reason) for v in views] == [
        (1, usd(1_000), "reversed", "nsf"),
        (2, usd(2_000), "allocated", ""),
    ]


def test_queries_about_a_contract_without_a_book_say_so():
    with pytest.raises(BookNotFound) as error:
        book_balances(404)

    assert error.value.field == "contract_id"


def test_the_trial_balance_nets_to_zero_in_each_currency():
    a_loan_two_installments_due()
    pounds = a_book(currency="GBP")
    entry_post(
        book=pounds,
        idempotency_key="gbp-1",
        reason_code="test_opening",
        effective_date=date(2026, 1, 5),
        at=AT,
        lines=[
            Line(AccountCode.PRINCIPAL, Money(500_000, "GBP")),
            Line(AccountCode.FUNDING, Money(-500_000, "GBP")),
        ],
    )

    rows = trial_balance(as_of=None)

    for currency in ("GBP", "USD"):
        in_currency = [row for row in rows if row.currency == currency]
        assert sum(row.net.minor for row in in_currency) == 0
        assert sum(row.debit.minor for row in in_currency) == sum(row.credit.minor for row in in_currency)
    principal = next(row for row in rows if (row.code, row.currency) == ("principal", "USD"))
    assert (principal.debit, principal.credit, principal.net) == (
        usd(1_200_000),
        usd(95_000 + 95_800),
        usd(1_200_000 - 95_000 - 95_800),
    )


def test_the_trial_balance_as_of_a_date_counts_only_entries_effective_by_then():
    a_loan_two_installments_due()

    rows = trial_balance(as_of=date(2026, 2, 28))

    by_code = {row.code: row for row in rows}
    assert by_code["principal_due"].net == usd(95_000)
    assert by_code["interest_income"].credit == usd(10_000)
    assert trial_balance(as_of=date(2025, 12, 31)) == []


def test_verify_finds_nothing_wrong_in_a_ledger_written_by_its_operations():
    book = a_loan_two_installments_due()
    first = _receive(book, 105_000, "r-1")
    _receive(book, 50_000, "r-2")
    receipt_reverse(receipt=first, at=AT, effective_date=date(2026, 3, 1), reason_code="nsf")

    assert ledger_verify() == []


def test_verify_lists_a_kept_balance_tampered_with_behind_the_ledgers_back():
    book = a_loan_two_installments_due()
    account = book.accounts.get(code="principal_due")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_ledgeraccount SET balance_minor = balance_minor + 1 WHERE id = %s", [account.pk]
        )

    mismatches = ledger_verify()

    assert mismatches == [
        Mismatch(
            kind="kept_balance",
            contract_id=book.contract_id,
            currency="USD",
            code="principal_due",
            expected=usd(95_000 + 95_800),
            found=usd(95_000 + 95_800 + 1),
        )
    ]
    assert "principal_due kept 1908.01 USD" in mismatches[0].describe()
