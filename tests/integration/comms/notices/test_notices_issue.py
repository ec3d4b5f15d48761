"""The nightly issue of statutory notices after the close: exactly the accounts the rules name,
sent as letters through comms with the statutory purpose, and nothing more on a second run."""

import json
from datetime import UTC, date, datetime

import pytest

from recoup.access.models import AuditEvent
from recoup.cli.main import main
from recoup.comms.models import SentItem
from recoup.comms.notices.models import Notice
from recoup.comms.notices.operations import notices_issue, notices_record
from recoup.comms.notices.queries import notices_of
from tests.integration.comms.notices.helpers import account, in_arrears

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RECOUP_COMMS_OUTBOX = str(tmp_path / "outbox")
    settings.RECOUP_COMMS_PROVIDER = "file"


def night(as_of: date) -> datetime:
    """The close of `as_of` finishes in the evening, US time (just after midnight in the UK)."""
    return datetime(as_of.year, as_of.month, as_of.day, 23, 30, tzinfo=UTC)


def test_a_kansas_payment_ten_days_late_gets_its_right_to_cure_notice_and_nine_days_does_not():
    ten = account("US-KS")
    nine = account("US-KS")
    in_arrears(ten, oldest_unpaid=date(2026, 4, 10), arrears_minor=30_000)
    in_arrears(nine, oldest_unpaid=date(2026, 4, 11), arrears_minor=30_000)

    counts = notices_issue(as_of=date(2026, 4, 20), at=night(date(2026, 4, 20)))

    assert counts["us.right_to_cure"] == 1
    assert counts["sent"] == 1
    (notice,) = notices_of(contract_id=ten.contract_id)
    assert notice.status == "sent"
    assert notice.template_code == "notice.us.right_to_cure.ks"
    assert notice.trigger_date == date(2026, 4, 10)
    assert notice.sent_date == date(2026, 4, 20)  # 18:30 in Wichita
    assert notice.remedy_by_date == date(2026, 5, 11)  # 20 days is Sunday May 10
    assert notice.merge_data["amount_due"] == "$300.00"
    assert notice.merge_data["cure_by_date"] == "May 11, 2026"
    assert notice.letter_pdf
    item = SentItem.objects.get(pk=notice.sent_item_id)
    assert (item.channel, item.purpose) == ("letter", "statutory_notice")
    assert "May 11, 2026" in item.body
    assert notices_of(contract_id=nine.contract_id) == []


def test_kansas_gives_the_right_to_cure_once_per_contract():
    loan = account("US-KS")
    in_arrears(loan, oldest_unpaid=date(2026, 4, 10), arrears_minor=30_000)
    notices_issue(as_of=date(2026, 4, 20), at=night(date(2026, 4, 20)))
    in_arrears(loan, oldest_unpaid=date(2026, 7, 10), arrears_minor=30_000)

    counts = notices_issue(as_of=date(2026, 7, 20), at=night(date(2026, 7, 20)))

    assert counts["us.right_to_cure"] == 0
    assert len(notices_of(contract_id=loan.contract_id)) == 1


def test_massachusetts_gives_a_notice_for_each_new_default_with_21_days_to_cure():
    loan = account("US-MA")
    in_arrears(loan, oldest_unpaid=date(2026, 3, 10), arrears_minor=30_000)
    notices_issue(as_of=date(2026, 3, 30), at=night(date(2026, 3, 30)))
    in_arrears(loan, oldest_unpaid=date(2026, 6, 10), arrears_minor=30_000)

    counts = notices_issue(as_of=date(2026, 6, 22), at=night(date(2026, 6, 22)))

    assert counts["us.right_to_cure"] == 1
    later, first = notices_of(contract_id=loan.contract_id)
    assert first.remedy_by_date == date(2026, 4, 21)  # 21 days is Patriots' Day
    assert first.merge_data["cure_before_date"] == "April 22, 2026"
    assert later.trigger_date == date(2026, 6, 10)


def test_uk_notice_of_sums_in_arrears_goes_for_two_payments_short_and_not_for_one_and_a_half():
    two = account("GB-SCT")
    one_and_a_half = account("GB-ENG")
    texas = account("US-TX")
    paid_up = account("GB-ENG")
    in_arrears(two, oldest_unpaid=date(2026, 4, 15), arrears_minor=60_000)
    in_arrears(one_and_a_half, oldest_unpaid=date(2026, 4, 15), arrears_minor=45_000)
    in_arrears(texas, oldest_unpaid=date(2026, 3, 1), arrears_minor=90_000)
    in_arrears(paid_up, oldest_unpaid=None, arrears_minor=0)

    counts = notices_issue(as_of=date(2026, 5, 15), at=night(date(2026, 5, 15)))

    assert (counts["uk.arrears_s86b"], counts["us.right_to_cure"], counts["sent"]) == (1, 0, 1)
    (notice,) = notices_of(contract_id=two.contract_id)
    assert notice.template_code == "notice.uk.arrears_s86b"
    assert (notice.trigger_date, notice.latest_send_date) == (date(2026, 5, 15), date(2026, 5, 28))
    assert notice.sent_date == date(2026, 5, 16)  # 00:30 British Summer Time
    assert notice.merge_data["shortfall"] == "£600.00"
    assert "arrears information sheet" in notice.merge_data["information_sheet"]
    for other in (one_and_a_half, texas, paid_up):
        assert notices_of(contract_id=other.contract_id) == []


def test_a_second_run_for_the_same_date_sends_nothing():
    uk = account("GB-SCT")
    kansas = account("US-KS")
    massachusetts = account("US-MA")
    in_arrears(uk, oldest_unpaid=date(2026, 4, 15), arrears_minor=60_000)
    in_arrears(kansas, oldest_unpaid=date(2026, 5, 1), arrears_minor=30_000)
    in_arrears(massachusetts, oldest_unpaid=date(2026, 5, 1), arrears_minor=30_000)
    first = notices_issue(as_of=date(2026, 5, 15), at=night(date(2026, 5, 15)))

    again = notices_issue(as_of=date(2026, 5, 15), at=night(date(2026, 5, 15)))

    assert first["sent"] == 3
    assert again == {
        "uk.arrears_s86b": 0,
        "us.right_to_cure": 0,
        "recorded": 0,
        "sent": 0,
        "held": 0,
        "cancelled": 0,
    }
    assert SentItem.objects.count() == 3
    assert AuditEvent.objects.filter(action="notices.record").count() == 2
    assert AuditEvent.objects.filter(action="notices.send").count() == 1


def test_the_uk_notice_repeats_within_six_months_while_the_customer_stays_behind():
    uk = account("GB-ENG")
    in_arrears(uk, oldest_unpaid=date(2025, 12, 15), arrears_minor=60_000)
    notices_issue(as_of=date(2026, 1, 14), at=datetime(2026, 1, 15, 9, tzinfo=UTC))
    in_arrears(uk, oldest_unpaid=date(2025, 12, 15), arrears_minor=90_000)

    early = notices_issue(as_of=date(2026, 6, 30), at=datetime(2026, 7, 1, 9, tzinfo=UTC))
    due = notices_issue(as_of=date(2026, 7, 1), at=datetime(2026, 7, 2, 9, tzinfo=UTC))

    assert early["uk.arrears_s86b"] == 0
    assert due["uk.arrears_s86b"] == 1
    repeat, first = notices_of(contract_id=uk.contract_id)
    assert first.sent_date == date(2026, 1, 15)
    assert repeat.latest_send_date == date(2026, 7, 15)
    assert repeat.merge_data["shortfall"] == "£900.00"


def test_after_the_customer_catches_up_a_new_shortfall_starts_a_new_first_notice():
    uk = account("GB-ENG")
    in_arrears(uk, oldest_unpaid=date(2025, 12, 15), arrears_minor=60_000)
    notices_issue(as_of=date(2026, 1, 14), at=datetime(2026, 1, 15, 9, tzinfo=UTC))
    in_arrears(uk, oldest_unpaid=date(2026, 3, 15), arrears_minor=60_000)

    counts = notices_issue(as_of=date(2026, 4, 14), at=datetime(2026, 4, 15, 9, tzinfo=UTC))

    assert counts["uk.arrears_s86b"] == 1
    newest = notices_of(contract_id=uk.contract_id)[0]
    assert (newest.trigger_date, newest.latest_send_date) == (date(2026, 4, 14), date(2026, 4, 27))


def test_a_notice_lacking_the_customers_address_is_held_naming_it_and_retried():
    from recoup.parties.models import Address
    from recoup.portfolio.models import Contract

    uk = account("GB-ENG")
    in_arrears(uk, oldest_unpaid=date(2026, 4, 15), arrears_minor=60_000)
    customer = Contract.objects.get(pk=uk.contract_id).customer_id
    Address.objects.filter(party_id=customer).update(valid_to_date=date(2026, 1, 1))

    counts = notices_issue(as_of=date(2026, 5, 15), at=night(date(2026, 5, 15)))

    assert (counts["recorded"], counts["sent"], counts["held"]) == (1, 0, 1)
    (notice,) = notices_of(contract_id=uk.contract_id)
    assert notice.status == "due"
    assert notice.hold_reason == "the notice lacks what the law requires: customer_address"
    Address.objects.filter(party_id=customer).update(valid_to_date=None)
    retried = notices_issue(as_of=date(2026, 5, 16), at=night(date(2026, 5, 16)))
    assert (retried["recorded"], retried["sent"]) == (0, 1)
    assert Notice.objects.get().status == "sent"


def test_the_close_records_a_notice_due_with_its_clock_and_the_print_run_sends_it(capsys):
    loan = account("US-KS")
    in_arrears(loan, oldest_unpaid=date(2026, 4, 10), arrears_minor=30_000)

    recorded = notices_record(as_of=date(2026, 4, 20), at=night(date(2026, 4, 20)))

    (due,) = notices_of(contract_id=loan.contract_id)
    assert (recorded["recorded"], due.status, due.trigger_date) == (1, "due", date(2026, 4, 10))
    assert not SentItem.objects.exists()

    code = main(["letters", "run", "--as-of", "2026-04-20", "--json"])

    out = json.loads(capsys.readouterr().out)
    assert (code, out["notices_sent"], out["notices_held"]) == (0, 1, 0)
    (sent,) = notices_of(contract_id=loan.contract_id)
    assert sent.status == "sent"
    assert SentItem.objects.get(pk=sent.sent_item_id).purpose == "statutory_notice"
