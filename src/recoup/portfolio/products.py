"""The standard products a new book starts with. A lender adjusts them in the Product table."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ProductDefinition:
    code: str
    name: str
    kind: str
    country: str
    currency: str
    day_count: str
    rounding: str
    frequencies: str
    apr_min: Decimal
    apr_max: Decimal
    term_min: int
    term_max: int
    waterfall_order: str
    waterfall_by_installment: bool
    overpayment: str
    interest_method: str = "scheduled"
    late_fee_grace_days: int = 10
    late_fee_fixed_minor: int = 0
    late_fee_percent: Decimal = Decimal(0)
    late_fee_cap_minor: int | None = None
    late_fee_max_cost_minor: int | None = None


STANDARD_PRODUCTS: tuple[ProductDefinition, ...] = (
    ProductDefinition(
        code="US-RIC",
        name="Retail installment contract",
        kind="us_ric",
        country="US",
        currency="USD",
        day_count="actual/365",  # simple interest, accrued daily
        rounding="half-up",
        frequencies="monthly biweekly",
        apr_min=Decimal("0"),
        apr_max=Decimal("36"),
        term_min=12,
        term_max=96,
        waterfall_order="fees interest principal",
        waterfall_by_installment=True,
        overpayment="principal",
        interest_method="daily_simple",
        late_fee_grace_days=10,
        late_fee_percent=Decimal("5"),
        late_fee_cap_minor=2500,
    ),
    ProductDefinition(
        code="US-LEASE",
        name="Closed-end lease",
        kind="us_lease",
        country="US",
        currency="USD",
        day_count="30/360",
        rounding="half-up",
        frequencies="monthly",
        apr_min=Decimal("0"),
        apr_max=Decimal("24"),
        term_min=12,
        term_max=60,
        waterfall_order="fees interest principal",
        waterfall_by_installment=True,
        overpayment="unapplied",
        late_fee_grace_days=10,
        late_fee_fixed_minor=2500,
    ),
    ProductDefinition(
        code="UK-HP",
        name="Hire purchase",
        kind="uk_hp",
        country="GB",
        currency="GBP",
        day_count="actual/365",
        rounding="half-up",
        frequencies="monthly weekly",
        apr_min=Decimal("0"),
        apr_max=Decimal("49.9"),
        term_min=12,
        term_max=60,
        waterfall_order="interest principal fees",
        waterfall_by_installment=True,
        overpayment="unapplied",
        late_fee_grace_days=14,
        late_fee_fixed_minor=1200,
        late_fee_max_cost_minor=1500,
    ),
    ProductDefinition(
        code="UK-PCP",
        name="Personal contract purchase",
        kind="uk_pcp",
        country="GB",
        currency="GBP",
        day_count="actual/365",
        rounding="half-even",
        frequencies="monthly",
        apr_min=Decimal("0"),
        apr_max=Decimal("29.9"),
        term_min=12,
        term_max=49,
        waterfall_order="interest principal fees",
        waterfall_by_installment=True,
        overpayment="unapplied",
        late_fee_grace_days=14,
        late_fee_fixed_minor=1200,
        late_fee_max_cost_minor=1500,
    ),
    ProductDefinition(
        code="UK-CH",
        name="Contract hire",
        kind="uk_ch",
        country="GB",
        currency="GBP",
        day_count="30/360",
        rounding="half-up",
        frequencies="monthly",
        apr_min=Decimal("0"),
        apr_max=Decimal("29.9"),
        term_min=12,
        term_max=60,
        waterfall_order="fees interest principal",
        waterfall_by_installment=True,
        overpayment="unapplied",
        late_fee_grace_days=14,
        late_fee_fixed_minor=1500,
        late_fee_max_cost_minor=1500,
    ),
)
