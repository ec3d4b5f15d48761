"""Notices a workflow triggers, issued by a person: their dates, their content checks, and nothing
written when one is refused."""

from datetime import UTC, date, datetime

import pytest

from recoup.access.models import AuditEvent, Role
from recoup.access.operations import user_create
from recoup.comms.models import SentItem
from recoup.comms.notices.errors import NoticeContentMissing, NoticeNotAllowed, UnknownNoticeKind
from recoup.comms.notices.models import Notice
from recoup.comms.notices.operations import (
    default_notice_issue,
    deficiency_explanation_issue,
    disposition_notice_issue,
    intent_to_repossess_issue,
    notices_issue,
)
from tests.integration.comms.notices.helpers import account, in_arrears

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RECOUP_COMMS_OUTBOX = str(tmp_path / "outbox")
    settings.RECOUP_COMMS_PROVIDER = "file"


@pytest.fixture
def leader():
    return user_create(username="tay", password="not-used-here", role=Role.TEAM_LEADER)


def test_a_private_sale_in_texas_is_noticed_ten_days_ahead_with_every_ucc_element(leader):
    loan = account("US-TX")
    at = datetime(2026, 3, 3, 15, tzinfo=UTC)

    notice = disposition_notice_issue(
        contract_id=loan.contract_id,
        method="private",
        repossessed_date=date(2026, 3, 2),
        earliest_private_sale_date=date(2026, 3, 13),
        redemption_phone="(800) 555-0123",
        at=at,
        by=leader,
    )

    assert notice.status == "sent"
    assert (notice.trigger_date, notice.sent_date, notice.latest_send_date) == (
        date(2026, 3, 2),
        date(2026, 3, 3),
        date(2026, 3, 3),
    )
    assert notice.merge_data["earliest_private_sale_date"] == "March 13, 2026"
    assert notice.merge_data["deficiency_liability"] == "will"
    assert notice.merge_data["accounting_charge"] == "no charge"
    assert notice.merge_data["redemption_phone"] == "(800) 555-0123"
    body = SentItem.objects.get(pk=notice.sent_item_id).body
    assert "private sale sometime after" in body
    assert AuditEvent.objects.filter(action="notice.issue", actor=leader).count() == 1


def test_a_public_sale_without_its_place_is_refused_naming_the_place_and_nothing_is_sent(leader):
    loan = account("US-TX")

    with pytest.raises(NoticeContentMissing) as refused:
        disposition_notice_issue(
            contract_id=loan.contract_id,
            method="public",
            repossessed_date=date(2026, 3, 2),
            sale_at=datetime(2026, 3, 20, 15, tzinfo=UTC),
            redemption_phone="(800) 555-0123",
            at=datetime(2026, 3, 3, 15, tzinfo=UTC),
            by=leader,
        )

    assert refused.value.field == "sale_place"
    assert Notice.objects.count() == 0
    assert SentItem.objects.count() == 0


def test_a_public_sale_prints_its_time_in_the_customers_zone_across_the_clock_change(leader):
    loan = account("US-TX")

    notice = disposition_notice_issue(
        contract_id=loan.contract_id,
        method="public",
        repossessed_date=date(2026, 2, 20),
        sale_at=datetime(2026, 3, 9, 15, tzinfo=UTC),  # the Monday after clocks went forward
        place="Dallas Auto Auction, 1 Auction Way, Dallas, TX",
        redemption_phone="(800) 555-0123",
        at=datetime(2026, 2, 24, 15, tzinfo=UTC),
        by=leader,
    )

    assert notice.merge_data["sale_at_local"] == "10:00 CDT on Monday 09 March 2026"


def test_california_refuses_a_sale_sooner_than_15_days_after_the_notice(leader):
    loan = account("US-CA")

    with pytest.raises(NoticeNotAllowed, match="at least 15 days") as refused:
        disposition_notice_issue(
            contract_id=loan.contract_id,
            method="private",
            repossessed_date=date(2026, 3, 2),
            earliest_private_sale_date=date(2026, 3, 16),
            redemption_phone="(800) 555-0123",
            redemption_amount_minor=1_234_500,
            reinstatement="You may reinstate by paying the overdue payments and our repossession costs.",
            at=datetime(2026, 3, 2, 20, tzinfo=UTC),
            by=leader,
        )

    assert refused.value.field == "earliest_private_sale_date"
    assert Notice.objects.count() == 0


def test_california_notice_of_intent_to_dispose_gives_redemption_until_the_15th_day(leader):
    loan = account("US-CA")

    notice = disposition_notice_issue(
        contract_id=loan.contract_id,
        method="private",
        repossessed_date=date(2026, 3, 2),
        earliest_private_sale_date=date(2026, 3, 18),
        redemption_phone="(800) 555-0123",
        redemption_amount_minor=1_234_500,
        reinstatement="You may reinstate by paying the overdue payments and our repossession costs.",
        at=datetime(2026, 3, 2, 20, tzinfo=UTC),
        by=leader,
    )

    assert notice.template_code == "notice.us.disposition.ca"
    assert notice.remedy_by_date == date(2026, 3, 17)
    assert notice.merge_data["redemption_amount"] == "$12,345.00"
    assert notice.merge_data["extension_days"] == "10"


def test_the_deficiency_explanation_states_the_9_616_figures_in_order(leader):
    loan = account("US-TX")

    notice = deficiency_explanation_issue(
        contract_id=loan.contract_id,
        disposed_date=date(2026, 5, 20),
        obligation_as_of_date=date(2026, 3, 1),
        aggregate_obligation_minor=1_500_000,
        proceeds_minor=900_000,
        expenses_minor=75_000,
        credits_minor=25_000,
        request_received_date=date(2026, 6, 1),
        at=datetime(2026, 6, 3, 15, tzinfo=UTC),
        by=leader,
    )

    assert notice.latest_send_date == date(2026, 6, 15)
    figures = [notice.merge_data[k] for k in ("aggregate_obligation", "proceeds", "after_proceeds")]
    assert figures == ["$15,000.00", "$9,000.00", "$6,000.00"]
    assert (notice.merge_data["expenses"], notice.merge_data["credits"]) == ("$750.00", "$250.00")
    assert notice.merge_data["deficiency"] == "$6,500.00"


def test_a_negative_figure_is_refused_naming_it(leader):
    loan = account("US-TX")

    with pytest.raises(NoticeNotAllowed) as refused:
        deficiency_explanation_issue(
            contract_id=loan.contract_id,
            disposed_date=date(2026, 5, 20),
            obligation_as_of_date=date(2026, 3, 1),
            aggregate_obligation_minor=1_500_000,
            proceeds_minor=-1,
            expenses_minor=0,
            credits_minor=0,
            at=datetime(2026, 6, 3, 15, tzinfo=UTC),
            by=leader,
        )

    assert refused.value.field == "proceeds"
    assert Notice.objects.count() == 0


def test_a_default_notice_posted_on_christmas_eve_gives_until_13_january(leader):
    uk = account("GB-ENG")
    in_arrears(uk, oldest_unpaid=date(2026, 10, 15), arrears_minor=60_000)

    notice = default_notice_issue(
        contract_id=uk.contract_id, at=datetime(2026, 12, 24, 10, tzinfo=UTC), by=leader
    )

    assert (notice.deemed_service_date, notice.remedy_by_date) == (date(2026, 12, 30), date(2027, 1, 13))
    assert notice.earliest_action_date == date(2027, 1, 14)
    assert notice.merge_data["amount_required"] == "£600.00"
    assert "default information sheet" in notice.merge_data["information_sheet"]


def test_a_default_notice_is_for_uk_agreements_only(leader):
    loan = account("US-TX")
    in_arrears(loan, oldest_unpaid=date(2026, 10, 15), arrears_minor=60_000)

    with pytest.raises(UnknownNoticeKind):
        default_notice_issue(
            contract_id=loan.contract_id, at=datetime(2026, 12, 24, 10, tzinfo=UTC), by=leader
        )


def test_in_kansas_intent_to_repossess_waits_for_the_cure_period_to_end(leader):
    loan = account("US-KS")
    in_arrears(loan, oldest_unpaid=date(2026, 4, 10), arrears_minor=30_000)
    notices_issue(as_of=date(2026, 4, 20), at=datetime(2026, 4, 20, 23, 30, tzinfo=UTC))

    with pytest.raises(NoticeNotAllowed, match="may cure until 2026-05-11"):
        intent_to_repossess_issue(
            contract_id=loan.contract_id, at=datetime(2026, 5, 11, 15, tzinfo=UTC), by=leader
        )
    notice = intent_to_repossess_issue(
        contract_id=loan.contract_id, at=datetime(2026, 5, 12, 15, tzinfo=UTC), by=leader
    )

    assert notice.status == "sent"
    assert notice.merge_data["repossession_from_date"] == "May 12, 2026"
