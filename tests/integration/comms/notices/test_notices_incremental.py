"""After the first night, the nightly selection reads only the accounts that can have a notice fall
due since the last night recorded: night after night it must pick exactly what a read of the whole
book picks, through arrears that come and go, payments coming of age and six-monthly repeats."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection

from recoup.arrears.models import ArrearsState
from recoup.comms.notices import batch
from recoup.comms.notices.models import Notice, NoticeSelection
from recoup.comms.notices.operations import notices_record
from tests.integration.comms.notices.helpers import account, in_arrears

pytestmark = pytest.mark.django_db


def selected(as_of: date, since: date | None) -> list[tuple]:
    with connection.cursor() as cursor:
        frame = batch.notices_select(cursor, connection.vendor, as_of, since=since)
    return sorted(frame.select("contract_id", "kind", "repeat").rows())


def test_night_after_night_the_changed_accounts_select_what_the_whole_book_selects():
    rng = random.Random(20261122)
    loans = [account(j) for j in ("GB-ENG", "GB-SCT", "GB-ENG", "US-KS", "US-MA", "US-MA", "US-TX", "GB-SCT")]
    night = date(2026, 1, 5)
    steady = account("GB-ENG")  # behind from the first night and never changes: its notice repeats
    in_arrears(steady, oldest_unpaid=date(2025, 12, 1), arrears_minor=90_000, on=night)
    last: date | None = None
    picked = 0
    for _ in range(60):
        for loan in loans:
            roll = rng.random()
            if roll < 0.15:  # a payment missed tonight, or a new shortfall after catching up
                oldest = night - timedelta(days=rng.choice((0, 5, 9, 10, 11, 30)))
                in_arrears(
                    loan, oldest_unpaid=oldest, arrears_minor=rng.choice((30_000, 60_000, 90_000)), on=night
                )
            elif roll < 0.22:  # caught up tonight
                in_arrears(loan, oldest_unpaid=None, arrears_minor=0, on=night)
        whole = selected(night, None)
        assert selected(night, last) == whole, night
        picked += len(whole)
        notices_record(as_of=night, at=datetime(night.year, night.month, night.day, 23, tzinfo=UTC))
        # The print run sends what is due, some of it a day late.
        sent_on = night + timedelta(days=rng.choice((0, 1)))
        Notice.objects.filter(status="due").update(
            status="sent",
            sent_date=sent_on,
            sent_at=datetime(sent_on.year, sent_on.month, sent_on.day, tzinfo=UTC),
        )
        last = night
        night += timedelta(days=rng.choice((1, 1, 2, 3, 7, 9)))
    assert picked > 10
    assert Notice.objects.filter(contract_id=steady.contract_id).count() == 2
    assert (
        Notice.objects.filter(kind="uk.arrears_s86b", sent_date__isnull=False).values("contract_id").count()
        > 3
    )
    assert NoticeSelection.objects.count() == 60


def test_a_repeat_is_read_on_the_night_its_six_months_less_the_lead_come_round():
    window = batch.s86b_repeat_sent_window(since=date(2026, 7, 1), as_of=date(2026, 7, 2))
    # Sent on 15 January: the repeat is due from 15 July less 14 days, 1 July (already read on the
    # night of 1 July); sent on 16 January, from 2 July.
    assert window == (date(2026, 1, 16), date(2026, 1, 16))
    # Month ends clamp: 31 August and 29 August both come round on 28 February less the lead.
    assert batch.s86b_repeat_sent_window(since=date(2027, 2, 13), as_of=date(2027, 2, 14)) == (
        date(2026, 8, 28),
        date(2026, 8, 31),
    )


def test_a_notice_a_person_cancelled_is_not_raised_again_until_the_arrears_change():
    loan = account("GB-ENG")
    in_arrears(loan, oldest_unpaid=date(2026, 3, 15), arrears_minor=60_000)
    notices_record(as_of=date(2026, 4, 14), at=datetime(2026, 4, 14, 23, tzinfo=UTC))
    Notice.objects.update(status="cancelled")  # as notice_cancel leaves it

    assert selected(date(2026, 4, 15), date(2026, 4, 14)) == []
    assert ArrearsState.objects.get(contract_id=loan.contract_id).changed_date == date(2026, 3, 15)
    assert selected(date(2026, 4, 15), None) == [(loan.contract_id, "uk.arrears_s86b", False)]


def test_a_due_notice_of_an_account_that_caught_up_is_cancelled_the_next_night():
    behind, caught_up = account("GB-ENG"), account("GB-ENG")
    for loan in (behind, caught_up):
        in_arrears(loan, oldest_unpaid=date(2026, 3, 15), arrears_minor=60_000)
    notices_record(as_of=date(2026, 4, 14), at=datetime(2026, 4, 14, 23, tzinfo=UTC))
    assert Notice.objects.filter(status="due").count() == 2

    in_arrears(caught_up, oldest_unpaid=None, arrears_minor=0, on=date(2026, 4, 15))
    counts = notices_record(as_of=date(2026, 4, 15), at=datetime(2026, 4, 15, 23, tzinfo=UTC))

    assert counts["cancelled"] == 1
    assert Notice.objects.get(contract_id=caught_up.contract_id).status == "cancelled"
    assert Notice.objects.get(contract_id=behind.contract_id).status == "due"
