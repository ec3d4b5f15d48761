from datetime import date, datetime

import pytest

from recoup.access.models import AuditEvent
from recoup.access.operations import user_create
from recoup.kernel.money import Money
from recoup.ledger.errors import (
    AlreadyReversed,
    CurrencyNotOfBook,
    EmptyEntry,
    EntryBelongsToReceipt,
    IdempotencyConflict,
    InvalidIdempotencyKey,
    InvalidInstallment,
    InvalidReasonCode,
    NaiveDatetime,
    UnbalancedEntry,
    UnknownAccount,
    WrongBook,
    ZeroAmount,
)
from recoup.ledger.models import AccountCode, JournalEntry, Posting
from recoup.ledger.operations import Line, entry_post, entry_reverse, receipt_allocate
from recoup.ledger.queries import book_balances
from tests.integration.ledger.builders import AT, a_book, a_loan_two_installments_due, ledger_state, usd

pytestmark = pytest.mark.django_db

WAIVE_INTEREST = [Line(AccountCode.CREDITS, usd(1_500)), Line(AccountCode.INTEREST_DUE, usd(-1_500), 1)]


def _waive(book, *, key="waiver-1", lines=WAIVE_INTEREST, **overrides):
    arguments = {
        "book": book,
        "idempotency_key": key,
        "reason_code": "interest_waived",
        "effective_date": date(2026, 2, 10),
        "at": AT,
        "lines": lines,
        "memo": "goodwill: branch closed on due date",
    }
    return entry_post(**(arguments | overrides))


def test_a_posted_entry_moves_the_kept_balance_of_each_account():
    book = a_loan_two_installments_due()

    entry = _waive(book)

    balances = book_balances(book.contract_id)
    assert balances["credits"] == usd(1_500)
    assert balances["interest_due"] == usd(10_000 + 9_200 - 1_500)
    assert sorted(entry.postings.values_list("amount_minor", "installment")) == [(-1_500, 1), (1_500, None)]


def test_accounts_are_opened_on_their_first_posting():
    book = a_book()
    assert not book.accounts.exists()

    entry_post(
        book=book,
        idempotency_key="opening",
        reason_code="test_opening",
        effective_date=date(2026, 1, 1),
        at=AT,
        lines=[Line(AccountCode.CASH_CLEARING, usd(100)), Line(AccountCode.UNAPPLIED, usd(-100))],
    )

    assert sorted(book.accounts.values_list("code", flat=True)) == ["cash_clearing", "unapplied"]


def test_posting_the_same_key_and_content_again_returns_the_first_entry_unchanged():
    book = a_loan_two_installments_due()
    first = _waive(book)
    before = ledger_state()

    again = _waive(book, at=datetime(2026, 2, 11, 8, tzinfo=first.posted_at.tzinfo))

    assert again.pk == first.pk
    assert again.posted_at == first.posted_at
    assert ledger_state() == before


def test_the_same_key_with_lines_in_another_order_is_the_same_entry():
    book = a_loan_two_installments_due()
    first = _waive(book)

    again = _waive(book, lines=list(reversed(WAIVE_INTEREST)))

    assert again.pk == first.pk


@pytest.mark.parametrize(
    "overrides",
    [
        {"lines": [Line(AccountCode.CREDITS, usd(1_600)), Line(AccountCode.INTEREST_DUE, usd(-1_600), 1)]},
        {"reason_code": "fee_waived"},
        {"effective_date": date(2026, 2, 11)},
        {"memo": "another story"},
    ],
)
def test_the_same_key_with_different_content_is_an_idempotency_conflict(overrides):
    book = a_loan_two_installments_due()
    _waive(book)
    before = ledger_state()

    with pytest.raises(IdempotencyConflict) as error:
        _waive(book, **overrides)

    assert error.value.field == "idempotency_key"
    assert ledger_state() == before


def test_the_same_key_on_another_contract_is_an_idempotency_conflict():
    _waive(a_loan_two_installments_due())

    with pytest.raises(IdempotencyConflict):
        _waive(a_loan_two_installments_due())


@pytest.mark.parametrize(
    ("lines", "error_class", "field"),
    [
        ([], EmptyEntry, "lines"),
        (
            [Line(AccountCode.CREDITS, usd(0)), Line(AccountCode.INTEREST_DUE, usd(0))],
            ZeroAmount,
            "lines[0].amount",
        ),
        (
            [Line(AccountCode.CREDITS, usd(100)), Line(AccountCode.INTEREST_DUE, Money(-100, "GBP"))],
            CurrencyNotOfBook,
            "lines[1].amount",
        ),
        (
            [
                Line(AccountCode.CREDITS, Money(100, "GBP")),
                Line(AccountCode.INTEREST_DUE, Money(-100, "GBP")),
            ],
            CurrencyNotOfBook,
            "lines[0].amount",
        ),
        (
            [Line(AccountCode.CREDITS, usd(100)), Line(AccountCode.INTEREST_DUE, usd(-99))],
            UnbalancedEntry,
            "lines",
        ),
        ([Line(AccountCode.CREDITS, usd(100))], UnbalancedEntry, "lines"),
        (
            [Line("suspense", usd(100)), Line(AccountCode.INTEREST_DUE, usd(-100))],
            UnknownAccount,
            "lines[0].code",
        ),
        (
            [Line(AccountCode.CREDITS, usd(100)), Line(AccountCode.INTEREST_DUE, usd(-100), 0)],
            InvalidInstallment,
            "lines[1].installment",
        ),
    ],
    ids=[
        "no-lines",
        "zero",
        "mixed-currencies",
        "not-the-books-currency",
        "unbalanced",
        "one-sided",
        "unknown-account",
        "installment-zero",
    ],
)
def test_a_malformed_entry_is_refused_naming_the_line_and_nothing_is_written(lines, error_class, field):
    book = a_loan_two_installments_due()
    before = ledger_state()

    with pytest.raises(error_class) as error:
        _waive(book, lines=lines)

    assert error.value.field == field
    assert ledger_state() == before


@pytest.mark.parametrize(
    ("overrides", "error_class", "field"),
    [
        ({"reason_code": ""}, InvalidReasonCode, "reason_code"),
        ({"reason_code": "   "}, InvalidReasonCode, "reason_code"),
        ({"reason_code": "x" * 65}, InvalidReasonCode, "reason_code"),
        ({"key": ""}, InvalidIdempotencyKey, "idempotency_key"),
        ({"key": "k" * 201}, InvalidIdempotencyKey, "idempotency_key"),
        ({"at": datetime(2026, 1, 31, 12)}, NaiveDatetime, "at"),
    ],
    ids=["empty-reason", "blank-reason", "long-reason", "empty-key", "long-key", "naive-moment"],
)
def test_an_entry_without_a_reason_key_or_zoned_moment_is_refused(overrides, error_class, field):
    book = a_loan_two_installments_due()
    before = ledger_state()

    with pytest.raises(error_class) as error:
        _waive(book, **overrides)

    assert error.value.field == field
    assert ledger_state() == before


def test_an_entry_cannot_hang_on_another_contracts_receipt():
    book, other = a_loan_two_installments_due(), a_loan_two_installments_due()
    receipt = receipt_allocate(
        book=other,
        amount=usd(5_000),
        received_date=date(2026, 2, 3),
        at=AT,
        reference="r",
        idempotency_key="r-1",
    )

    with pytest.raises(WrongBook) as error:
        _waive(book, receipt=receipt)

    assert error.value.field == "receipt"


def test_a_manual_entry_by_a_person_is_audited():
    clerk = user_create(username="clerk", password="a long passphrase", role="team_leader")
    book = a_loan_two_installments_due()

    entry = _waive(book, created_by=clerk)

    event = AuditEvent.objects.get(action="ledger.entry_posted")
    assert event.actor == clerk
    assert event.object_id == str(entry.pk)
    assert event.after["reason_code"] == "interest_waived"


def test_reversing_an_entry_posts_its_mirror_and_restores_every_balance():
    book = a_loan_two_installments_due()
    before = book_balances(book.contract_id)
    entry = _waive(book)

    reversal = entry_reverse(
        entry=entry, at=AT, effective_date=date(2026, 2, 12), reason_code="posted_in_error"
    )

    assert reversal.reverses == entry
    assert sorted(reversal.postings.values_list("account__code", "amount_minor", "installment")) == [
        ("credits", -1_500, None),
        ("interest_due", 1_500, 1),
    ]
    assert book_balances(book.contract_id) == before
    assert AuditEvent.objects.filter(action="ledger.entry_reversed", object_id=str(entry.pk)).exists()


def test_an_entry_is_reversed_at_most_once():
    book = a_loan_two_installments_due()
    entry = _waive(book)
    entry_reverse(entry=entry, at=AT, effective_date=date(2026, 2, 12), reason_code="posted_in_error")
    before = ledger_state()

    with pytest.raises(AlreadyReversed) as error:
        entry_reverse(entry=entry, at=AT, effective_date=date(2026, 2, 12), reason_code="posted_in_error")

    assert error.value.field == "entry"
    assert ledger_state() == before


def test_a_reversal_retried_with_its_key_returns_the_first_reversal():
    book = a_loan_two_installments_due()
    entry = _waive(book)
    first = entry_reverse(
        entry=entry,
        at=AT,
        effective_date=date(2026, 2, 12),
        reason_code="posted_in_error",
        idempotency_key="rev-1",
    )

    again = entry_reverse(
        entry=entry,
        at=AT,
        effective_date=date(2026, 2, 12),
        reason_code="posted_in_error",
        idempotency_key="rev-1",
    )

    assert again.pk == first.pk
    assert JournalEntry.objects.filter(reverses=entry).count() == 1


def test_a_reversal_needs_a_reason():
    book = a_loan_two_installments_due()
    entry = _waive(book)

    with pytest.raises(InvalidReasonCode) as error:
        entry_reverse(entry=entry, at=AT, effective_date=date(2026, 2, 12), reason_code="")

    assert error.value.field == "reason_code"
    assert not JournalEntry.objects.filter(reverses=entry).exists()


def test_a_receipts_allocation_is_undone_by_reversing_the_receipt_not_the_entry():
    book = a_loan_two_installments_due()
    receipt = receipt_allocate(
        book=book,
        amount=usd(5_000),
        received_date=date(2026, 2, 3),
        at=AT,
        reference="r",
        idempotency_key="r-1",
    )
    entry = receipt.entries.get()

    with pytest.raises(EntryBelongsToReceipt) as error:
        entry_reverse(entry=entry, at=AT, effective_date=date(2026, 2, 12), reason_code="posted_in_error")

    assert error.value.field == "entry"
    assert Posting.objects.filter(entry__reverses=entry).count() == 0
