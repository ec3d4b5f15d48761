from django.db import models

from recoup.parties.models import Party


class ProductKind(models.TextChoices):
    US_RETAIL_INSTALLMENT = "us_ric", "US retail installment contract"
    US_LEASE = "us_lease", "US closed-end lease"
    UK_HIRE_PURCHASE = "uk_hp", "UK hire purchase"
    UK_PCP = "uk_pcp", "UK personal contract purchase"
    UK_CONTRACT_HIRE = "uk_ch", "UK contract hire"


class Product(models.Model):
    """A lending product: its rules for schedules, rates and allocating payments."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=ProductKind.choices)
    country = models.CharField(max_length=2)
    currency = models.CharField(max_length=3)
    day_count = models.CharField(max_length=16)  # 30/360, actual/365, actual/actual
    rounding = models.CharField(max_length=16)  # half-up, half-even
    frequencies = models.CharField(max_length=64, default="monthly")  # space separated
    apr_min = models.DecimalField(max_digits=7, decimal_places=4)
    apr_max = models.DecimalField(max_digits=7, decimal_places=4)
    term_min = models.PositiveIntegerField(default=6)
    term_max = models.PositiveIntegerField(default=96)
    # Allocation waterfall: components in order, and whether to go installment by installment.
    waterfall_order = models.CharField(max_length=64, default="fees interest principal")
    waterfall_by_installment = models.BooleanField(default=True)
    # What an overpayment does: "principal" (reduces principal) or "unapplied" (held).
    overpayment = models.CharField(max_length=16, default="principal")
    # How interest is earned between due dates: "daily_simple" (US retail installment contracts:
    # accrued day by day on the principal balance by the day count) or "scheduled" (recognised
    # when each installment falls due).
    interest_method = models.CharField(max_length=16, default="scheduled")
    # Late fee, assessed once per installment still unpaid `late_fee_grace_days` after its due date:
    # a percentage of the installment when `late_fee_percent` is set, otherwise the fixed amount;
    # never above the cap, nor (UK agreements) above the lender's configured cost of the default.
    late_fee_grace_days = models.PositiveIntegerField(default=10)
    late_fee_fixed_minor = models.BigIntegerField(default=0)
    late_fee_percent = models.DecimalField(max_digits=7, decimal_places=4, default=0)
    late_fee_cap_minor = models.BigIntegerField(null=True, blank=True)
    late_fee_max_cost_minor = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="product_apr_range", condition=models.Q(apr_min__lte=models.F("apr_max"))
            ),
            models.CheckConstraint(
                name="product_currency_known", condition=models.Q(currency__in=["USD", "GBP"])
            ),
            models.CheckConstraint(
                name="product_late_fee_not_negative",
                condition=models.Q(late_fee_fixed_minor__gte=0, late_fee_percent__gte=0),
            ),
            models.CheckConstraint(
                name="product_interest_method_known",
                condition=models.Q(interest_method__in=["scheduled", "daily_simple"]),
            ),
        ]


class Vehicle(models.Model):
    vin = models.CharField(max_length=17, unique=True)
    year = models.PositiveSmallIntegerField()
    make = models.CharField(max_length=50)
    model = models.CharField(max_length=50)
    trim = models.CharField(max_length=50, blank=True)
    colour = models.CharField(max_length=30, blank=True)
    # UK registration mark (VRM) or US plate, upper-case without spaces.
    registration = models.CharField(max_length=16, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="vehicle_vin_17", condition=models.Q(vin__regex=r"^[A-HJ-NPR-Z0-9]{17}$")
            ),
        ]


class OdometerReading(models.Model):
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="odometer_readings")
    reading = models.PositiveIntegerField()
    unit = models.CharField(max_length=2, default="mi")  # mi, km
    read_date = models.DateField()
    source = models.CharField(max_length=32, default="origination")


class ContractStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAID_OFF = "paid_off", "Paid off"
    CHARGED_OFF = "charged_off", "Charged off"
    TERMINATED = "terminated", "Terminated"


class Contract(models.Model):
    """A finance agreement, known to users by its account number."""

    account_number = models.CharField(max_length=20, unique=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    country = models.CharField(max_length=2)
    # US state ("US-TX") or UK nation ("GB-ENG").
    jurisdiction = models.CharField(max_length=8)
    cash_price_minor = models.BigIntegerField()
    deposit_minor = models.BigIntegerField(default=0)
    fees_minor = models.BigIntegerField(default=0)
    amount_financed_minor = models.BigIntegerField()
    apr = models.DecimalField(max_digits=7, decimal_places=4)
    money_factor = models.DecimalField(max_digits=9, decimal_places=7, null=True, blank=True)
    term = models.PositiveIntegerField()
    frequency = models.CharField(max_length=16)
    origination_date = models.DateField()
    first_due_date = models.DateField()
    balloon_minor = models.BigIntegerField(default=0)  # PCP optional final payment, lease residual
    mileage_allowance = models.PositiveIntegerField(null=True, blank=True)  # per year
    dealer_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="contract_financed_positive", condition=models.Q(amount_financed_minor__gt=0)
            ),
            models.CheckConstraint(name="contract_term_positive", condition=models.Q(term__gt=0)),
            models.CheckConstraint(
                name="contract_balloon_not_negative", condition=models.Q(balloon_minor__gte=0)
            ),
            models.CheckConstraint(
                name="contract_currency_known", condition=models.Q(currency__in=["USD", "GBP"])
            ),
        ]
        indexes = [models.Index(fields=["country", "status"])]


class ContractRole(models.TextChoices):
    BORROWER = "borrower", "Borrower"
    CO_BORROWER = "co_borrower", "Co-borrower"
    GUARANTOR = "guarantor", "Guarantor"


class ContractParty(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="parties")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=ContractRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contract", "party"], name="contract_party_once")]


class ScheduleVersion(models.Model):
    """One version of a contract's schedule. A modification adds a version; none is changed or deleted.

    A version keeps the installments before `from_installment` of the version it replaces and
    builds the rest from its own terms with the pure schedule engine, so every version reads back
    exactly without storing a row per installment (a 4-million-account book would need 200 million).
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="schedule_versions")
    version = models.PositiveIntegerField()
    reason = models.CharField(
        max_length=32
    )  # origination, due_date_change, deferral, extension, reamortisation
    note = models.CharField(max_length=200, blank=True)
    effective_date = models.DateField()
    from_installment = models.PositiveIntegerField(default=1)
    # "annuity" (level payment) or "lease" (depreciation plus rent charge, ending at the residual).
    method = models.CharField(max_length=16, default="annuity")
    money_factor = models.DecimalField(max_digits=9, decimal_places=7, null=True, blank=True)
    # Terms of the segment this version builds, from `from_installment` on.
    principal_minor = models.BigIntegerField()
    apr = models.DecimalField(max_digits=7, decimal_places=4)
    installment_count = models.PositiveIntegerField()
    start_date = models.DateField()
    first_due_date = models.DateField()
    frequency = models.CharField(max_length=16)
    day_count = models.CharField(max_length=16)
    rounding = models.CharField(max_length=16)
    balloon_minor = models.BigIntegerField(default=0)
    # Summary of the whole resulting schedule, for set-based work over many accounts.
    payment_minor = models.BigIntegerField()
    final_payment_minor = models.BigIntegerField()
    total_installments = models.PositiveIntegerField()
    last_due_date = models.DateField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract", "version"], name="schedule_version_once"),
        ]
