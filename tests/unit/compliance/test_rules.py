"""The contact gate's decision: calling hours in every zone, each flag, do-not-call, opt-outs, purposes."""

from datetime import UTC, date, datetime

import pytest

from recoup.compliance.frequency import Call, Policy
from recoup.compliance.rules import (
    Customer,
    Flag,
    Number,
    OptOut,
    contact_decide,
    repossession_decide,
    service_start_date,
)

POLICY = Policy(code="us-federal", name="US federal default", label="Regulation F (12 CFR 1006.14(b)(2))")
POLICY_LINE = "Policy us-federal: US federal default"
TEXAS = ("America/Chicago", "America/Denver")
MOBILE = Number(e164="+17135550142", display="(713) 555-0142")
HOME = Number(e164="+17135550199", display="(713) 555-0199", kind="home")
# 15:00 UTC: 10:00 in Houston, 09:00 in El Paso.
MORNING = datetime(2026, 3, 16, 15, 0, tzinfo=UTC)


def customer(**changes) -> Customer:
    values = {
        "country": "US",
        "time_zones": TEXAS,
        "phones": (MOBILE,),
        "emails": ("maria.garcia@example.com",),
    }
    values.update(changes)
    return Customer(**values)


def decide(channel="call", *, at=MORNING, purpose="collection", calls=(), **changes):
    return contact_decide(
        channel=channel, at=at, purpose=purpose, customer=customer(**changes), calls=calls, policy=POLICY
    )


def flagged(kind, detail="", set_date=date(2026, 3, 1), until_date=None):
    return (Flag(kind=kind, detail=detail, set_date=set_date, until_date=until_date),)


def test_a_call_in_calling_hours_to_a_number_that_may_be_called_is_allowed_citing_the_policy():
    decision = decide()

    assert decision.allowed
    assert decision.reasons == ("May call (713) 555-0142", POLICY_LINE)


def test_a_customer_across_two_zones_may_be_called_only_when_both_are_in_hours():
    early = datetime(2026, 3, 16, 13, 30, tzinfo=UTC)  # 08:30 in Houston, 07:30 in El Paso
    late = datetime(2026, 3, 17, 1, 30, tzinfo=UTC)  # 20:30 in Houston, 19:30 in El Paso

    refused = decide(at=early)

    assert not refused.allowed
    assert refused.reasons[0] == (
        "Calling hours (Regulation F 12 CFR 1006.6(b)(1)(i)): 07:30 in America/Denver is outside 08:00–21:00 "
        "local time"
    )
    assert decide(at=late).allowed


def test_nine_in_the_evening_is_the_last_minute_and_a_minute_later_is_refused():
    nine = datetime(2026, 3, 17, 2, 0, tzinfo=UTC)  # 21:00 CDT, 20:00 MDT

    assert decide(at=nine).allowed
    assert not decide(at=nine.replace(minute=1)).allowed


def test_sms_and_email_keep_the_hours_and_letters_do_not():
    night = datetime(2026, 3, 17, 7, 0, tzinfo=UTC)  # 02:00 in Houston

    assert not decide("sms", at=night).allowed
    assert not decide("email", at=night).allowed
    assert decide("letter", at=night).allowed


def test_a_uk_customer_s_hours_cite_conc():
    decision = decide(
        at=datetime(2026, 10, 26, 7, 30, tzinfo=UTC), country="GB", time_zones=("Europe/London",)
    )

    assert (
        decision.reasons[0]
        == "Calling hours (CONC 7.9.4 R): 07:30 in Europe/London is outside 08:00–21:00 local time"
    )


def test_bankruptcy_stops_every_contact_even_a_statutory_notice():
    flags = flagged("bankruptcy")

    for channel in ("call", "sms", "email", "letter"):
        decision = decide(
            channel, flags=flags, purpose="statutory_notice" if channel == "letter" else "collection"
        )
        assert not decision.allowed
        assert (
            decision.reasons[0]
            == "Bankruptcy since 2026-03-01: the automatic stay (11 U.S.C. § 362(a)) stops all contact "
            "about the debt"
        )


def test_a_deceased_customer_gets_only_statutory_notices_by_letter():
    flags = flagged("deceased")

    assert not decide("call", flags=flags).allowed
    assert not decide("letter", flags=flags).allowed
    assert decide("letter", flags=flags, purpose="statutory_notice").allowed


def test_after_cease_communication_only_a_letter_saying_collection_stops_or_naming_a_remedy_goes():
    flags = flagged("cease_communication")

    call = decide("call", flags=flags)
    email_notice = decide("email", flags=flags, purpose="statutory_notice")

    assert call.reasons[0] == (
        "Cease communication since 2026-03-01 (FDCPA § 805(c), 15 U.S.C. § 1692c(c)): only a letter saying "
        "collection stops or naming a remedy"
    )
    assert not email_notice.allowed
    assert not decide("letter", flags=flags).allowed
    assert decide("letter", flags=flags, purpose="statutory_notice").allowed


def test_a_dispute_pauses_collection_until_it_is_answered():
    flags = flagged("dispute")

    decision = decide("sms", flags=flags)

    assert (
        decision.reasons[0]
        == "Dispute open since 2026-03-01: collection paused until the dispute is answered (FDCPA § 809(b))"
    )
    assert decide("letter", flags=flags, purpose="statutory_notice").allowed


def test_a_standard_breathing_space_says_until_when_no_contact_demanding_payment_is_made():
    flags = flagged("breathing_space", "standard", date(2026, 3, 3), date(2026, 5, 1))

    decision = decide(flags=flags, country="GB", time_zones=("Europe/London",))

    assert not decision.allowed
    assert decision.reasons[0] == (
        "Breathing Space (standard) from 2026-03-03 until 2026-05-01: no contact demanding payment "
        "(Debt Respite Scheme Regulations 2020, reg. 7)"
    )


def test_a_mental_health_crisis_breathing_space_refuses_collection_but_not_a_statutory_letter():
    flags = flagged("breathing_space", "mental_health_crisis")

    assert (
        decide("email", flags=flags)
        .reasons[0]
        .startswith("Breathing Space (mental health crisis) since 2026-03-01")
    )
    assert decide("letter", flags=flags, purpose="statutory_notice").allowed


def test_vulnerability_through_capability_stops_sms_reminders_but_not_letters():
    flags = flagged("vulnerability", "life_events,capability")

    sms = decide("sms", flags=flags)

    assert (
        sms.reasons[0]
        == "Vulnerability (capability) since 2026-03-01: no SMS reminders; call or write instead (FCA FG21/1)"
    )
    assert decide("letter", flags=flags).allowed
    assert decide("sms", flags=flagged("vulnerability", "resilience")).allowed


def test_a_military_flag_alone_does_not_stop_contact():
    assert decide(flags=flagged("military")).allowed


def test_a_call_is_allowed_when_some_number_is_not_marked_do_not_call_and_the_reasons_say_which():
    barred = Number(e164="+17135550100", display="(713) 555-0100", do_not_call=True)

    allowed = decide(phones=(barred, MOBILE))
    refused = decide(phones=(barred,))

    assert allowed.reasons == (
        "May call (713) 555-0142",
        "Do not call: (713) 555-0100 is marked do not call",
        POLICY_LINE,
    )
    assert refused.reasons == ("Do not call: (713) 555-0100 is marked do not call", POLICY_LINE)
    assert not decide(phones=()).allowed


def test_an_sms_opt_out_is_honoured_from_the_moment_it_was_recorded():
    opted = (OptOut(channel="sms", at=datetime(2026, 3, 10, 12, tzinfo=UTC)),)

    before = decide("sms", at=datetime(2026, 3, 9, 15, tzinfo=UTC), opt_outs=opted)
    after = decide("sms", opt_outs=opted)

    assert before.allowed
    assert after.reasons == (
        "No number may be texted: (713) 555-0142 opted out of SMS on 2026-03-10",
        POLICY_LINE,
    )


def test_sms_goes_only_to_mobiles():
    assert (
        decide("sms", phones=(HOME,)).reasons[0] == "No number may be texted: (713) 555-0199 is not a mobile"
    )


def test_an_email_opt_out_of_one_address_leaves_the_other():
    opted = (OptOut(channel="email", at=datetime(2026, 3, 1, tzinfo=UTC), address="old@example.com"),)

    decision = decide("email", emails=("old@example.com", "new@example.com"), opt_outs=opted)

    assert decision.allowed
    assert decision.reasons == (
        "May email new@example.com",
        "Not: old@example.com opted out of email on 2026-03-01",
        POLICY_LINE,
    )


def test_a_callback_the_customer_asked_for_is_outside_the_frequency_limits_but_not_the_hours():
    spoke = [Call(at=datetime(2026, 3, 16, 14, 0, tzinfo=UTC), conversation=True)]

    assert not decide(calls=spoke).allowed
    assert decide(calls=spoke, purpose="callback").allowed
    assert not decide(at=datetime(2026, 3, 17, 7, tzinfo=UTC), calls=spoke, purpose="callback").allowed


def test_a_letter_needs_a_current_address():
    assert decide("letter", has_address=False).reasons[0] == "No current address to write to"


def test_an_unknown_channel_or_purpose_is_refused():
    with pytest.raises(ValueError, match="channel"):
        decide("fax")
    with pytest.raises(ValueError, match="purpose"):
        decide(purpose="marketing")


def test_scra_refuses_repossession_when_the_contract_and_a_payment_came_before_service():
    military = Flag(kind="military", detail="active duty from 2025-06-01", set_date=date(2026, 1, 5))

    decision = repossession_decide(
        flags=(military,), origination_date=date(2024, 1, 1), first_payment_date=date(2024, 2, 1), us=True
    )

    assert not decision.allowed
    assert decision.reasons == (
        "SCRA (50 U.S.C. § 3952): the contract (2024-01-01) and a payment (2024-02-01) came before military "
        "service began (2025-06-01): no repossession without a court order",
    )


def test_scra_does_not_protect_a_contract_made_after_service_began_or_without_a_payment_before_it():
    military = Flag(kind="military", detail="2023-06-01", set_date=date(2026, 1, 5))

    after = repossession_decide(
        flags=(military,), origination_date=date(2024, 1, 1), first_payment_date=date(2024, 2, 1), us=True
    )
    unpaid = repossession_decide(
        flags=(Flag(kind="military", detail="", set_date=date(2024, 1, 15)),),
        origination_date=date(2024, 1, 1),
        first_payment_date=date(2024, 2, 1),
        us=True,
    )

    assert after.allowed
    assert unpaid.allowed


def test_a_military_flag_on_a_uk_agreement_does_not_stop_repossession_and_says_why():
    military = Flag(kind="military", detail="active duty from 2025-06-01", set_date=date(2026, 1, 5))

    decision = repossession_decide(
        flags=(military,), origination_date=date(2024, 1, 1), first_payment_date=date(2024, 2, 1), us=False
    )

    assert decision.allowed
    assert decision.reasons == (
        "Military service since 2026-01-05: SCRA (50 U.S.C. § 3952) does not apply to a UK agreement, so it "
        "does not stop repossession",
    )


def test_a_uk_agreement_is_still_barred_by_breathing_space_beside_a_military_flag():
    flags = (
        Flag(kind="military", detail="", set_date=date(2026, 1, 5)),
        Flag(kind="breathing_space", detail="standard", set_date=date(2026, 2, 1)),
    )

    decision = repossession_decide(
        flags=flags, origination_date=date(2024, 1, 1), first_payment_date=date(2024, 2, 1), us=False
    )

    assert not decision.allowed
    assert decision.reasons[1].startswith("Breathing Space since 2026-02-01")


def test_without_a_date_in_its_detail_service_starts_the_day_the_flag_was_set():
    assert service_start_date(Flag(kind="military", detail="deployed", set_date=date(2025, 9, 2))) == date(
        2025, 9, 2
    )


def test_bankruptcy_and_breathing_space_refuse_repossession():
    flags = (
        Flag(kind="bankruptcy", detail="", set_date=date(2026, 2, 1)),
        Flag(
            kind="breathing_space", detail="standard", set_date=date(2026, 2, 1), until_date=date(2026, 4, 1)
        ),
    )

    decision = repossession_decide(
        flags=flags, origination_date=date(2024, 1, 1), first_payment_date=None, us=True
    )

    assert decision.reasons == (
        "Bankruptcy since 2026-02-01: the automatic stay (11 U.S.C. § 362(a)(3)) stops repossession until "
        "the court lifts it",
        "Breathing Space from 2026-02-01 until 2026-04-01: no enforcement action (Debt Respite Scheme "
        "Regulations 2020, reg. 7)",
    )
