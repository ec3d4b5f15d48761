"""The contact gate over the database: rule packs chosen per account, attempts counted, flags and
opt-outs honoured, repossession under SCRA."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from recoup.compliance.errors import InvalidAttempt, InvalidOptOut, UnknownChannel, UnknownPurpose
from recoup.compliance.models import ContactAttempt, ContactPolicy
from recoup.compliance.operations import (
    AttemptInput,
    contact_attempt_record,
    contact_attempts_record_many,
    opt_out_record,
)
from recoup.compliance.queries import (
    account_contact_permission,
    contact_permission,
    policy_for,
    repossession_permission,
)
from recoup.parties.operations import AddressInput, PhoneInput, party_flag_set
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract
from tests.integration.factories import book, uk_customer, uk_pcp, us_customer, us_loan

pytestmark = pytest.mark.django_db


# A US contract whose deposit is paid at signing: a payment before service began, for SCRA.
DEPOSIT_OF_3000 = {"cash_price": Decimal("18000"), "deposit": Decimal("3000")}


def booked(application=None):
    return Contract.objects.select_related("customer").get(pk=book(application).contract_id)


# Monday 16 March 2026, 10:00 in Houston (CDT), 09:00 in El Paso (MDT).
AT = datetime(2026, 3, 16, 15, 0, tzinfo=UTC)


def call_attempts(contract, days, **kind):
    for n in range(days):
        contact_attempt_record(
            contract_id=contract.pk,
            channel="call",
            direction=kind.get("direction", "outbound"),
            at=AT - timedelta(days=n, hours=1),
            conversation=kind.get("conversation", False),
            at_customer_request=kind.get("at_customer_request", False),
            source="agent",
        )


def test_a_texas_customer_may_be_called_in_both_of_their_zones_hours_under_the_federal_pack():
    contract = booked()

    permission = contact_permission(contract_id=contract.pk, channel="call", at=AT)

    assert permission.allowed
    assert permission.reasons == (
        "May call (713) 555-0142",
        "Policy us-federal: US federal default: Regulation F call frequency, first and third party",
    )


def test_seven_recorded_attempts_refuse_an_eighth_and_inbound_calls_do_not_count():
    contract = booked()
    call_attempts(contract, 6)
    call_attempts(contract, 3, direction="inbound")

    sixth_plus_inbound = contact_permission(contract_id=contract.pk, channel="call", at=AT)
    call_attempts(contract, 1)
    seventh = contact_permission(contract_id=contract.pk, channel="call", at=AT)

    assert sixth_plus_inbound.allowed
    assert not seventh.allowed
    assert seventh.reasons[0] == (
        "Regulation F (12 CFR 1006.14(b)(2)): 7 call attempts in the 7 days to 2026-03-16, the most allowed; "
        "no call before 2026-03-18"  # two attempts today: 17 March's seven days still hold seven
    )


def test_a_recorded_conversation_starts_the_seven_days_and_a_callback_the_customer_asked_for_may_still_go():
    contract = booked()
    contact_attempt_record(
        contract_id=contract.pk,
        channel="call",
        direction="outbound",
        at=AT - timedelta(days=2),
        conversation=True,
        source="agent",
    )

    collection = contact_permission(contract_id=contract.pk, channel="call", at=AT)
    callback = contact_permission(contract_id=contract.pk, channel="call", at=AT, purpose="callback")

    assert collection.reasons[0].endswith(
        "a telephone conversation on 2026-03-14 (day 1 of 7); no call before 2026-03-21"
    )
    assert callback.allowed


def test_a_massachusetts_account_gets_the_state_s_two_calls_in_seven_days():
    ma = us_customer(
        addresses=(
            AddressInput(line1="1 Main St", city="Boston", region="MA", postal_code="02108", country="US"),
        )
    )
    contract = booked(us_loan(customer=ma, jurisdiction="US-MA"))
    call_attempts(contract, 2)

    permission = contact_permission(contract_id=contract.pk, channel="call", at=AT)

    assert permission.reasons == (
        "Massachusetts 940 CMR 7.04(1)(f): 2 call attempts in the 7 days to 2026-03-16, the most allowed; "
        "no call before 2026-03-22",
        "Policy us-ma: Massachusetts: two calls in seven days (940 CMR 7.04(1)(f), 209 CMR 18.16(1)(d))",
    )


def test_a_portfolio_s_own_pack_wins_over_the_country_s():
    contract = booked()
    ContactPolicy.objects.create(
        code="us-ric-gentle",
        name="US retail instalment: one call a day",
        country="US",
        product_code="US-RIC",
        label="Portfolio US-RIC",
        window_attempts_max=7,
        window_days=7,
        daily_attempts_max=1,
        conversation_quiet_days=7,
        vulnerable_daily_attempts_max=1,
        vulnerable_window_attempts_max=3,
    )
    call_attempts(contract, 1)

    permission = contact_permission(contract_id=contract.pk, channel="call", at=AT)

    assert permission.reasons == (
        "Portfolio US-RIC: 1 call attempt on 2026-03-16, the most in a day; no call before 2026-03-17",
        "Policy us-ric-gentle: US retail instalment: one call a day",
    )
    assert policy_for(country="US", jurisdiction="US-TX", product_code="US-LEASE").policy.code == "us-federal"
    assert policy_for(
        country="US", jurisdiction="US-TX", product_code="", collector="third_party"
    ).policy.code == ("us-federal-third-party")


def test_a_row_with_a_default_pack_s_code_replaces_it_and_with_no_rows_the_defaults_still_apply():
    ContactPolicy.objects.filter(code="us-federal").update(window_attempts_max=5, name="US federal, stricter")
    stricter = policy_for(country="US", jurisdiction="US-TX", product_code="US-RIC")
    ContactPolicy.objects.all().delete()
    emptied = policy_for(country="US", jurisdiction="US-MA", product_code="US-RIC")

    assert (stricter.policy.name, stricter.policy.window_attempts_max) == ("US federal, stricter", 5)
    assert (emptied.policy.code, emptied.policy.window_attempts_max) == ("us-ma", 2)


def test_a_uk_account_gets_the_conc_pack():
    contract = booked(uk_pcp())

    permission = contact_permission(contract_id=contract.pk, channel="call", at=AT)

    assert (
        permission.reasons[-1]
        == "Policy uk-conc: UK default: fair and not excessive contact (CONC 7.3, CONC 7.9)"
    )


def test_a_breathing_space_refuses_collection_until_its_sixtieth_day_and_not_after():
    contract = booked(uk_pcp())
    party_flag_set(
        party=contract.customer,
        kind="breathing_space",
        detail="standard",
        set_date=date(2026, 3, 2),
        at=AT,
        set_by=None,
    )

    during = account_contact_permission(account_number=contract.account_number, channel="letter", at=AT)
    notice = account_contact_permission(
        account_number=contract.account_number, channel="letter", at=AT, purpose="statutory_notice"
    )
    after = account_contact_permission(
        account_number=contract.account_number, channel="letter", at=datetime(2026, 5, 1, 10, tzinfo=UTC)
    )

    assert during.reasons[0] == (
        "Breathing Space (standard) from 2026-03-02 until 2026-04-30: no contact demanding payment "
        "(Debt Respite Scheme Regulations 2020, reg. 7)"
    )
    assert notice.allowed
    assert after.allowed


def test_a_cleared_dispute_no_longer_pauses_collection():
    from recoup.parties.operations import party_flag_clear

    contract = booked()
    flag = party_flag_set(
        party=contract.customer, kind="dispute", set_date=date(2026, 3, 1), at=AT, set_by=None
    )

    paused = contact_permission(contract_id=contract.pk, channel="email", at=AT)
    party_flag_clear(flag=flag, cleared_date=date(2026, 3, 17), at=AT, cleared_by=None)
    answered = contact_permission(contract_id=contract.pk, channel="email", at=AT + timedelta(days=1))

    assert not paused.allowed
    assert answered.allowed


def test_an_sms_opt_out_is_honoured_and_an_email_opt_out_of_the_only_address_stops_email():
    contract = booked()
    opt_out_record(party_id=contract.customer_id, channel="sms", at=AT - timedelta(days=1), source="sms STOP")
    opt_out_record(
        party_id=contract.customer_id,
        channel="email",
        at=AT - timedelta(days=1),
        source="unsubscribe link",
        address="Maria.Garcia@example.com",
    )

    sms = contact_permission(contract_id=contract.pk, channel="sms", at=AT)
    email = contact_permission(contract_id=contract.pk, channel="email", at=AT)
    earlier = contact_permission(contract_id=contract.pk, channel="sms", at=AT - timedelta(days=2))

    assert sms.reasons[0] == "No number may be texted: (713) 555-0142 opted out of SMS on 2026-03-15"
    assert (
        email.reasons[0] == "No email may be sent: maria.garcia@example.com opted out of email on 2026-03-15"
    )
    assert earlier.allowed


def test_a_do_not_call_number_is_skipped_and_the_reasons_say_which_may_be_called():
    from recoup.parties.models import Phone

    customer = us_customer(
        phones=(PhoneInput(number="(713) 555-0142", is_primary=True), PhoneInput(number="(713) 555-0143"))
    )
    contract = booked(us_loan(customer=customer))
    Phone.objects.filter(e164="+17135550142").update(do_not_call=True)

    permission = contact_permission(contract_id=contract.pk, channel="call", at=AT)

    assert permission.allowed
    assert permission.reasons[:2] == (
        "May call (713) 555-0143",
        "Do not call: (713) 555-0142 is marked do not call",
    )


def test_the_decision_is_a_handful_of_queries(django_assert_max_num_queries):
    contract = booked()
    call_attempts(contract, 3)

    with django_assert_max_num_queries(9):
        contact_permission(contract_id=contract.pk, channel="call", at=AT)


def test_bad_requests_name_their_field():
    contract = booked()

    with pytest.raises(UnknownChannel) as channel:
        contact_permission(contract_id=contract.pk, channel="fax", at=AT)
    with pytest.raises(UnknownPurpose) as purpose:
        contact_permission(contract_id=contract.pk, channel="call", at=AT, purpose="sales")
    with pytest.raises(AccountNotFound) as account:
        account_contact_permission(account_number="NOPE", channel="call", at=AT)
    with pytest.raises(InvalidAttempt) as direction:
        contact_attempt_record(
            contract_id=contract.pk, channel="call", direction="sideways", at=AT, source="agent"
        )
    with pytest.raises(InvalidOptOut) as address:
        opt_out_record(
            party_id=contract.customer_id, channel="sms", at=AT, source="x", address="not a number"
        )

    assert (channel.value.field, purpose.value.field, account.value.field) == (
        "channel",
        "purpose",
        "account_number",
    )
    assert (direction.value.field, address.value.field) == ("direction", "address")


def test_many_attempts_are_recorded_together_or_not_at_all():
    contract = booked()
    good = AttemptInput(contract_id=contract.pk, channel="call", direction="outbound", at=AT)
    bad = AttemptInput(contract_id=contract.pk, channel="sms", direction="outbound", at=AT, conversation=True)

    with pytest.raises(InvalidAttempt) as refused:
        contact_attempts_record_many(attempts=[good, bad], source="dialer")
    recorded = contact_attempts_record_many(attempts=[good, good], source="dialer")

    assert refused.value.field == "attempts.1.conversation"
    assert recorded == 2
    assert ContactAttempt.objects.filter(contract_id=contract.pk, source="dialer").count() == 2


def test_scra_refuses_repossession_when_the_contract_and_the_deposit_came_before_service():
    contract = booked(
        us_loan(origination_date=date(2024, 3, 15), first_due_date=date(2024, 4, 15), **DEPOSIT_OF_3000)
    )
    party_flag_set(
        party=contract.customer,
        kind="military",
        detail="active duty from 2025-06-01",
        set_date=date(2026, 1, 5),
        at=AT,
        set_by=None,
    )

    refused = repossession_permission(contract_id=contract.pk, on_date=date(2026, 3, 16))
    before_flag = repossession_permission(contract_id=contract.pk, on_date=date(2026, 1, 4))

    assert refused.reasons == (
        "SCRA (50 U.S.C. § 3952): the contract (2024-03-15) and a payment (2024-03-15) came before military "
        "service began (2025-06-01): no repossession without a court order",
    )
    assert before_flag.allowed


def test_a_military_flag_on_a_uk_agreement_does_not_stop_repossession():
    contract = booked(uk_pcp(customer=uk_customer()))
    party_flag_set(
        party=contract.customer,
        kind="military",
        detail="active duty from 2025-06-01",
        set_date=date(2026, 1, 5),
        at=AT,
        set_by=None,
    )

    permission = repossession_permission(contract_id=contract.pk, on_date=date(2026, 3, 16))

    assert permission.allowed
    assert permission.reasons == (
        "Military service since 2026-01-05: SCRA (50 U.S.C. § 3952) does not apply to a UK agreement, so it "
        "does not stop repossession",
    )


def test_a_contract_made_after_service_began_may_be_repossessed():
    contract = booked()
    party_flag_set(
        party=contract.customer,
        kind="military",
        detail="since 2023-09-01",
        set_date=date(2026, 1, 5),
        at=AT,
        set_by=None,
    )

    assert repossession_permission(contract_id=contract.pk, on_date=date(2026, 3, 16)).allowed
