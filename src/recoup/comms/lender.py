"""The lender as its letters and emails name it: name, address, phone, email and the registration
lines the law asks a lender to print (FCA authorisation in the UK; licensing in the US).

Read from the RECOUP_LENDER setting, a dict by country ("US", "GB") whose entries override the demo
defaults below field by field; a lender books in both countries under two legal entities, so each
country has its own letterhead. Settings rather than a table: the letterhead changes once in years,
with a deployment, and every letter names the version of the wording it was sent with anyway.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Lender:
    name: str
    address: tuple[str, ...]
    phone: str
    email: str
    website: str
    registration: tuple[str, ...]  # printed in the letter's footer, each on its own line


DEMO_LENDERS = {
    "US": Lender(
        name="Recoup Auto Finance, Inc.",
        address=("400 Commerce Street", "Suite 1200", "Dallas, TX 75202"),
        phone="(800) 555-0199",
        email="customercare@recoup-auto.example",
        website="recoup-auto.example",
        registration=(
            "Recoup Auto Finance, Inc. NMLS ID 000000.",
            "This communication is from a debt collector. This is an attempt to collect a debt and any "
            "information obtained will be used for that purpose.",
        ),
    ),
    "GB": Lender(
        name="Recoup Motor Finance Ltd",
        address=("1 Finance Way", "Leeds", "LS1 4AP"),
        phone="0800 555 0199",
        email="customercare@recoup-motor.example",
        website="recoup-motor.example",
        registration=(
            "Recoup Motor Finance Ltd is authorised and regulated by the Financial Conduct Authority "
            "(FRN 000000).",
            "Registered in England and Wales, company number 00000000. Registered office: 1 Finance Way, "
            "Leeds LS1 4AP.",
        ),
    ),
}


def lender_for(country: str) -> Lender:
    """The letterhead for contracts booked in `country` (the US one for any other country)."""
    base = DEMO_LENDERS.get(country, DEMO_LENDERS["US"])
    configured = getattr(settings, "RECOUP_LENDER", {}).get(country, {})
    known = {f.name for f in fields(Lender)}
    changes: dict[str, Any] = {
        key: tuple(value) if isinstance(value, list | tuple) else value
        for key, value in configured.items()
        if key in known
    }
    return replace(base, **changes)
