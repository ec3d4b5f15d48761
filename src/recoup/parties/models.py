from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact


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
            models.CheckConstraint(name="party_searchable", condition=models.Q(search_name__gt="")),
        ]
        # On PostgreSQL a trigram index (migration 0002) serves "name contains" searches.


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
    # The last day the address applied; null while it is current.
    valid_to_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["party", "purpose"],
                condition=models.Q(is_primary=True, valid_to_date__isnull=True),
                name="address_one_current_primary_per_purpose",
            ),
            models.CheckConstraint(
                name="address_country_served", condition=models.Q(country__in=["US", "GB"])
            ),
            models.CheckConstraint(
                name="address_uk_nation_known",
                condition=models.Q(country="GB", uk_nation__in=["ENG", "SCT", "WLS", "NIR"])
                | models.Q(country="US", uk_nation=""),
            ),
            models.CheckConstraint(name="address_has_time_zone", condition=models.Q(time_zones__gt="")),
            models.CheckConstraint(
                name="address_dates_in_order",
                condition=models.Q(valid_from_date__isnull=True)
                | models.Q(valid_to_date__isnull=True)
                | models.Q(valid_to_date__gte=models.F("valid_from_date")),
            ),
        ]


class Phone(models.Model):
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="phones")
    e164 = models.CharField(max_length=20, db_index=True)
    # The digits of e164 in reverse, so that "number ends with" is an index range scan.
    digits_reversed = models.CharField(max_length=19)
    kind = models.CharField(max_length=16, default="mobile")  # mobile, home, work
    is_primary = models.BooleanField(default=False)
    do_not_call = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["party", "e164"], name="phone_once_per_party"),
            models.CheckConstraint(name="phone_is_e164", condition=models.Q(e164__startswith="+")),
            models.CheckConstraint(
                name="phone_digits_reversed_filled",
                condition=Exact(Length("digits_reversed") + 1, Length("e164")),
            ),
            models.UniqueConstraint(
                fields=["party"], condition=models.Q(is_primary=True), name="phone_one_primary_per_party"
            ),
        ]
        indexes = [models.Index(fields=["digits_reversed"], name="phone_digits_reversed_idx")]


class Email(models.Model):
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="emails")
    # Lower-cased.
    address = models.CharField(max_length=254, db_index=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["party", "address"], name="email_once_per_party"),
            models.UniqueConstraint(
                fields=["party"], condition=models.Q(is_primary=True), name="email_one_primary_per_party"
            ),
        ]


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
    # The last day the flag applies by itself (a standard Breathing Space's 60th day); null: until cleared.
    until_date = models.DateField(null=True, blank=True)
    cleared_date = models.DateField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["party", "kind"]),
            # The close of business reads the customers in Breathing Space by kind.
            models.Index(
                fields=["kind", "set_date"],
                name="party_flag_uncleared_kind",
                condition=models.Q(cleared_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "kind"],
                condition=models.Q(cleared_at__isnull=True),
                name="party_flag_active_once",
            ),
            models.CheckConstraint(
                name="party_flag_until_after_set",
                condition=models.Q(until_date__isnull=True) | models.Q(until_date__gte=models.F("set_date")),
            ),
            models.CheckConstraint(
                name="party_flag_cleared_whole",
                condition=models.Q(cleared_at__isnull=True, cleared_date__isnull=True)
                | models.Q(
                    cleared_at__isnull=False,
                    cleared_date__isnull=False,
                    cleared_date__gte=models.F("set_date"),
                ),
            ),
        ]
