"""The contact gate: may we contact this customer, on this channel, at this moment, about this
account? And may the vehicle be repossessed on this day, given the court orders on record? And the
account's placements with outside agencies.

One decision per call, read with a handful of index seeks: the contract, the customer (addresses,
phones, emails, flags), the account's placements (a third-party collector's choose the third-party
rule pack), the account's calls in the policy's window, the customer's opt-outs and the rule packs.
contact_permissions gives the same decision for many accounts with the same handful of queries, each
reading them all. The rules themselves are pure (recoup.compliance.rules).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import Q

from recoup.compliance import rules
from recoup.compliance.calling_hours import JURISDICTION_ZONE_SETS
from recoup.compliance.errors import PolicyNotFound, UnknownChannel, UnknownPurpose
from recoup.compliance.frequency import Call, Policy
from recoup.compliance.models import (
    ChannelOptOut,
    Collector,
    ContactAttempt,
    ContactPolicy,
    CourtOrder,
    CourtOrderKind,
    Placement,
    PlacementKind,
)
from recoup.compliance.packs import DEFAULT_PACKS, Pack
from recoup.compliance.rules import (
    CHANNELS,
    COLLECTING_PLACEMENT_KINDS,
    OPT_OUT_CHANNELS,
    PURPOSES,
    Customer,
    Flag,
    Number,
    OptOut,
    Permission,
    collecting_placements,
    contact_decide,
    local_date,
    repossession_decide,
)
from recoup.ledger.errors import BookNotFound
from recoup.ledger.queries import receipts
from recoup.parties.queries import FlagView, PartyView, party_views
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract

__all__ = [
    "CourtOrderView",
    "Permission",
    "PlacementView",
    "PlacementsView",
    "RepossessionView",
    "account_contact_permission",
    "account_court_orders",
    "account_placements",
    "account_repossession",
    "account_repossession_permission",
    "contact_permission",
    "contact_permissions",
    "policy_for",
    "repossession_permission",
]

# Calls further back than the longest window, plus a day either side for the customer's zone.
_ZONE_MARGIN = timedelta(days=2)


@dataclass(frozen=True)
class _Account:
    contract_id: int
    customer_id: int
    country: str
    jurisdiction: str
    product_code: str
    origination_date: date
    deposit_minor: int


_ACCOUNT_COLUMNS = (
    "pk",
    "customer_id",
    "country",
    "jurisdiction",
    "product__code",
    "origination_date",
    "deposit_minor",
)


def _account_of(row: dict[str, Any]) -> _Account:
    return _Account(
        contract_id=row["pk"],
        customer_id=row["customer_id"],
        country=row["country"],
        jurisdiction=row["jurisdiction"],
        product_code=row["product__code"],
        origination_date=row["origination_date"],
        deposit_minor=row["deposit_minor"],
    )


def _account(*, contract_id: int | None = None, account_number: str = "") -> _Account:
    contracts = Contract.objects.all()
    if contract_id is not None:
        contracts, field, what = contracts.filter(pk=contract_id), "contract_id", str(contract_id)
    else:
        number = account_number.strip()
        contracts, field, what = contracts.filter(account_number=number), "account_number", repr(number)
    row = contracts.values(*_ACCOUNT_COLUMNS).first()
    if row is None:
        raise AccountNotFound(f"{field}: no account {what}", field=field)
    return _account_of(row)


def _pack(row: ContactPolicy) -> Pack:
    return Pack(
        country=row.country,
        jurisdiction=row.jurisdiction,
        product_code=row.product_code,
        collector=row.collector,
        policy=Policy(
            code=row.code,
            name=row.name,
            label=row.label,
            window_attempts_max=row.window_attempts_max,
            window_days=row.window_days,
            daily_attempts_max=row.daily_attempts_max,
            conversation_quiet_days=row.conversation_quiet_days,
            vulnerable_daily_attempts_max=row.vulnerable_daily_attempts_max,
            vulnerable_window_attempts_max=row.vulnerable_window_attempts_max,
        ),
    )


def policy_for(
    *, country: str, jurisdiction: str, product_code: str, collector: str = Collector.FIRST_PARTY
) -> Pack:
    """The rule pack for an account: the most specific of those matching (product, then
    jurisdiction, then collector), a row of ContactPolicy taking the place of the default pack with
    its code. Raises PolicyNotFound (field "country") for a country no pack covers."""
    return _pack_choose(
        _stored_packs([country]),
        country=country,
        jurisdiction=jurisdiction,
        product_code=product_code,
        collector=collector,
    )


def _stored_packs(countries: Iterable[str]) -> list[Pack]:
    """The stored packs of `countries` and those replacing a default, oldest first, in one query."""
    return [
        _pack(row)
        for row in ContactPolicy.objects.filter(
            Q(country__in=sorted(set(countries))) | Q(code__in=[p.policy.code for p in DEFAULT_PACKS])
        ).order_by("pk")
    ]


def _pack_choose(
    stored: Sequence[Pack], *, country: str, jurisdiction: str, product_code: str, collector: str
) -> Pack:
    """policy_for's choice among `stored` (which holds at least the stored packs of `country` and
    those replacing a default: others never match) and the defaults no stored pack replaces."""
    where = dict(country=country, jurisdiction=jurisdiction, product_code=product_code, collector=collector)
    changed = {pack.policy.code for pack in stored}
    rows = [pack for pack in stored if pack.matches(**where)]
    defaults = [pack for pack in DEFAULT_PACKS if pack.policy.code not in changed and pack.matches(**where)]
    # On a tie the row wins over a default, and the older row over the newer.
    ranked = [(pack.specificity, 1, -n) for n, pack in enumerate(rows)]
    ranked += [(pack.specificity, 0, -n) for n, pack in enumerate(defaults)]
    candidates = rows + defaults
    if not candidates:
        raise PolicyNotFound(f"country: no contact policy for {country!r}", field="country")
    best = max(range(len(candidates)), key=lambda i: ranked[i])
    return candidates[best]


def _zones(view: PartyView | None, jurisdiction: str) -> tuple[str, ...]:
    """Every zone of the customer's current addresses, the primary address's first; else the zones of
    the contract's jurisdiction."""
    zones: list[str] = []
    for address in view.current_addresses if view is not None else ():
        zones.extend(zone for zone in address.time_zones if zone not in zones)
    if not zones:
        zones = JURISDICTION_ZONE_SETS.get(jurisdiction, "").split()
    return tuple(zones)


def _flags(flags: tuple[FlagView, ...], on_date: date) -> tuple[Flag, ...]:
    return tuple(
        Flag(kind=f.kind, detail=f.detail, set_date=f.set_date, until_date=f.until_date)
        for f in flags
        if f.active_on(on_date)
    )


def contact_permission(
    *, contract_id: int, channel: str, at: datetime, purpose: str = "collection"
) -> Permission:
    """Whether the account's customer may be contacted on `channel` at `at` for `purpose`, with reasons
    (refusals first, the policy used last).

    Purposes: "collection", "statutory_notice" (a letter the law requires) and "callback" (a call
    the customer asked for in the last seven days). See recoup.compliance.rules for every rule.

    Raises UnknownChannel (field "channel"), UnknownPurpose (field "purpose"), AccountNotFound
    (field "contract_id"), PolicyNotFound (no rule pack for the account's country); a naive `at`
    is a programming error (ValueError).
    """
    _check(channel=channel, purpose=purpose, at=at)
    return _decide(_account(contract_id=contract_id), channel=channel, at=at, purpose=purpose)


def account_contact_permission(
    *, account_number: str, channel: str, at: datetime, purpose: str = "collection"
) -> Permission:
    """contact_permission for an account known by its number (the CLI and the API).

    Raises UnknownChannel, UnknownPurpose, AccountNotFound (field "account_number").
    """
    _check(channel=channel, purpose=purpose, at=at)
    return _decide(_account(account_number=account_number), channel=channel, at=at, purpose=purpose)


def contact_permissions(
    *, contract_ids: Iterable[int], channel: str, at: datetime, purpose: str = "collection"
) -> dict[int, Permission]:
    """contact_permission for many accounts at once: for each contract id, exactly the answer
    contact_permission gives, read in a fixed number of queries however many accounts (for the
    letter run's chunks; keep a call to a few thousand ids, as each is a bound parameter).

    Raises UnknownChannel, UnknownPurpose, AccountNotFound (field "contract_ids", naming the first
    unknown id), PolicyNotFound; a naive `at` is a programming error (ValueError).
    """
    _check(channel=channel, purpose=purpose, at=at)
    ids = sorted(set(contract_ids))
    if not ids:
        return {}
    accounts = {
        row["pk"]: _account_of(row) for row in Contract.objects.filter(pk__in=ids).values(*_ACCOUNT_COLUMNS)
    }
    missing = [contract_id for contract_id in ids if contract_id not in accounts]
    if missing:
        raise AccountNotFound(f"contract_ids: no account {missing[0]}", field="contract_ids")
    return _decide_many([accounts[i] for i in ids], channel=channel, at=at, purpose=purpose)


def _check(*, channel: str, purpose: str, at: datetime) -> None:
    if channel not in CHANNELS:
        raise UnknownChannel(f"channel: {channel!r} is not one of {', '.join(CHANNELS)}", field="channel")
    if purpose not in PURPOSES:
        raise UnknownPurpose(f"purpose: {purpose!r} is not one of {', '.join(PURPOSES)}", field="purpose")
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("at must be an aware datetime")


def _decide(account: _Account, *, channel: str, at: datetime, purpose: str) -> Permission:
    return _decide_many([account], channel=channel, at=at, purpose=purpose)[account.contract_id]


def _decide_many(
    accounts: Sequence[_Account], *, channel: str, at: datetime, purpose: str
) -> dict[int, Permission]:
    """The gate's answer for each account, read for all of them at once: the customers (five
    queries), their opt-outs of the channel, the accounts' placements with third-party collectors,
    the stored rule packs and, for a call that counts, the accounts' recent calls — one query each,
    however many accounts."""
    if not accounts:
        return {}
    party_ids = {account.customer_id for account in accounts}
    views = party_views(party_ids)
    opt_outs = _opt_outs(party_ids, channel=channel, at=at)
    placements = _collecting_placements([account.contract_id for account in accounts], at=at)
    stored = _stored_packs(account.country for account in accounts)
    customers: dict[int, Customer] = {}
    placed: dict[int, tuple[rules.Placement, ...]] = {}
    policies: dict[int, Policy] = {}
    packs: dict[tuple[str, str, str, str], Pack] = {}
    for account in accounts:
        view = views.get(account.customer_id)
        zones = _zones(view, account.jurisdiction)
        # The customer's day, as for the flags: a placement from tomorrow is not yet theirs.
        today = local_date(at, zones[0]) if zones else at.date()
        customers[account.contract_id] = _customer(
            account, view, zones=zones, today=today, opt_outs=opt_outs.get(account.customer_id, ())
        )
        placed[account.contract_id] = collecting_placements(placements.get(account.contract_id, ()), today)
        collector = Collector.THIRD_PARTY if placed[account.contract_id] else Collector.FIRST_PARTY
        scope = (account.country, account.jurisdiction, account.product_code, collector)
        if scope not in packs:
            packs[scope] = _pack_choose(
                stored,
                country=account.country,
                jurisdiction=account.jurisdiction,
                product_code=account.product_code,
                collector=collector,
            )
        policies[account.contract_id] = packs[scope].policy
    calls: dict[int, tuple[Call, ...]] = {}
    if channel == "call" and purpose != "callback":
        calls = _calls({contract_id: _reach(policy) for contract_id, policy in policies.items()}, at=at)
    return {
        account.contract_id: contact_decide(
            channel=channel,
            at=at,
            purpose=purpose,
            customer=customers[account.contract_id],
            calls=calls.get(account.contract_id, ()),
            policy=policies[account.contract_id],
            placed=placed[account.contract_id],
        )
        for account in accounts
    }


def _collecting_placements(contract_ids: Sequence[int], *, at: datetime) -> dict[int, list[rules.Placement]]:
    """Each contract's placements with a third-party collector that may be in force on the customer's
    day of `at` (a day either side of its UTC date, the zones' reach), in one query."""
    around = at.astimezone(UTC).date()
    rows = (
        Placement.objects.filter(
            Q(recalled_date__isnull=True) | Q(recalled_date__gt=around - timedelta(days=1)),
            contract_id__in=sorted(set(contract_ids)),
            kind__in=sorted(COLLECTING_PLACEMENT_KINDS),
            placed_date__lte=around + timedelta(days=1),
        )
        .order_by("contract_id", "placed_date", "pk")
        .values_list("contract_id", "kind", "agency", "placed_date", "recalled_date")
    )
    found: dict[int, list[rules.Placement]] = {}
    for contract_id, kind, agency, placed_date, recalled_date in rows:
        found.setdefault(contract_id, []).append(
            rules.Placement(kind=kind, agency=agency, placed_date=placed_date, recalled_date=recalled_date)
        )
    return found


def _reach(policy: Policy) -> timedelta:
    """How far back the policy's windows look for calls, with a margin for the customer's zone."""
    return timedelta(days=max(policy.window_days, policy.conversation_quiet_days)) + _ZONE_MARGIN


def _opt_outs(party_ids: Iterable[int], *, channel: str, at: datetime) -> dict[int, tuple[OptOut, ...]]:
    """Each customer's opt-outs of `channel` in force at `at`, the earliest first (the one a reason
    cites); none for a channel without opt-outs."""
    if channel not in OPT_OUT_CHANNELS:
        return {}
    found: dict[int, list[OptOut]] = {}
    rows = (
        ChannelOptOut.objects.filter(
            Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at),
            party_id__in=sorted(set(party_ids)),
            channel=channel,
            at__lte=at,
        )
        .order_by("party_id", "at", "pk")
        .values_list("party_id", "channel", "at", "address")
    )
    for party_id, opted_channel, moment, address in rows:
        found.setdefault(party_id, []).append(OptOut(channel=opted_channel, at=moment, address=address))
    return {party_id: tuple(opt_outs) for party_id, opt_outs in found.items()}


def _calls(reaches: dict[int, timedelta], *, at: datetime) -> dict[int, tuple[Call, ...]]:
    """Each contract's calls from its policy's reach before `at` up to `at`, in one query."""
    earliest = at - max(reaches.values())
    found: dict[int, list[Call]] = {}
    rows = (
        ContactAttempt.objects.filter(
            contract_id__in=sorted(reaches), channel="call", at__gte=earliest, at__lte=at
        )
        .order_by("contract_id", "at", "pk")
        .values_list("contract_id", "at", "direction", "conversation", "at_customer_request")
    )
    for contract_id, moment, direction, conversation, requested in rows:
        if moment >= at - reaches[contract_id]:
            found.setdefault(contract_id, []).append(
                Call(at=moment, direction=direction, conversation=conversation, at_customer_request=requested)
            )
    return {contract_id: tuple(calls) for contract_id, calls in found.items()}


def _customer(
    account: _Account,
    view: PartyView | None,
    *,
    zones: tuple[str, ...],
    today: date,
    opt_outs: tuple[OptOut, ...],
) -> Customer:
    return Customer(
        country=account.country,
        time_zones=zones,
        flags=_flags(view.flags, today) if view is not None else (),
        phones=tuple(
            Number(e164=p.e164, display=p.display, kind=p.kind, do_not_call=p.do_not_call)
            for p in (view.phones if view is not None else ())
        ),
        emails=view.emails if view is not None else (),
        has_address=bool(view is not None and view.current_addresses),
        opt_outs=opt_outs,
    )


def repossession_permission(*, contract_id: int, on_date: date) -> Permission:
    """Whether the account's vehicle may be repossessed on `on_date`.

    Refused while the customer is in bankruptcy (automatic stay) or Breathing Space, and, on a US
    account, under SCRA (50 U.S.C. § 3952) when the customer is in military service and both the
    contract and a payment (a deposit at signing counts) came before the service began (SCRA does
    not reach a UK agreement). The service start date is
    the first ISO date written in the military flag's detail ("active duty from 2025-06-01"),
    else the day the flag was set. A court order in force that day lifts the SCRA bar
    ("scra_repossession") or the stay ("stay_relief"); see compliance.rules.repossession_decide.

    Raises AccountNotFound (field "contract_id").
    """
    account = _account(contract_id=contract_id)
    return _repossession_decide(account, on_date, _orders(account.contract_id))


def account_repossession_permission(*, account_number: str, on_date: date) -> Permission:
    """repossession_permission for an account known by its number (the CLI and the API).

    Raises AccountNotFound (field "account_number").
    """
    account = _account(account_number=account_number)
    return _repossession_decide(account, on_date, _orders(account.contract_id))


def _orders(contract_id: int) -> list[CourtOrder]:
    return list(
        CourtOrder.objects.filter(contract_id=contract_id)
        .select_related("recorded_by", "revoked_by")
        .order_by("-granted_date", "-pk")
    )


def _order(row: CourtOrder) -> rules.CourtOrder:
    return rules.CourtOrder(
        kind=row.kind,
        court=row.court,
        reference=row.reference,
        granted_date=row.granted_date,
        expiry_date=row.expiry_date,
        conditions=row.conditions,
        revoked=row.revoked_at is not None,
    )


def _repossession_decide(account: _Account, on_date: date, orders: list[CourtOrder]) -> Permission:
    view = party_views([account.customer_id]).get(account.customer_id)
    flags = _flags(view.flags, on_date) if view is not None else ()
    try:
        taken = receipts(account.contract_id)
    except BookNotFound:  # a contract booked without its ledger book has taken no payment
        taken = []
    paid_dates = [r.received_date for r in taken if r.reversed_at is None]
    if account.deposit_minor > 0:
        paid_dates.append(account.origination_date)
    return repossession_decide(
        flags=flags,
        origination_date=account.origination_date,
        first_payment_date=min(paid_dates, default=None),
        us=account.country != "GB",
        on_date=on_date,
        orders=[_order(row) for row in orders],
    )


COURT_ORDER_STATES = {
    "in_force": "In force",
    "not_yet": "Not yet in force",
    "expired": "Expired",
    "revoked": "Revoked",
}


@dataclass(frozen=True)
class CourtOrderView:
    """A court order as the account's repossession panel and the API show it; `state` on the day
    asked about: "in_force", "not_yet", "expired" or "revoked"."""

    id: int
    kind: str
    kind_label: str
    court: str
    reference: str
    granted_date: date
    expiry_date: date | None
    conditions: str
    recorded_by: str
    recorded_at: datetime
    revoked_at: datetime | None
    revoked_by: str
    revoked_reason: str
    state: str
    state_label: str


@dataclass(frozen=True)
class RepossessionView:
    """May the account's vehicle be repossessed on `on_date`, and the court orders on record, the
    latest granted first."""

    account_number: str
    country: str
    on_date: date
    permission: Permission
    orders: tuple[CourtOrderView, ...]


def _user_name(user: object | None) -> str:
    if user is None:
        return ""
    full_name = getattr(user, "get_full_name", lambda: "")()
    return str(full_name or getattr(user, "username", ""))


def court_order_view(row: CourtOrder, on_date: date) -> CourtOrderView:
    order = _order(row)
    if order.revoked:
        state = "revoked"
    elif order.in_force_on(on_date):
        state = "in_force"
    elif on_date < order.granted_date:
        state = "not_yet"
    else:
        state = "expired"
    return CourtOrderView(
        id=row.pk,
        kind=row.kind,
        kind_label=CourtOrderKind(row.kind).label,
        court=row.court,
        reference=row.reference,
        granted_date=row.granted_date,
        expiry_date=row.expiry_date,
        conditions=row.conditions,
        recorded_by=_user_name(row.recorded_by),
        recorded_at=row.recorded_at,
        revoked_at=row.revoked_at,
        revoked_by=_user_name(row.revoked_by),
        revoked_reason=row.revoked_reason,
        state=state,
        state_label=COURT_ORDER_STATES[state],
    )


def account_repossession(*, account_number: str, on_date: date) -> RepossessionView:
    """The repossession decision for `on_date` with every court order on record, as one read.

    Raises AccountNotFound (field "account_number").
    """
    account = _account(account_number=account_number)
    orders = _orders(account.contract_id)
    return RepossessionView(
        account_number=account_number.strip(),
        country=account.country,
        on_date=on_date,
        permission=_repossession_decide(account, on_date, orders),
        orders=tuple(court_order_view(row, on_date) for row in orders),
    )


def account_court_orders(*, account_number: str, on_date: date) -> list[CourtOrderView]:
    """The account's court orders, revoked ones too, the latest granted first, each with its state on
    `on_date`. Raises AccountNotFound (field "account_number")."""
    account = _account(account_number=account_number)
    return [court_order_view(row, on_date) for row in _orders(account.contract_id)]


@dataclass(frozen=True)
class OptOutView:
    id: int
    channel: str
    address: str  # "" for the whole channel
    at: datetime
    source: str


def customer_id_of(*, account_number: str) -> int:
    """The customer (party) of an account. Raises AccountNotFound (field "account_number")."""
    return _account(account_number=account_number).customer_id


def opt_outs_in_force(*, party_id: int, at: datetime) -> list[OptOutView]:
    """The customer's opt-outs of SMS and email in force at `at`, newest first."""
    rows = ChannelOptOut.objects.filter(
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at), party_id=party_id, at__lte=at
    ).order_by("-at", "-pk")
    return [OptOutView(id=o.pk, channel=o.channel, address=o.address, at=o.at, source=o.source) for o in rows]


@dataclass(frozen=True)
class PackView:
    """A rule pack as the settings page shows it: a stored row (`pk`) or a built-in default no row
    replaces (`pk` None). `built_in`: its code is a default's; `changed`: a row holds a default's code
    with a scope or numbers different from the default's."""

    pk: int | None
    code: str
    name: str
    country: str
    jurisdiction: str
    product_code: str
    collector: str
    label: str
    window_attempts_max: int
    window_days: int
    daily_attempts_max: int | None
    conversation_quiet_days: int
    vulnerable_daily_attempts_max: int
    vulnerable_window_attempts_max: int
    built_in: bool
    changed: bool


def _pack_view(pack: Pack, *, pk: int | None, default: Pack | None) -> PackView:
    p = pack.policy
    return PackView(
        pk=pk,
        code=p.code,
        name=p.name,
        country=pack.country,
        jurisdiction=pack.jurisdiction,
        product_code=pack.product_code,
        collector=pack.collector,
        label=p.label,
        window_attempts_max=p.window_attempts_max,
        window_days=p.window_days,
        daily_attempts_max=p.daily_attempts_max,
        conversation_quiet_days=p.conversation_quiet_days,
        vulnerable_daily_attempts_max=p.vulnerable_daily_attempts_max,
        vulnerable_window_attempts_max=p.vulnerable_window_attempts_max,
        built_in=default is not None,
        changed=default is not None and pk is not None and pack != default,
    )


def contact_policies() -> list[PackView]:
    """Every rule pack the gate may apply: the stored rows and the built-in defaults no row replaces,
    by country, then from the broadest scope to the narrowest, then by code."""
    defaults = {pack.policy.code: pack for pack in DEFAULT_PACKS}
    views = [
        _pack_view(_pack(row), pk=row.pk, default=defaults.get(row.code))
        for row in ContactPolicy.objects.order_by("pk")
    ]
    stored = {view.code for view in views}
    views += [
        _pack_view(pack, pk=None, default=pack) for code, pack in defaults.items() if code not in stored
    ]
    return sorted(
        views,
        key=lambda v: (
            v.country,
            (bool(v.product_code), bool(v.jurisdiction), bool(v.collector)),
            v.code,
        ),
    )


def contact_policy_of(*, code: str) -> PackView | None:
    """The pack with this code as contact_policies shows it, or None."""
    return next((view for view in contact_policies() if view.code == code), None)


PLACEMENT_STATES = {"placed": "Placed", "not_yet": "Not yet placed", "recalled": "Recalled"}


@dataclass(frozen=True)
class PlacementView:
    """A placement as the account's placements panel and the API show it; `state` on the day asked
    about: "placed", "not_yet" or "recalled". `collects`: a third-party debt collector's, which
    makes the contact gate apply the third-party rule pack while placed."""

    id: int
    kind: str
    kind_label: str
    agency: str
    collects: bool
    placed_date: date
    placed_by: str
    placed_at: datetime
    recalled_date: date | None
    recalled_by: str
    recalled_at: datetime | None
    recall_reason: str
    state: str
    state_label: str


@dataclass(frozen=True)
class PlacementsView:
    """The account's placements, the latest placed first, and whether on `on_date` a third-party
    collector holds it (so the contact gate applies the third-party rule pack)."""

    account_number: str
    country: str
    on_date: date
    third_party: bool
    placements: tuple[PlacementView, ...]


def _placement(row: Placement) -> rules.Placement:
    return rules.Placement(
        kind=row.kind, agency=row.agency, placed_date=row.placed_date, recalled_date=row.recalled_date
    )


def placement_view(row: Placement, on_date: date) -> PlacementView:
    placement = _placement(row)
    if placement.in_force_on(on_date):
        state = "placed"
    elif on_date < placement.placed_date:
        state = "not_yet"
    else:
        state = "recalled"
    return PlacementView(
        id=row.pk,
        kind=row.kind,
        kind_label=PlacementKind(row.kind).label,
        agency=row.agency,
        collects=placement.collects,
        placed_date=row.placed_date,
        placed_by=_user_name(row.placed_by),
        placed_at=row.placed_at,
        recalled_date=row.recalled_date,
        recalled_by=_user_name(row.recalled_by),
        recalled_at=row.recalled_at,
        recall_reason=row.recall_reason,
        state=state,
        state_label=PLACEMENT_STATES[state],
    )


def account_placements(*, account_number: str, on_date: date) -> PlacementsView:
    """The account's placements, recalled ones too, the latest placed first, each with its state on
    `on_date`. Raises AccountNotFound (field "account_number")."""
    account = _account(account_number=account_number)
    rows = list(
        Placement.objects.filter(contract_id=account.contract_id)
        .select_related("placed_by", "recalled_by")
        .order_by("-placed_date", "-pk")
    )
    return PlacementsView(
        account_number=account_number.strip(),
        country=account.country,
        on_date=on_date,
        third_party=bool(collecting_placements([_placement(row) for row in rows], on_date)),
        placements=tuple(placement_view(row, on_date) for row in rows),
    )
