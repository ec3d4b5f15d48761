"""contact_permissions: the gate's answer for many accounts at once is, for every account, the answer
contact_permission gives it alone, and its queries do not grow with the number of accounts."""

import dataclasses
import itertools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recoup.compliance.errors import UnknownChannel
from recoup.compliance.models import ContactPolicy
from recoup.compliance.operations import (
    contact_attempt_record,
    opt_out_record,
    opt_out_withdraw,
    placement_recall,
    placement_record,
)
from recoup.compliance.queries import contact_permission, contact_permissions
from recoup.compliance.rules import CHANNELS, PURPOSES
from recoup.parties.models import Address, Email, Phone
from recoup.parties.operations import AddressInput, PhoneInput, address_add, party_flag_clear, party_flag_set
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract
from recoup.portfolio.vin import vin_with_check_digit
from tests.integration.collections.work_builders import user_make
from tests.integration.factories import book, uk_customer, uk_pcp, us_customer, us_loan

pytestmark = pytest.mark.django_db

# Monday 16 March 2026: 10:00 in Houston and 15:00 in Glasgow; 21:30 in Glasgow (16:30 in
# Houston), when the UK is out of hours; and 02:00 UTC, when both are.
MOMENTS = (
    datetime(2026, 3, 16, 15, 0, tzinfo=UTC),
    datetime(2026, 3, 16, 21, 30, tzinfo=UTC),
    datetime(2026, 3, 16, 2, 0, tzinfo=UTC),
)
AT = MOMENTS[0]
SET_AT = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)
_vins = itertools.count(300_000)

ADDRESSES = {
    "US-TX": AddressInput(line1="1 Main St", city="Houston", region="TX", postal_code="77002", country="US"),
    "US-MA": AddressInput(line1="3 Beacon St", city="Boston", region="MA", postal_code="02108", country="US"),
    "US-CA": AddressInput(line1="5 Pine St", city="Fresno", region="CA", postal_code="93721", country="US"),
    "GB-SCT": AddressInput(line1="4 High Street", city="Glasgow", postal_code="G1 1XQ", country="GB"),
    "GB-ENG": AddressInput(line1="8 Park Row", city="Leeds", postal_code="LS1 5HD", country="GB"),
}
PHONES = {
    "US": (
        PhoneInput(number="(713) 555-0142", is_primary=True),
        PhoneInput(number="(713) 555-0199", kind="home"),
    ),
    "GB": (
        PhoneInput(number="07911 123456", is_primary=True),
        PhoneInput(number="0141 496 0123", kind="home"),
    ),
}


def booked(jurisdiction: str) -> Contract:
    """An account in `jurisdiction` whose customer has a mobile and a home phone and two emails."""
    country = jurisdiction[:2]
    customer = (us_customer if country == "US" else uk_customer)(
        addresses=(ADDRESSES[jurisdiction],),
        phones=PHONES[country],
        emails=("customer@example.com", "work@example.com"),
    )
    application = (us_loan if country == "US" else uk_pcp)(jurisdiction=jurisdiction, customer=customer)
    vehicle = dataclasses.replace(application.vehicle, vin=vin_with_check_digit(f"1HGCM826{next(_vins):08d}"))
    contract_id = book(dataclasses.replace(application, vehicle=vehicle)).contract_id
    return Contract.objects.select_related("customer").get(pk=contract_id)


def flagged(kind: str, detail: str = "", **changes) -> Callable[[Contract], None]:
    def apply(contract: Contract) -> None:
        party_flag_set(
            party=contract.customer,
            kind=kind,
            detail=detail,
            set_date=changes.get("set_date", date(2026, 1, 5)),
            until_date=changes.get("until_date"),
            at=SET_AT,
            set_by=None,
        )

    return apply


def cleared_bankruptcy(contract: Contract) -> None:
    flag = party_flag_set(
        party=contract.customer, kind="bankruptcy", set_date=date(2025, 6, 1), at=SET_AT, set_by=None
    )
    party_flag_clear(flag=flag, cleared_date=date(2026, 1, 10), at=SET_AT, cleared_by=None)


def opted_out(channel: str, address: str = "", *, at: datetime = SET_AT) -> Callable[[Contract], None]:
    def apply(contract: Contract) -> None:
        opt_out_record(party_id=contract.customer_id, channel=channel, at=at, source="test", address=address)

    return apply


def opted_back_in(contract: Contract) -> None:
    opt_out_record(party_id=contract.customer_id, channel="sms", at=SET_AT, source="sms_stop")
    opt_out_withdraw(
        party_id=contract.customer_id, channel="sms", at=SET_AT + timedelta(days=3), source="sms_start"
    )


def calls(days: int, **kind) -> Callable[[Contract], None]:
    """One call attempt a day for `days` days before the first moment (several the same day for a UK
    account's daily limit when `same_day`)."""

    def apply(contract: Contract) -> None:
        for n in range(days):
            back = timedelta(hours=1 + n) if kind.get("same_day") else timedelta(days=n, hours=1)
            contact_attempt_record(
                contract_id=contract.pk,
                channel="call",
                direction=kind.get("direction", "outbound"),
                at=AT - back,
                conversation=kind.get("conversation", False),
                at_customer_request=kind.get("at_customer_request", False),
                source="agent",
            )

    return apply


def do_not_call(which: str) -> Callable[[Contract], None]:
    def apply(contract: Contract) -> None:
        phones = Phone.objects.filter(party_id=contract.customer_id)
        (phones if which == "all" else phones.filter(kind=which)).update(do_not_call=True)

    return apply


def no_phones(contract: Contract) -> None:
    Phone.objects.filter(party_id=contract.customer_id).delete()


def no_emails(contract: Contract) -> None:
    Email.objects.filter(party_id=contract.customer_id).delete()


def moved_away(contract: Contract) -> None:
    Address.objects.filter(party_id=contract.customer_id).update(valid_to_date=date(2026, 2, 28))


def also_in_california(contract: Contract) -> None:
    address_add(
        party=contract.customer,
        address=dataclasses.replace(ADDRESSES["US-CA"], purpose="mailing", is_primary=False),
        from_date=date(2026, 1, 1),
        at=SET_AT,
        added_by=None,
    )


def placed(kind: str, on: date, *, recalled: date | None = None) -> Callable[[Contract], None]:
    """Placed with an agency of `kind` from `on` (and recalled from `recalled`)."""

    def apply(contract: Contract) -> None:
        leader = user_make("team_leader")
        recorded_at = datetime.combine(recalled or on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
        placement_record(
            account_number=contract.account_number,
            kind=kind,
            agency=f"Agency for {kind}",
            placed_date=on,
            by=leader,
            at=recorded_at,
        )
        if recalled is not None:
            placement_recall(
                account_number=contract.account_number,
                kind=kind,
                reason="Back in house",
                recalled_date=recalled,
                by=leader,
                at=recorded_at,
            )

    return apply


# Each account: its jurisdiction and what is done to it. Every flag kind, opt-outs of each reach,
# calls counted and not, numbers barred, several zones, no address, stored and default packs, accounts
# placed with third-party collectors (from the customer's day, recalled, not collecting) and not.
MIX: list[tuple[str, tuple[Callable[[Contract], None], ...]]] = [
    ("US-TX", ()),
    ("US-MA", ()),
    ("US-CA", ()),
    ("GB-SCT", ()),
    ("GB-ENG", ()),
    ("US-TX", (flagged("bankruptcy"),)),
    ("GB-ENG", (flagged("bankruptcy"),)),
    ("US-CA", (flagged("deceased"),)),
    ("US-TX", (flagged("military", "active duty from 2025-06-01"),)),
    ("GB-SCT", (flagged("military"),)),
    ("GB-ENG", (flagged("breathing_space", "standard"),)),
    ("GB-SCT", (flagged("breathing_space", "mental_health_crisis"),)),
    (
        "GB-ENG",
        (flagged("breathing_space", "standard", set_date=date(2025, 9, 1), until_date=date(2025, 10, 30)),),
    ),
    ("US-MA", (flagged("cease_communication"),)),
    ("GB-ENG", (flagged("cease_communication"),)),
    ("US-TX", (flagged("dispute"),)),
    ("GB-SCT", (flagged("dispute"),)),
    ("US-CA", (flagged("vulnerability", "health"),)),
    ("GB-ENG", (flagged("vulnerability", "life_events,capability"),)),
    ("GB-SCT", (flagged("vulnerability", "resilience"), calls(2, same_day=True))),
    ("US-TX", (cleared_bankruptcy,)),
    ("US-TX", (flagged("deceased", set_date=date(2026, 4, 1)),)),
    ("US-TX", (opted_out("sms"),)),
    ("US-MA", (opted_out("sms", "+17135550142"),)),
    ("US-CA", (opted_out("email", "customer@example.com"),)),
    ("GB-ENG", (opted_out("email"), opted_out("email", "work@example.com", at=SET_AT + timedelta(days=1)))),
    ("US-TX", (opted_out("sms", at=AT + timedelta(minutes=5)),)),
    ("US-TX", (opted_back_in,)),
    ("US-TX", (calls(7),)),
    ("US-MA", (calls(2),)),
    ("US-CA", (calls(1, conversation=True),)),
    ("US-TX", (calls(7, at_customer_request=True),)),
    ("US-TX", (calls(8, direction="inbound", conversation=True),)),
    ("GB-SCT", (calls(3, same_day=True),)),
    ("GB-ENG", (calls(1, conversation=True),)),
    ("US-TX", (calls(9), flagged("vulnerability", "health"))),
    ("US-TX", (do_not_call("all"),)),
    ("US-CA", (do_not_call("mobile"),)),
    ("GB-ENG", (do_not_call("home"),)),
    ("US-TX", (no_phones,)),
    ("US-CA", (no_emails,)),
    ("GB-SCT", (moved_away,)),
    ("US-TX", (also_in_california,)),
    ("US-MA", (flagged("dispute"), flagged("vulnerability", "health"), opted_out("sms"), calls(3))),
    ("US-TX", (placed("collection_agency", date(2026, 3, 2)),)),
    ("US-TX", (placed("solicitor", date(2026, 3, 2)), calls(7))),
    ("US-TX", (placed("collection_agency", date(2026, 3, 2)), calls(2))),
    ("US-MA", (placed("collection_agency", date(2026, 3, 2)), calls(2))),
    ("GB-ENG", (placed("collection_agency", date(2026, 3, 2)), calls(3, same_day=True))),
    # Placed from the 16th: in Houston at 02:00 UTC it is still the 15th, and the account the lender's.
    ("US-TX", (placed("collection_agency", date(2026, 3, 16)),)),
    ("US-CA", (placed("collection_agency", date(2026, 2, 2), recalled=date(2026, 3, 16)),)),
    ("US-CA", (placed("repossession_agent", date(2026, 3, 2)), placed("trace_specialist", date(2026, 3, 2)))),
    ("US-TX", (placed("collection_agency", date(2026, 3, 2)), flagged("cease_communication"))),
]


@pytest.fixture
def mix() -> list[int]:
    # A stored pack for one portfolio in Texas, and the UK default's row changed.
    ContactPolicy.objects.create(
        code="us-tx-ric",
        name="Texas retail instalment: one call a day",
        country="US",
        jurisdiction="US-TX",
        product_code="US-RIC",
        label="Portfolio US-RIC in Texas",
        window_attempts_max=5,
        window_days=7,
        daily_attempts_max=1,
        conversation_quiet_days=7,
        vulnerable_daily_attempts_max=1,
        vulnerable_window_attempts_max=3,
    )
    ContactPolicy.objects.filter(code="uk-conc").update(daily_attempts_max=2, conversation_quiet_days=2)
    ids = []
    for jurisdiction, changes in MIX:
        contract = booked(jurisdiction)
        for change in changes:
            change(contract)
        ids.append(contract.pk)
    return ids


def test_for_every_account_channel_purpose_and_moment_the_many_answer_is_the_one_answer(mix):
    seen_reasons: set[str] = set()
    allowed = refused = placed_reasons = lenders_after_placement = 0

    for channel, purpose, at in itertools.product(CHANNELS, PURPOSES, MOMENTS):
        many = contact_permissions(contract_ids=mix, channel=channel, at=at, purpose=purpose)

        assert sorted(many) == sorted(mix)
        for contract_id in mix:
            one = contact_permission(contract_id=contract_id, channel=channel, at=at, purpose=purpose)
            assert many[contract_id] == one, (contract_id, channel, purpose, at)
            seen_reasons.update(reason.split(" ", 1)[0] for reason in one.reasons)
            placed_reasons += "placed with a third party" in one.reasons[-1]
            lenders_after_placement += one.reasons[-1].startswith("Policy us-federal:") and contract_id in (
                mix[-4],
                mix[-3],
            )
            allowed, refused = allowed + one.allowed, refused + (not one.allowed)

    # The mix is varied enough to mean something: both answers, and most kinds of reason.
    assert allowed > 100
    assert refused > 100
    assert {
        "Bankruptcy",
        "Deceased",
        "Cease",
        "Dispute",
        "Breathing",
        "Vulnerability",
        "Calling",
        "Regulation",
        "Portfolio",
        "CONC",
        "Do",
        "No",
        "May",
        "Not:",
        "Policy",
    } <= seen_reasons
    assert placed_reasons > 100
    assert lenders_after_placement > 10


def test_the_queries_do_not_grow_with_the_number_of_accounts(mix):
    for channel in CHANNELS:
        with CaptureQueriesContext(connection) as few:
            contact_permissions(contract_ids=mix[:3], channel=channel, at=AT)
        with CaptureQueriesContext(connection) as all_of_them:
            contact_permissions(contract_ids=mix, channel=channel, at=AT)

        assert len(all_of_them) == len(few), channel
        # The contracts, the customers (five), the placements, the packs, and the calls or opt-outs.
        assert len(all_of_them) <= 9, channel


def test_no_accounts_need_no_query_and_an_unknown_one_is_named():
    with CaptureQueriesContext(connection) as none:
        assert contact_permissions(contract_ids=[], channel="letter", at=AT) == {}
    known = booked("US-TX").pk

    with pytest.raises(AccountNotFound) as unknown:
        contact_permissions(contract_ids=[known, known + 1000], channel="letter", at=AT)
    with pytest.raises(UnknownChannel):
        contact_permissions(contract_ids=[known], channel="fax", at=AT)

    assert len(none) == 0
    assert unknown.value.field == "contract_ids"
    assert f"no account {known + 1000}" in unknown.value.message
