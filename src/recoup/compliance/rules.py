"""The contact gate's rules: may we contact this customer, on this channel, at this moment, about this
account — and if not, why, in words an agent reads.

Pure: no Django, no clock. The caller gathers the customer (zones, active flags, phones, emails,
opt-outs), the account's recent calls and the rule pack (`Policy`) and passes them in.

What each rule decides (the purpose of the contact changes some of them):

- Calling hours (Regulation F 12 CFR 1006.6(b)(1)(i); CONC 7.9.4 R): calls, SMS and email only
  between 08:00 and 21:00 in every zone the customer may be in. Letters go by post and are not timed.
- Call frequency (see recoup.compliance.frequency): the policy's limits, Regulation F's 7-in-7 and
  conversation presumptions by default.
- Bankruptcy: the automatic stay (11 U.S.C. § 362(a)) stops every contact about the debt, notices
  included (a notice of intent to repossess would itself be an act against the stay).
- Deceased: nothing is sent to the customer; only statutory notices go, as letters, to the estate.
- Cease communication (FDCPA § 805(c), 15 U.S.C. § 1692c(c)): after it only a letter saying
  collection stops or naming a remedy the lender may or will invoke — purpose "statutory_notice"
  on the letter channel. Calls, SMS and email are refused for every purpose. First-party lenders
  are not bound by the FDCPA; Recoup honours the request for them too.
- Dispute: collection stops until the dispute is answered (FDCPA § 809(b); CONC 7.14); the answer
  goes as a letter ("statutory_notice"). The flag is cleared when the dispute is answered.
- Breathing Space (Debt Respite Scheme (Breathing Space Moratorium and Mental Health Crisis
  Moratorium) (England and Wales) Regulations 2020, reg. 7): no contact demanding payment on any
  channel; statutory notices still go by letter.
- Vulnerability (FCA FG21/1, drivers health, life events, resilience, capability): any driver limits
  calls to the policy's vulnerable daily limit; "health" or "capability" also to its vulnerable
  seven-day limit and stops SMS reminders (a text is easily misread or missed; an agent's call or a
  letter lets the customer ask and take their time).
- Do not call: a call needs a number not marked do not call; the reasons say which numbers may be
  called. SMS needs a mobile number neither marked do not call nor opted out of SMS.
- Opt-outs: an SMS or email opt-out (of one address or, with no address, the whole channel) is
  honoured from the moment it was recorded.
- Placement: while the account is placed with a debt collection agency or a solicitor (a collection
  attorney) collecting the debt, a third-party debt collector under the FDCPA (15 U.S.C. § 1692a(6)),
  the third-party rule pack applies (the caller chooses it; see `collecting_placements`) and the
  policy's reason says with whom. A repossession agent or a trace specialist collects nothing: the
  lender's own pack still applies.

Purposes: "collection" (the default), "statutory_notice" (a letter the law requires: it relaxes
cease communication, deceased, dispute and Breathing Space for letters only) and "callback" (a call
the customer asked for within the last seven days: Regulation F 12 CFR 1006.14(b)(3)(i) takes it out
of the call-frequency presumptions, every other rule still applies).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from recoup.compliance.calling_hours import WINDOW_CLOSES, WINDOW_OPENS, zone_set_callable
from recoup.compliance.frequency import STRICT_DRIVERS, Call, Policy, frequency_reasons

CHANNELS = ("call", "sms", "email", "letter")
PURPOSES = ("collection", "statutory_notice", "callback")
TIMED_CHANNELS = frozenset({"call", "sms", "email"})
OPT_OUT_CHANNELS = ("sms", "email")

__all__ = [
    "CHANNELS",
    "COLLECTING_PLACEMENT_KINDS",
    "COURT_ORDER_KINDS",
    "OPT_OUT_CHANNELS",
    "PLACEMENT_KINDS",
    "PURPOSES",
    "Call",
    "CourtOrder",
    "Customer",
    "Flag",
    "Number",
    "OptOut",
    "Permission",
    "Placement",
    "Policy",
    "collecting_placements",
    "contact_decide",
    "local_date",
    "repossession_decide",
]


@dataclass(frozen=True)
class Permission:
    """The gate's answer: allowed or not, and the reasons in plain words (the policy used last)."""

    allowed: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Flag:
    """A customer flag active on the day of the contact (parties.PartyFlag)."""

    kind: str
    detail: str
    set_date: date
    until_date: date | None = None


@dataclass(frozen=True)
class CourtOrder:
    """A court's order on the account that lifts a bar on repossession (compliance.CourtOrder).

    `kind`: "scra_repossession" (50 U.S.C. § 3952) or "stay_relief" (11 U.S.C. § 362(d)). In force
    from `granted_date` up to and including `expiry_date` (None: no end); a `revoked` order was
    recorded by mistake and is never in force.
    """

    kind: str
    court: str
    reference: str
    granted_date: date
    expiry_date: date | None = None
    conditions: str = ""
    revoked: bool = False

    def in_force_on(self, on_date: date) -> bool:
        return (
            not self.revoked
            and self.granted_date <= on_date
            and (self.expiry_date is None or on_date <= self.expiry_date)
        )


COURT_ORDER_KINDS = {
    "scra_repossession": "Court order under 50 U.S.C. § 3952 permitting repossession",
    "stay_relief": "Relief from the automatic stay (11 U.S.C. § 362(d))",
}


PLACEMENT_KINDS = {
    "collection_agency": "Debt collection agency",
    "solicitor": "Solicitor or collection attorney",
    "repossession_agent": "Repossession agent",
    "trace_specialist": "Trace specialist",
}
# Those who collect the debt for the lender: third-party debt collectors (15 U.S.C. § 1692a(6); a
# lawyer regularly collecting debts is one, Heintz v. Jenkins, 514 U.S. 291 (1995)). A repossession
# agent only enforces the security interest (§ 1692f(6) alone reaches it) and a trace specialist only
# finds the customer: neither collects, so neither changes the rules the lender's contacts follow.
COLLECTING_PLACEMENT_KINDS = frozenset({"collection_agency", "solicitor"})


@dataclass(frozen=True)
class Placement:
    """The account placed with an outside agency (compliance.Placement): from `placed_date` up to but
    not including `recalled_date` (None: still placed). On the day of the recall it is the lender's
    again."""

    kind: str
    agency: str
    placed_date: date
    recalled_date: date | None = None

    def in_force_on(self, on_date: date) -> bool:
        return self.placed_date <= on_date and (self.recalled_date is None or on_date < self.recalled_date)

    @property
    def collects(self) -> bool:
        return self.kind in COLLECTING_PLACEMENT_KINDS


def collecting_placements(placements: Sequence[Placement], on_date: date) -> tuple[Placement, ...]:
    """The placements with a third-party debt collector in force on `on_date`, the earliest placed
    first: when there is any, the third-party rule pack applies."""
    return tuple(
        sorted(
            (p for p in placements if p.collects and p.in_force_on(on_date)),
            key=lambda p: (p.placed_date, p.kind, p.agency),
        )
    )


@dataclass(frozen=True)
class Number:
    e164: str
    display: str
    kind: str = "mobile"
    do_not_call: bool = False


@dataclass(frozen=True)
class OptOut:
    """An opt-out of `channel` ("sms" or "email") from `at`: of one address, or of all when it is ""."""

    channel: str
    at: datetime
    address: str = ""


@dataclass(frozen=True)
class Customer:
    country: str  # "US" or "GB"
    # Every zone of the customer's known locations, the main one first (its days count the calls).
    time_zones: tuple[str, ...]
    flags: tuple[Flag, ...] = ()
    phones: tuple[Number, ...] = ()
    emails: tuple[str, ...] = ()
    has_address: bool = True
    opt_outs: tuple[OptOut, ...] = ()


@cache
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_date(at: datetime, zone_name: str) -> date:
    """The calendar day of `at` where the customer lives (UTC when the zone is unknown)."""
    zone = _zone(zone_name)
    return at.astimezone(zone).date() if zone is not None else at.date()


def contact_decide(
    *,
    channel: str,
    at: datetime,
    purpose: str,
    customer: Customer,
    calls: Sequence[Call],
    policy: Policy,
    placed: Sequence[Placement] = (),
) -> Permission:
    """Whether the contact may be made now, with every reason that applies (refusals first, the
    policy last).

    `calls` are the account's recorded calls before `at` (inbound and outbound, any age: those
    outside the policy's windows are ignored). `placed`: the account's placements with a third-party
    collector in force today (collecting_placements), which chose `policy`; the policy's reason names
    them. Raises ValueError for an unknown channel or purpose or a naive `at` (the queries check
    these first and raise the named errors).
    """
    if channel not in CHANNELS:
        raise ValueError(f"channel: {channel!r} is not one of {', '.join(CHANNELS)}")
    if purpose not in PURPOSES:
        raise ValueError(f"purpose: {purpose!r} is not one of {', '.join(PURPOSES)}")
    if at.tzinfo is None:
        raise ValueError("at: the moment needs a time zone")
    us = customer.country != "GB"
    refusals = _flag_reasons(channel=channel, purpose=purpose, flags=customer.flags, us=us)
    if channel in TIMED_CHANNELS:
        refusals += _hours_reasons(at=at, zones=customer.time_zones, us=us)
    refusals_for_channel, notes = _channel_reasons(channel=channel, at=at, customer=customer)
    refusals += refusals_for_channel
    if channel == "call" and purpose != "callback":
        main_zone = customer.time_zones[0] if customer.time_zones else "UTC"
        refusals += frequency_reasons(
            at=at,
            calls=calls,
            policy=policy,
            drivers=_drivers(customer.flags),
            day_of=lambda moment: local_date(moment, main_zone),
        )
    policy_line = f"Policy {policy.code}: {policy.name}"
    if placed:
        policy_line += f"; placed with a third party: {_placed_words(placed)}"
    if refusals:
        return Permission(allowed=False, reasons=(*refusals, policy_line))
    return Permission(allowed=True, reasons=(*notes, policy_line))


def _placed_words(placed: Sequence[Placement]) -> str:
    return " and ".join(
        f"{p.agency} ({PLACEMENT_KINDS.get(p.kind, p.kind).lower()}) since {p.placed_date.isoformat()}"
        for p in placed
    )


def _drivers(flags: Sequence[Flag]) -> frozenset[str]:
    drivers: set[str] = set()
    for flag in flags:
        if flag.kind == "vulnerability":
            drivers.update(part.strip() for part in flag.detail.split(",") if part.strip())
    return frozenset(drivers)


def _since(flag: Flag) -> str:
    if flag.until_date is not None:
        return f"from {flag.set_date.isoformat()} until {flag.until_date.isoformat()}"
    return f"since {flag.set_date.isoformat()}"


_NOTICE_LETTER_ONLY = "only statutory notices, by letter"


def _flag_reasons(*, channel: str, purpose: str, flags: Sequence[Flag], us: bool) -> list[str]:
    notice_letter = channel == "letter" and purpose == "statutory_notice"
    reasons: list[str] = []
    for flag in flags:
        since = _since(flag)
        if flag.kind == "bankruptcy":
            law = (
                "the automatic stay (11 U.S.C. § 362(a)) stops all contact about the debt"
                if us
                else "the customer's creditors deal with the trustee or official receiver, not the customer "
                "(Insolvency Act 1986 s.285)"
            )
            reasons.append(f"Bankruptcy {since}: {law}")
        elif flag.kind == "deceased" and not notice_letter:
            reasons.append(
                f"Deceased {since}: no contact with the customer; {_NOTICE_LETTER_ONLY} to the estate"
            )
        elif flag.kind == "cease_communication" and not notice_letter:
            law = " (FDCPA § 805(c), 15 U.S.C. § 1692c(c))" if us else ""
            reasons.append(
                f"Cease communication {since}{law}: only a letter saying collection stops or naming a remedy"
            )
        elif flag.kind == "dispute" and not notice_letter:
            law = "FDCPA § 809(b)" if us else "CONC 7.14"
            reasons.append(f"Dispute open {since}: collection paused until the dispute is answered ({law})")
        elif flag.kind == "breathing_space" and not notice_letter:
            which = "mental health crisis" if flag.detail == "mental_health_crisis" else "standard"
            reasons.append(
                f"Breathing Space ({which}) {since}: no contact demanding payment "
                "(Debt Respite Scheme Regulations 2020, reg. 7)"
            )
        elif flag.kind == "vulnerability" and channel == "sms":
            strict = sorted(_drivers([flag]) & STRICT_DRIVERS)
            if strict:
                reasons.append(
                    f"Vulnerability ({', '.join(strict)}) {since}: no SMS reminders; call or write instead "
                    "(FCA FG21/1)"
                )
    return reasons


def _hours_reasons(*, at: datetime, zones: Sequence[str], us: bool) -> list[str]:
    law = "Regulation F 12 CFR 1006.6(b)(1)(i)" if us else "CONC 7.9.4 R"
    window = f"{WINDOW_OPENS:%H:%M}–{WINDOW_CLOSES:%H:%M}"
    if not zones:
        unknown = f"the customer's time zone is not known, so {window} cannot be checked"
        return [f"Calling hours ({law}): {unknown}"]
    outside = []
    for name in zones:
        if not zone_set_callable(zone_set=name, at=at):
            zone = _zone(name)
            local = f"{at.astimezone(zone):%H:%M} in {name}" if zone is not None else f"unknown zone {name}"
            outside.append(local)
    if not outside:
        return []
    return [f"Calling hours ({law}): {', '.join(outside)} is outside {window} local time"]


def _opted_out(customer: Customer, channel: str, address: str, at: datetime) -> OptOut | None:
    for opt_out in customer.opt_outs:
        if opt_out.channel == channel and opt_out.at <= at and opt_out.address in ("", address):
            return opt_out
    return None


def _channel_reasons(*, channel: str, at: datetime, customer: Customer) -> tuple[list[str], list[str]]:
    """(refusals, notes): whether some address of the channel may be used, and which."""
    if channel == "letter":
        return ([] if customer.has_address else ["No current address to write to"]), []
    if channel == "call":
        callable_ = [p.display for p in customer.phones if not p.do_not_call]
        barred = [f"{p.display} is marked do not call" for p in customer.phones if p.do_not_call]
        if not customer.phones:
            return ["No phone number to call"], []
        if not callable_:
            return [f"Do not call: {'; '.join(barred)}"], []
        notes = [f"May call {', '.join(callable_)}"]
        if barred:
            notes.append(f"Do not call: {'; '.join(barred)}")
        return [], notes
    if channel == "sms":
        usable, barred = [], []
        for phone in customer.phones:
            opted = _opted_out(customer, "sms", phone.e164, at)
            if phone.kind != "mobile":
                barred.append(f"{phone.display} is not a mobile")
            elif phone.do_not_call:
                barred.append(f"{phone.display} is marked do not call")
            elif opted is not None:
                barred.append(f"{phone.display} opted out of SMS on {opted.at.date().isoformat()}")
            else:
                usable.append(phone.display)
        if not usable:
            return [f"No number may be texted: {'; '.join(barred) or 'no phone number on file'}"], []
        return [], [f"May text {', '.join(usable)}"] + ([f"Not: {'; '.join(barred)}"] if barred else [])
    usable, barred = [], []
    for address in customer.emails:
        opted = _opted_out(customer, "email", address, at)
        if opted is None:
            usable.append(address)
        else:
            barred.append(f"{address} opted out of email on {opted.at.date().isoformat()}")
    if not usable:
        return [f"No email may be sent: {'; '.join(barred) or 'no email address on file'}"], []
    return [], [f"May email {', '.join(usable)}"] + ([f"Not: {'; '.join(barred)}"] if barred else [])


_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def service_start_date(flag: Flag) -> date:
    """When military service began: the first ISO date written in the flag's detail (e.g.
    "active duty from 2025-06-01"), else the day the flag was set."""
    match = _ISO_DATE.search(flag.detail)
    if match is not None:
        try:
            return date.fromisoformat(match.group(1))
        except ValueError:
            pass
    return flag.set_date


def repossession_decide(
    *,
    flags: Sequence[Flag],
    origination_date: date,
    first_payment_date: date | None,
    us: bool,
    on_date: date | None = None,
    orders: Sequence[CourtOrder] = (),
) -> Permission:
    """Whether the vehicle may be repossessed on `on_date`, given the flags active that day and the
    account's court orders.

    SCRA (50 U.S.C. § 3952), on a US account: a contract made, and at least one payment (a deposit
    counts) made, before the servicemember's military service began may not be ended nor the vehicle
    repossessed during service without a court order. A UK agreement is not within SCRA: a military
    flag on it bars nothing, and a reason says so. Bankruptcy: the automatic stay (11 U.S.C. § 362(a)(3))
    stops repossession until the court lifts it. Breathing Space: no enforcement action during it.

    A court order in force on `on_date` lifts its bar, and its reason takes the place of the bar's:
    a "scra_repossession" order the SCRA bar, a "stay_relief" order a US bankruptcy's stay. An order
    lifts a bar only when granted on or after the day the bar began (service began; the bankruptcy
    flag was set): an order of an earlier case does not reach a later one. Nothing lifts Breathing
    Space, nor a UK bankruptcy. Of several orders of a kind, the latest granted is cited.
    Raises ValueError when orders are given without `on_date`.
    """
    if orders and on_date is None:
        raise ValueError("on_date: court orders are weighed on a day")
    in_force = sorted(
        (order for order in orders if on_date is not None and order.in_force_on(on_date)),
        key=lambda order: order.granted_date,
        reverse=True,
    )

    def lifting(kind: str, began: date) -> CourtOrder | None:
        return next((o for o in in_force if o.kind == kind and o.granted_date >= began), None)

    reasons: list[str] = []
    refused = False
    for flag in flags:
        since = _since(flag)
        order: CourtOrder | None = None
        if flag.kind == "bankruptcy":
            order = lifting("stay_relief", flag.set_date) if us else None
            if order is not None:
                lifted = f"relief from the automatic stay (11 U.S.C. § 362(d)) of the bankruptcy {since}"
                reasons.append(_order_reason(order, lifted))
                continue
            law = (
                "the automatic stay (11 U.S.C. § 362(a)(3))"
                if us
                else "the bankruptcy (Insolvency Act 1986 s.285)"
            )
            reasons.append(f"Bankruptcy {since}: {law} stops repossession until the court lifts it")
            refused = True
        elif flag.kind == "breathing_space":
            reasons.append(
                f"Breathing Space {since}: no enforcement action "
                "(Debt Respite Scheme Regulations 2020, reg. 7)"
            )
            refused = True
        elif flag.kind == "military" and not us:
            reasons.append(
                f"Military service {since}: SCRA (50 U.S.C. § 3952) does not apply to a UK agreement, "
                "so it does not stop repossession"
            )
        elif flag.kind == "military":
            start = service_start_date(flag)
            if origination_date < start and first_payment_date is not None and first_payment_date < start:
                order = lifting("scra_repossession", start)
                if order is not None:
                    lifted = (
                        f"repossession permitted during military service (since {start.isoformat()}) "
                        "under SCRA (50 U.S.C. § 3952)"
                    )
                    reasons.append(_order_reason(order, lifted))
                    continue
                reasons.append(
                    f"SCRA (50 U.S.C. § 3952): the contract ({origination_date.isoformat()}) and a payment "
                    f"({first_payment_date.isoformat()}) came before military service began "
                    f"({start.isoformat()}): no repossession without a court order"
                )
                refused = True
    unique = tuple(dict.fromkeys(reasons))
    if refused:
        return Permission(allowed=False, reasons=unique)
    return Permission(allowed=True, reasons=unique or ("No flag stops repossession",))


def _order_reason(order: CourtOrder, lifted: str) -> str:
    until = f" (in force until {order.expiry_date.isoformat()})" if order.expiry_date is not None else ""
    conditions = f"; conditions: {order.conditions}" if order.conditions else ""
    return (
        f"Court order {order.reference} of {order.court}, granted {order.granted_date.isoformat()}{until}: "
        f"{lifted}{conditions}"
    )
