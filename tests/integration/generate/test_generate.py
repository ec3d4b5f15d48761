import hashlib
from datetime import date

import pytest
from django.db import connection, transaction

from recoup.kernel.money import Money
from recoup.ledger import journal
from recoup.ledger.models import JournalEntry, LedgerBook, Posting
from recoup.ledger.queries import ledger_verify, receivable_total
from recoup.ledger.reasons import ReasonCode
from recoup.parties.models import Party, Phone
from recoup.parties.phones import phone_normalise
from recoup.portfolio import schedule_versions
from recoup.portfolio.generate import BookNotEmpty, book_generate
from recoup.portfolio.models import Contract, ScheduleVersion, Vehicle
from recoup.portfolio.operations import account_number_for
from recoup.portfolio.queries import account_summary
from recoup.portfolio.vin import vin_validate

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 20)


def _book_digest() -> str:
    digest = hashlib.sha256()
    for table in (
        Contract.objects.order_by("id").values_list(
            "account_number",
            "amount_financed_minor",
            "apr",
            "term",
            "origination_date",
            "customer__search_name",
        ),
        ScheduleVersion.objects.order_by("id").values_list(
            "payment_minor", "final_payment_minor", "last_due_date"
        ),
        Vehicle.objects.order_by("id").values_list("vin", "registration"),
        JournalEntry.objects.order_by("id").values_list("idempotency_key", "fingerprint"),
        Posting.objects.order_by("id").values_list("account__code", "amount_minor", "installment"),
    ):
        for row in table:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def _schema() -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master "
                "WHERE name NOT LIKE 'sqlite_stat%' ORDER BY name"
            )
        else:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE connamespace = current_schema()::regnamespace "
                "UNION ALL SELECT tablename, indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema() "
                "UNION ALL SELECT tgrelid::regclass::text, tgname, tgenabled::text FROM pg_trigger "
                "WHERE NOT tgisinternal ORDER BY 1, 2, 3"
            )
        return cursor.fetchall()


def _generated_digest(seed: int, accounts: int) -> str:
    with transaction.atomic():
        book_generate(accounts=accounts, seed=seed, as_of=AS_OF)
        digest = _book_digest()
        transaction.set_rollback(True)
    return digest


def test_the_same_seed_generates_the_same_book():
    first = _generated_digest(5, 2000)

    again = _generated_digest(5, 2000)
    other = _generated_digest(6, 2000)

    assert again == first
    assert other != first


def test_a_generated_book_passes_ledger_verification():
    summary = book_generate(accounts=600, seed=1, as_of=AS_OF)

    assert ledger_verify() == []
    assert summary.entries == 600 == JournalEntry.objects.filter(reason_code="conversion_opening").count()
    assert Party.objects.count() == summary.parties > 600
    assert LedgerBook.objects.count() == 600


def test_loading_into_an_empty_book_puts_back_every_index_constraint_and_trigger():
    before = _schema()

    book_generate(accounts=300, seed=10, as_of=AS_OF)

    assert _schema() == before
    assert ledger_verify() == []


def test_schedule_summaries_are_the_engines():
    book_generate(accounts=400, seed=2, as_of=AS_OF)

    for contract in Contract.objects.order_by("id")[::7]:
        row = contract.schedule_versions.get()
        schedule = schedule_versions.version_schedule(contract)
        assert (row.payment_minor, row.final_payment_minor, row.total_installments, row.last_due_date) == (
            schedule.payment_minor,
            schedule.final_payment_minor,
            len(schedule.installments),
            schedule.last_due_date,
        )


def test_opening_balances_are_the_installments_due_less_what_was_paid():
    book_generate(accounts=300, seed=3, as_of=AS_OF)

    for contract in Contract.objects.order_by("id")[::5]:
        schedule = schedule_versions.version_schedule(contract)
        due = [i for i in schedule.installments if i.due_date <= AS_OF]
        summary = account_summary(contract.account_number)
        balances = summary["balances"]
        assert balances["principal"].minor == contract.amount_financed_minor - sum(
            i.principal_minor for i in due
        )
        assert balances["interest_income"].minor == -sum(i.interest_minor for i in due)
        owed = balances["principal_due"].minor + balances["interest_due"].minor
        assert owed == sum(i.payment_minor for i in due) - balances["cash_clearing"].minor
        assert summary["next_due_date"] == schedule.installments[len(due)].due_date
        assert summary["balance"] == receivable_total(contract.pk)


def test_opening_fingerprints_are_the_journals():
    book_generate(accounts=50, seed=4, as_of=AS_OF)

    for entry in JournalEntry.objects.select_related("book")[:20]:
        lines = [
            journal.Line(p.account.code, Money(p.amount_minor, p.currency), p.installment)
            for p in entry.postings.select_related("account")
        ]
        assert entry.fingerprint == journal.content_fingerprint(
            book_id=entry.book_id,
            reason_code=ReasonCode.CONVERSION_OPENING,
            effective_date=entry.effective_date,
            memo=entry.memo,
            lines=lines,
            receipt_id=None,
            reverses_id=None,
        )
        country = "US" if entry.book.currency == "USD" else "GB"
        number = account_number_for(entry.book.contract_id, country=country)
        assert entry.idempotency_key == f"generate:{number}:opening"


def test_a_realistic_share_of_accounts_is_in_arrears():
    summary = book_generate(accounts=2000, seed=7, as_of=AS_OF)

    assert 0.15 <= summary.in_arrears / summary.accounts <= 0.35


def test_vehicles_and_phones_are_valid():
    book_generate(accounts=300, seed=8, as_of=AS_OF)

    vins = list(Vehicle.objects.values_list("vin", flat=True))
    assert len(set(vins)) == 300
    assert all(vin_validate(vin) == vin for vin in vins)
    for phone in Phone.objects.all()[:100]:
        assert phone_normalise(phone.e164, country="") == phone.e164
        assert phone.digits_reversed == phone.e164[:0:-1]


def test_generating_into_a_book_with_contracts_needs_append():
    first = book_generate(accounts=20, seed=9, as_of=AS_OF)

    with pytest.raises(BookNotEmpty, match="--append"):
        book_generate(accounts=20, seed=9, as_of=AS_OF)
    more = book_generate(accounts=20, seed=9, as_of=AS_OF, append=True)

    assert Contract.objects.count() == 40
    assert int(more.first_account[1:9]) == int(first.last_account[1:9]) + 1
    assert ledger_verify() == []
