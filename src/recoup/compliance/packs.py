"""The default rule packs, also seeded as rows (migration 0002) where they can be changed: a row with
a pack's code replaces it. Kept here too so that the gate always has a pack for each country served,
even in a database emptied and loaded again. Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

from recoup.compliance.frequency import Policy

REG_F = "Regulation F (12 CFR 1006.14(b)(2))"


@dataclass(frozen=True)
class Pack:
    """Where a rule pack applies ("" for every jurisdiction, portfolio or collector) and its limits."""

    country: str
    policy: Policy
    jurisdiction: str = ""
    product_code: str = ""
    collector: str = ""

    def matches(self, *, country: str, jurisdiction: str, product_code: str, collector: str) -> bool:
        return (
            self.country == country
            and self.jurisdiction in ("", jurisdiction)
            and self.product_code in ("", product_code)
            and self.collector in ("", collector)
        )

    @property
    def specificity(self) -> tuple[bool, bool, bool]:
        """Product first, then jurisdiction, then collector: the most specific matching pack applies."""
        return (bool(self.product_code), bool(self.jurisdiction), bool(self.collector))


DEFAULT_PACKS = (
    Pack(
        country="US",
        policy=Policy(
            code="us-federal",
            name="US federal default: Regulation F call frequency, first and third party",
            label=REG_F,
        ),
    ),
    Pack(
        country="US",
        collector="third_party",
        policy=Policy(
            code="us-federal-third-party",
            name="US, placed with a third-party collector: FDCPA and Regulation F (12 CFR 1006)",
            label=REG_F,
        ),
    ),
    # Creditors: 940 CMR 7.04(1)(f); collection agencies: 209 CMR 18.16(1)(d). Both count calls and
    # texts initiated to the debtor's home or mobile: two in each seven-day period.
    Pack(
        country="US",
        jurisdiction="US-MA",
        policy=Policy(
            code="us-ma",
            name="Massachusetts: two calls in seven days (940 CMR 7.04(1)(f), 209 CMR 18.16(1)(d))",
            label="Massachusetts 940 CMR 7.04(1)(f)",
            window_attempts_max=2,
            vulnerable_window_attempts_max=2,
        ),
    ),
    # CONC sets no numbers: these are Recoup's reading of "not excessive" (CONC 7.3.4 R forbearance
    # and due consideration; CONC 7.9.4 R no contact at unreasonable times).
    Pack(
        country="GB",
        policy=Policy(
            code="uk-conc",
            name="UK default: fair and not excessive contact (CONC 7.3, CONC 7.9)",
            label="CONC 7.3 and 7.9 (fair, not excessive contact)",
            window_attempts_max=10,
            daily_attempts_max=3,
            conversation_quiet_days=1,
        ),
    ),
)
