"""US notices' clocks: state right-to-cure notices, notice of intent to repossess, notice of
disposition after repossession and the deficiency explanation. Pure: no Django, no clock.

Periods the statutes give in days are counted in calendar days. A customer's last day (to cure,
redeem, reinstate) that falls on a weekend or a federal or state holiday moves to the next business
day; a lender's last day to send moves back to the business day before (calendars.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from recoup.comms.calendars import business_day_on_or_after, business_day_on_or_before
from recoup.comms.notices.errors import NoticeNotAllowed, UnknownNoticeKind
from recoup.comms.notices.timing import Timing


@dataclass(frozen=True)
class CureRule:
    """A state's right to cure a payment default, before the lender may accelerate or repossess."""

    jurisdiction: str
    statute: str
    days_in_default: int  # the notice may be given once the payment is this many days late
    cure_days: int  # the customer may cure until this many days after the notice is given (mailed)
    once_per_contract: bool  # after one notice, later defaults carry no right to cure


RIGHT_TO_CURE: dict[str, CureRule] = {
    # Kansas UCCC K.S.A. 16a-5-111 (which since 1 January 2025 also carries the notice's content
    # from the repealed 16a-5-110): after the consumer has been in default for 10 days the creditor
    # may give the notice (given when delivered, or mailed to the residence); the creditor may
    # neither accelerate nor take possession until 20 days after it is given, and until then the
    # consumer may cure by paying all unpaid sums due plus unpaid late fees. Once a notice has been
    # given, later defaults on the same obligation carry no right to cure. The Kansas Comment's own
    # example: installment due April 10, notice from April 20, last day for payment May 10.
    "US-KS": CureRule("US-KS", "K.S.A. 16a-5-111", days_in_default=10, cure_days=20, once_per_contract=True),
    # Massachusetts M.G.L. c.255B §20A: the notice is given ten days or more after the default and
    # lets the buyer cure by paying the amount due "before (date which is at least twenty-one days
    # after notice is mailed)". The last day we give is therefore 21 days after mailing (the date
    # printed as "before" is the day after it). Not confirmed against c.255B §20A's own text, which
    # the stored sources lacked: the figures are those of the parallel c.255D §21 and of the
    # Massachusetts court libraries' and Attorney General's summaries of §20A. Its exemption after
    # three cures following notice is not applied: every new default gets its notice.
    "US-MA": CureRule(
        "US-MA", "M.G.L. c.255B §20A", days_in_default=10, cure_days=21, once_per_contract=False
    ),
}

# Cal. Civ. Code §2983.2(a): at least 15 days' written notice of intent to dispose of a repossessed
# vehicle, personally served or mailed (certified, or first-class postage prepaid); 20 days instead
# of 15 when it is mailed from, or to an address, outside California; the buyer may redeem (and,
# where the right exists, reinstate) until the period ends, and on written request the holder
# extends both by 10 days; the buyer is liable for a deficiency only if the notice is given within
# 60 days of repossession or surrender.
CA_NOTICE_DAYS = 15
CA_NOTICE_DAYS_OUT_OF_STATE = 20
CA_EXTENSION_DAYS = 10
CA_GIVE_WITHIN_DAYS = 60

# UCC 9-612(b): in a transaction other than a consumer transaction, a notification sent after
# default and 10 days or more before the earliest time of disposition is sent within a reasonable
# time. For consumer goods (our vehicles) 9-612(a) leaves it a question of fact; we apply the same
# 10 days as the floor for every state, and California's 15 (or 20) where its statute governs.
UCC_SAFE_HARBOUR_DAYS = 10
# UCC 9-616(b): the explanation goes before or when the secured party first demands the
# deficiency in a record after the disposition, and within 14 days after receipt of a request.
UCC_EXPLANATION_DAYS = 14

DISPOSITION_METHODS = ("public", "private")


def right_to_cure_rule(jurisdiction: str) -> CureRule | None:
    """The state's right-to-cure rule, or None where the state gives no such right."""
    return RIGHT_TO_CURE.get(jurisdiction)


def right_to_cure_arises(*, jurisdiction: str, default_date: date, as_of: date) -> bool:
    """Whether the notice of the right to cure may be given on `as_of` for a payment missed on
    `default_date` (its due date)."""
    rule = RIGHT_TO_CURE.get(jurisdiction)
    return rule is not None and as_of >= default_date + timedelta(days=rule.days_in_default)


def right_to_cure_timing(*, jurisdiction: str, default_date: date, send_date: date) -> Timing:
    """The right-to-cure notice's dates when it is mailed on `send_date`.

    Raises UnknownNoticeKind for a state without the right, NoticeNotAllowed before it arises.
    """
    rule = RIGHT_TO_CURE.get(jurisdiction)
    if rule is None:
        raise UnknownNoticeKind(f"{jurisdiction} gives no statutory right to cure", field="jurisdiction")
    earliest = default_date + timedelta(days=rule.days_in_default)
    if send_date < earliest:
        raise NoticeNotAllowed(
            f"under {rule.statute} the notice may be given from {earliest.isoformat()}, "
            f"{rule.days_in_default} days after the missed payment",
            field="send_date",
        )
    cure_by = business_day_on_or_after(send_date + timedelta(days=rule.cure_days), jurisdiction)
    return Timing(
        trigger_date=default_date,
        earliest_send_date=earliest,
        remedy_by_date=cure_by,
        earliest_action_date=cure_by + timedelta(days=1),
    )


def intent_to_repossess_timing(
    *, jurisdiction: str, as_of: date, cure_by_date: date | None, cured: bool = False
) -> Timing:
    """A notice that the vehicle may be repossessed.

    Where the state gives a right to cure (Kansas, Massachusetts), the lender may not repossess
    for the payment default until the cure period of a right-to-cure notice has run out uncured,
    so this notice may go only after it. No other state's statute is applied here: where none
    requires a pre-repossession notice, it is the lender's courtesy and may go at any time.

    Raises NoticeNotAllowed while a cure period runs, when none was given, or when the customer cured.
    """
    rule = RIGHT_TO_CURE.get(jurisdiction)
    if rule is not None:
        if cure_by_date is None:
            raise NoticeNotAllowed(
                f"under {rule.statute} a notice of the right to cure must be given first",
                field="cure_by_date",
            )
        if cured:
            raise NoticeNotAllowed("the customer cured the default within the period", field="cured")
        if as_of <= cure_by_date:
            raise NoticeNotAllowed(
                f"the customer may cure until {cure_by_date.isoformat()} under {rule.statute}",
                field="as_of",
            )
    return Timing(trigger_date=as_of, earliest_send_date=as_of, earliest_action_date=as_of)


def disposition_minimum_days(*, jurisdiction: str, mailed_out_of_state: bool = False) -> int:
    """The fewest days between sending the notice of disposition and the disposition."""
    if jurisdiction == "US-CA":
        return CA_NOTICE_DAYS_OUT_OF_STATE if mailed_out_of_state else CA_NOTICE_DAYS
    return UCC_SAFE_HARBOUR_DAYS


def disposition_timing(
    *,
    jurisdiction: str,
    repossessed_date: date,
    send_date: date,
    method: str,
    disposition_date: date,
    mailed_out_of_state: bool = False,
) -> Timing:
    """The notice of disposition (UCC 9-611; in California also the notice of intent to dispose
    under Civ. Code §2983.2) sent on `send_date` for a disposition on `disposition_date` — the
    public sale's day, or the day after which a private sale will be made.

    Raises UnknownNoticeKind for an unknown method, NoticeNotAllowed when the notice is sent before
    the repossession, too close to the disposition, or (California) more than 60 days after it.
    """
    if method not in DISPOSITION_METHODS:
        raise UnknownNoticeKind("method must be public or private", field="method")
    if send_date < repossessed_date:
        raise NoticeNotAllowed("the notice follows the repossession", field="send_date")
    days = disposition_minimum_days(jurisdiction=jurisdiction, mailed_out_of_state=mailed_out_of_state)
    latest = business_day_on_or_before(disposition_date - timedelta(days=days), jurisdiction)
    if jurisdiction == "US-CA":
        latest = min(latest, repossessed_date + timedelta(days=CA_GIVE_WITHIN_DAYS))
    if jurisdiction == "US-CA" and send_date > repossessed_date + timedelta(days=CA_GIVE_WITHIN_DAYS):
        raise NoticeNotAllowed(
            f"under Cal. Civ. Code §2983.2 the notice must be given within {CA_GIVE_WITHIN_DAYS} days "
            "of the repossession",
            field="send_date",
        )
    if send_date > latest:
        raise NoticeNotAllowed(
            f"the disposition must be at least {days} days after the notice is sent "
            f"(send by {latest.isoformat()})",
            field="sale_at" if method == "public" else "earliest_private_sale_date",
        )
    remedy_by = None
    if jurisdiction == "US-CA":
        remedy_by = business_day_on_or_after(send_date + timedelta(days=days), jurisdiction)
    return Timing(
        trigger_date=repossessed_date,
        earliest_send_date=repossessed_date,
        latest_send_date=latest,
        remedy_by_date=remedy_by,
        earliest_action_date=disposition_date,
    )


def deficiency_explanation_timing(
    *, disposed_date: date, request_received_date: date | None = None, first_demand_date: date | None = None
) -> Timing:
    """The explanation of a deficiency (UCC 9-616(b)): after the disposition, and no later than the
    first written demand for the deficiency, or 14 days after a request, whichever comes first."""
    limits = [d for d in (first_demand_date,) if d is not None]
    if request_received_date is not None:
        if request_received_date < disposed_date:
            raise NoticeNotAllowed(
                "a request counts only after the disposition", field="request_received_date"
            )
        limits.append(request_received_date + timedelta(days=UCC_EXPLANATION_DAYS))
    return Timing(
        trigger_date=disposed_date,
        earliest_send_date=disposed_date,
        latest_send_date=min(limits) if limits else None,
    )


@dataclass(frozen=True)
class DeficiencyCalculation:
    """UCC 9-616(c): the explanation's figures, in the order the section lists them."""

    aggregate_obligation_minor: int  # (1) as of a date not more than 35 days before possession
    proceeds_minor: int  # (2)
    after_proceeds_minor: int  # (3) the obligation less the proceeds
    expenses_minor: int  # (4) retaking, holding, preparing, processing, disposing; attorney's fees
    credits_minor: int  # (5) rebates of interest or charges not already in (1)
    deficiency_minor: int  # (6) negative when there is a surplus

    @property
    def surplus_minor(self) -> int:
        return max(-self.deficiency_minor, 0)


def deficiency_calculate(
    *, aggregate_obligation_minor: int, proceeds_minor: int, expenses_minor: int, credits_minor: int
) -> DeficiencyCalculation:
    for name, value in (
        ("aggregate_obligation", aggregate_obligation_minor),
        ("proceeds", proceeds_minor),
        ("expenses", expenses_minor),
        ("credits", credits_minor),
    ):
        if value < 0:
            raise NoticeNotAllowed(f"{name} cannot be negative", field=name)
    after = aggregate_obligation_minor - proceeds_minor
    return DeficiencyCalculation(
        aggregate_obligation_minor=aggregate_obligation_minor,
        proceeds_minor=proceeds_minor,
        after_proceeds_minor=after,
        expenses_minor=expenses_minor,
        credits_minor=credits_minor,
        deficiency_minor=after + expenses_minor - credits_minor,
    )
