from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    AGENT = "agent", "Collections agent"
    TEAM_LEADER = "team_leader", "Team leader"
    HEAD_OF_CREDIT = "head_of_credit", "Head of credit"
    REMARKETING = "remarketing", "Remarketing specialist"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.AGENT)
    # The second factor (RFC 6238): blank while it is off. The last time step a code was accepted
    # for, so that no code is accepted twice.
    totp_secret = models.CharField(max_length=64, blank=True, default="")
    totp_last_step = models.BigIntegerField(null=True, blank=True)


class AuditEvent(models.Model):
    """Who did what, when, with the state before and after. Rows are never updated or deleted."""

    at = models.DateTimeField()
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["at"]),
        ]


class ApiToken(models.Model):
    """A bearer token for machines (dialers, portals, vendors). Only a hash of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)


class AuthorityLimit(models.Model):
    """One row of the approval matrix: what a role (or, overriding it, one user) may agree alone,
    in one currency. A change beyond these limits becomes an approval request (maker–checker).

    Money limits are in the currency's minor units; percentages are of the amount concerned.
    """

    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    arrangement_months = models.PositiveIntegerField(default=0)  # longest arrangement
    payment_reduction_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    credit_minor = models.BigIntegerField(default=0)  # largest credit or fee waiver
    settlement_discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    write_off_minor = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="authority_role_or_user",
                condition=(models.Q(user__isnull=True) & ~models.Q(role=""))
                | (models.Q(user__isnull=False) & models.Q(role="")),
            ),
            models.UniqueConstraint(
                fields=["role", "currency"], condition=models.Q(user__isnull=True), name="authority_role_once"
            ),
            models.UniqueConstraint(
                fields=["user", "currency"],
                condition=models.Q(user__isnull=False),
                name="authority_user_once",
            ),
            models.CheckConstraint(
                name="authority_amounts_not_negative",
                condition=models.Q(credit_minor__gte=0, write_off_minor__gte=0),
            ),
            models.CheckConstraint(
                name="authority_percents_in_range",
                condition=models.Q(
                    payment_reduction_percent__gte=0,
                    payment_reduction_percent__lte=100,
                    settlement_discount_percent__gte=0,
                    settlement_discount_percent__lte=100,
                ),
            ),
        ]
