"""What each notice must say before it may go out."""

import pytest

from recoup.comms.notices.content import (
    DISPOSITION,
    RIGHT_TO_CURE,
    content_check,
    content_missing,
    required_elements,
)
from recoup.comms.notices.errors import NoticeContentMissing, UnknownNoticeKind

KANSAS = {
    "customer_name": "Maria Garcia",
    "customer_address": "12 Maple Ave, Wichita, KS 67202",
    "lender_name": "Recoup Auto Finance",
    "lender_address": "1 Main St, Wichita, KS 67202",
    "lender_phone": "+1 316 555 0100",
    "account_number": "US00000001",
    "transaction_description": "Retail installment contract for a 2023 Honda Accord",
    "amount_due": "USD 304.15",
    "cure_by_date": "2026-05-11",
}


def test_a_complete_kansas_notice_passes():
    content_check(RIGHT_TO_CURE, "US-KS", KANSAS)


def test_a_kansas_notice_without_the_creditors_phone_is_refused_naming_it():
    with pytest.raises(NoticeContentMissing, match="lender_phone") as refused:
        content_check(RIGHT_TO_CURE, "US-KS", {**KANSAS, "lender_phone": " "})

    assert refused.value.field == "lender_phone"


def test_a_zero_accounting_charge_is_a_statement_not_a_gap():
    merge = {"disposition_method": "private", "accounting_charge": 0}

    assert "accounting_charge" not in content_missing(DISPOSITION, "US-TX", merge)


def test_a_public_sale_needs_its_time_and_place_and_a_private_one_its_date():
    public = required_elements(DISPOSITION, "US-TX", {"disposition_method": "public"})
    private = required_elements(DISPOSITION, "US-TX", {"disposition_method": "private"})

    assert {"sale_at_local", "sale_place"} <= set(public)
    assert "earliest_private_sale_date" not in public
    assert "earliest_private_sale_date" in private


def test_california_adds_redemption_and_reinstatement():
    elements = required_elements(DISPOSITION, "US-CA", {"disposition_method": "private"})

    assert {"redemption_amount", "reinstatement", "redeem_by_date", "extension_days"} <= set(elements)


def test_a_right_to_cure_notice_for_a_state_without_one_is_refused():
    with pytest.raises(UnknownNoticeKind):
        required_elements(RIGHT_TO_CURE, "US-TX")
