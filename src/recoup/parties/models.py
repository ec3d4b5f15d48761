from django.conf import settings
from django.db import models


class PartyKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    BUSINESS = "business", "Business"


class Party(models.Model):
    """A customer: a person or a business. Contracts name parties as borrower, co-borrower or guarantor."""

    kind = models.CharField(max_length=16, choices=PartyKind.choices)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    business_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    preferred_language = models.CharField(max_length=16, default="en")
    # Lower-cased "given family" or business name, for search.
    search_name = models.CharField(max_length=300, db_index=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="party_named_for_its_kind",
                condition=(
                    models.Q(kind="individual", family_name__gt="")
                    | models.Q(kind="business", business_name__gt="")
                ),
            ),
        ]


class Country(models.TextChoices):
    US = "US", "United States"
    GB = "GB", "United Kingdom"


class Address(models.Model):
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="addresses")
    purpose = models.CharField(max_length=16, default="home")  # home, mailing, work, garaging
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    # US: two-letter state code; GB: county (optional).
    region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=16)
    country = models.CharField(max_length=2, choices=Country.choices)
    # GB only: ENG, SCT, WLS, NIR.
    uk_nation = models.CharField(max_length=3, blank=True)
    # IANA zones for this address, space separated; a state spanning zones keeps all of them.
    time_zones = models.CharField(max_length=200)
    is_primary = models.BooleanField(default=False)
    valid_from_date = models.DateField(null=True, blank=True)
    valid_to_date = models.DateField(null=True, blank=True)


class Phone(models.Model):
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="phones")
    e164 = models.CharField(max_length=20, db_index=True)
    kind = models.CharField(max_length=16, default="mobile")  # mobile, home, work
    is_primary = models.BooleanField(default=False)
    do_not_call = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["party", "e164"], name="phone_once_per_party"),
            models.CheckConstraint(name="phone_is_e164", condition=models.Q(e164__startswith="+")),
        ]


class Email(models.Model):
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="emails")
    address = models.CharField(max_length=254, db_index=True)
    is_primary = models.BooleanField(default=False)


class FlagKind(models.TextChoices):
    VULNERABILITY = "vulnerability", "Vulnerability"
    BANKRUPTCY = "bankruptcy", "Bankruptcy"
    DECEASED = "deceased", "Deceased"
    MILITARY = "military", "Military service"
    BREATHING_SPACE = "breathing_space", "Breathing Space"
    CEASE_COMMUNICATION = "cease_communication", "Cease communication"
    DISPUTE = "dispute", "Dispute"


class PartyFlag(models.Model):
    """A flag with the dates and people who set and cleared it; cleared flags stay as history."""

    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(max_length=32, choices=FlagKind.choices)
    detail = models.CharField(max_length=200, blank=True)
    set_date = models.DateField()
    set_at = models.DateTimeField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cleared_date = models.DateField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["party", "kind"])]
