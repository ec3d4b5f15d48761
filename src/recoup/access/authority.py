"""The approval matrix: each role's limits per currency, a user's own limits overriding them.

`authority_of` is what the operations that agree arrangements, credits, settlements and write-offs
ask; `authority_set` is how the head of credit or an administrator changes the matrix (audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction

from recoup.access.limits import Authority, Limit
from recoup.access.models import AuthorityLimit, Role, User
from recoup.access.operations import audit_record
from recoup.kernel.errors import DomainError
from recoup.kernel.money import Money

CURRENCIES = ("USD", "GBP")
# Starting limits for a new installation, the same figures in dollars and pounds; the head of
# credit sets the lender's own with `recoup authority set`.
DEFAULT_MATRIX: dict[str, dict[Limit, int | Decimal]] = {
    Role.AGENT: {
        Limit.ARRANGEMENT_MONTHS: 6,
        Limit.PAYMENT_REDUCTION_PERCENT: Decimal(25),
        Limit.CREDIT: 10_000,
        Limit.SETTLEMENT_DISCOUNT_PERCENT: Decimal(10),
        Limit.WRITE_OFF: 0,
    },
    Role.TEAM_LEADER: {
        Limit.ARRANGEMENT_MONTHS: 12,
        Limit.PAYMENT_REDUCTION_PERCENT: Decimal(50),
        Limit.CREDIT: 100_000,
        Limit.SETTLEMENT_DISCOUNT_PERCENT: Decimal(25),
        Limit.WRITE_OFF: 250_000,
    },
    Role.HEAD_OF_CREDIT: {
        Limit.ARRANGEMENT_MONTHS: 36,
        Limit.PAYMENT_REDUCTION_PERCENT: Decimal(100),
        Limit.CREDIT: 2_500_000,
        Limit.SETTLEMENT_DISCOUNT_PERCENT: Decimal(60),
        Limit.WRITE_OFF: 5_000_000,
    },
}
MAY_SET_AUTHORITY = (Role.HEAD_OF_CREDIT, Role.ADMINISTRATOR)


class AuthorityError(DomainError):
    """A change to the approval matrix that cannot be made."""


@dataclass(frozen=True)
class MatrixRow:
    role: str  # "" for a user's own row
    username: str  # "" for a role's row
    authority: Authority


def authority_of(*, user: User, currency: str) -> Authority:
    """The user's limits in `currency`: their own row if they have one, else their role's, else none."""
    row = AuthorityLimit.objects.filter(user=user, currency=currency).first()
    if row is None:
        row = AuthorityLimit.objects.filter(user__isnull=True, role=user.role, currency=currency).first()
    return _authority(row) if row is not None else Authority(currency=currency)


def authority_matrix() -> list[MatrixRow]:
    """Every row of the matrix: roles first in their order, then users' own rows by name."""
    order = {role: index for index, role in enumerate(Role.values)}
    rows = list(AuthorityLimit.objects.select_related("user"))
    rows.sort(
        key=lambda r: (
            r.user_id is not None,
            order.get(r.role, 99),
            r.user.username if r.user else "",
            r.currency,
        )
    )
    return [MatrixRow(r.role, r.user.username if r.user else "", _authority(r)) for r in rows]


def authority_set(
    *,
    role: str | None,
    username: str | None,
    currency: str,
    limits: dict[str, str],
    by: User,
    at: datetime,
) -> Authority:
    """Set some limits of one row of the matrix (a role's, or a user's own), creating it if new.

    `limits` maps a limit's name (see access.limits.Limit) to its new value as text: whole months,
    a percentage, or an amount in the currency's major units ("250.00").

    Raises InvalidAmount for an amount that is not one in the currency.

    Raises AuthorityError (field names the input at fault) when `by` may not change the matrix,
    the role or user is unknown, or a value is not a number in range.
    """
    if by.role not in MAY_SET_AUTHORITY:
        raise AuthorityError(
            "only the head of credit or an administrator may change authority limits", field="by"
        )
    if (role is None) == (username is None):
        raise AuthorityError("give a role or a username, not both", field="role")
    if currency not in CURRENCIES:
        raise AuthorityError(
            f"currency: {currency!r} is not one of {', '.join(CURRENCIES)}", field="currency"
        )
    if role is not None and role not in Role.values:
        raise AuthorityError(f"role: {role!r} is not one of {', '.join(Role.values)}", field="role")
    user = None
    if username is not None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise AuthorityError(f"username: no user {username!r}", field="username")
    values = {Limit(name): _parse(name, text, currency) for name, text in _known(limits).items()}
    with transaction.atomic():
        row, _ = AuthorityLimit.objects.select_for_update().get_or_create(
            role=role or "", user=user, currency=currency
        )
        before = _plain(row)
        for limit, value in values.items():
            setattr(row, limit.value, value)
        row.save()
        audit_record(
            actor=by,
            action="authority.set",
            object_type="authority_limit",
            object_id=row.pk,
            at=at,
            before=before,
            after=_plain(row),
        )
    return _authority(row)


def authority_defaults_ensure() -> int:
    """Give each role of DEFAULT_MATRIX its starting limits in each currency where it has none."""
    made = 0
    for role, limits in DEFAULT_MATRIX.items():
        for currency in CURRENCIES:
            _, created = AuthorityLimit.objects.get_or_create(
                role=role, user=None, currency=currency, defaults={k.value: v for k, v in limits.items()}
            )
            made += created
    return made


def _known(limits: dict[str, str]) -> dict[str, str]:
    names = {limit.value for limit in Limit}
    for name in limits:
        if name not in names:
            raise AuthorityError(
                f"{name}: not a limit; the limits are {', '.join(sorted(names))}", field=name
            )
    if not limits:
        raise AuthorityError("give at least one limit to set", field="limits")
    return limits


def _parse(name: str, text: str, currency: str) -> int | Decimal:
    try:
        number = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise AuthorityError(f"{name}: {text!r} is not a number", field=name) from None
    if not number.is_finite() or number < 0:
        raise AuthorityError(f"{name}: {text!r} must be zero or more", field=name)
    limit = Limit(name)
    if limit == Limit.ARRANGEMENT_MONTHS:
        if number != number.to_integral_value() or number > 600:
            raise AuthorityError(f"{name}: {text!r} must be whole months, at most 600", field=name)
        return int(number)
    if limit in (Limit.PAYMENT_REDUCTION_PERCENT, Limit.SETTLEMENT_DISCOUNT_PERCENT):
        if number > 100 or number != number.quantize(Decimal("0.01")):
            raise AuthorityError(
                f"{name}: {text!r} must be a percentage up to 100, two places at most", field=name
            )
        return number
    return Money.parse(text, currency, field=name).minor


def _authority(row: AuthorityLimit) -> Authority:
    return Authority(
        currency=row.currency,
        arrangement_months=row.arrangement_months,
        payment_reduction_percent=Decimal(row.payment_reduction_percent),
        credit_minor=row.credit_minor,
        settlement_discount_percent=Decimal(row.settlement_discount_percent),
        write_off_minor=row.write_off_minor,
    )


def _plain(row: AuthorityLimit) -> dict[str, object]:
    return {
        "role": row.role,
        "user": row.user.username if row.user else None,
        "currency": row.currency,
        **{limit.value: str(getattr(row, limit.value)) for limit in Limit},
    }
