"""Where an address is: its IANA time zones, its UK nation and its postal code written properly.

Contact rules use the customer's local time, so an address in a state that spans zones
keeps every zone it may be in; the rules then allow only the hours that are acceptable
in all of them. Pure: no Django.
"""

import re

from recoup.parties.errors import InvalidPostalCode, UnknownRegion, UnsupportedCountry

_EASTERN = "America/New_York"
_CENTRAL = "America/Chicago"
_MOUNTAIN = "America/Denver"
_PACIFIC = "America/Los_Angeles"

# By state, the zone most of it keeps first. One zone per distinct local time: where the
# tz database splits a state only for historical differences, the representative zone is
# used (Alaska: Anchorage for the mainland, Adak for the Aleutians west of 169.5°W).
# Arizona keeps America/Phoenix (no daylight saving); the Navajo Nation, which does keep
# daylight saving, is not told apart by state alone.
US_STATE_ZONES: dict[str, tuple[str, ...]] = {
    "AL": (_CENTRAL,),
    "AK": ("America/Anchorage", "America/Adak"),
    "AZ": ("America/Phoenix",),
    "AR": (_CENTRAL,),
    "CA": (_PACIFIC,),
    "CO": (_MOUNTAIN,),
    "CT": (_EASTERN,),
    "DE": (_EASTERN,),
    "DC": (_EASTERN,),
    "FL": (_EASTERN, _CENTRAL),  # the western panhandle is Central
    "GA": (_EASTERN,),
    "HI": ("Pacific/Honolulu",),
    "ID": ("America/Boise", _PACIFIC),  # the northern panhandle is Pacific
    "IL": (_CENTRAL,),
    "IN": ("America/Indiana/Indianapolis", _CENTRAL),  # the north-west and south-west corners are Central
    "IA": (_CENTRAL,),
    "KS": (_CENTRAL, _MOUNTAIN),  # four western counties are Mountain
    "KY": (_EASTERN, _CENTRAL),
    "LA": (_CENTRAL,),
    "ME": (_EASTERN,),
    "MD": (_EASTERN,),
    "MA": (_EASTERN,),
    "MI": ("America/Detroit", "America/Menominee"),  # four Upper Peninsula counties are Central
    "MN": (_CENTRAL,),
    "MS": (_CENTRAL,),
    "MO": (_CENTRAL,),
    "MT": (_MOUNTAIN,),
    "NE": (_CENTRAL, _MOUNTAIN),
    "NV": (_PACIFIC, _MOUNTAIN),  # West Wendover keeps Mountain time
    "NH": (_EASTERN,),
    "NJ": (_EASTERN,),
    "NM": (_MOUNTAIN,),
    "NY": (_EASTERN,),
    "NC": (_EASTERN,),
    "ND": (_CENTRAL, _MOUNTAIN),  # the south-west is Mountain
    "OH": (_EASTERN,),
    "OK": (_CENTRAL,),
    "OR": (_PACIFIC, "America/Boise"),  # most of Malheur County is Mountain
    "PA": (_EASTERN,),
    "RI": (_EASTERN,),
    "SC": (_EASTERN,),
    "SD": (_CENTRAL, _MOUNTAIN),  # the western half is Mountain
    "TN": (_CENTRAL, _EASTERN),  # East Tennessee is Eastern
    "TX": (_CENTRAL, _MOUNTAIN),  # El Paso and Hudspeth counties are Mountain
    "UT": (_MOUNTAIN,),
    "VT": (_EASTERN,),
    "VA": (_EASTERN,),
    "WA": (_PACIFIC,),
    "WV": (_EASTERN,),
    "WI": (_CENTRAL,),
    "WY": (_MOUNTAIN,),
    "PR": ("America/Puerto_Rico",),
    "VI": ("America/St_Thomas",),
    "GU": ("Pacific/Guam",),
    "MP": ("Pacific/Saipan",),
    "AS": ("Pacific/Pago_Pago",),
}

UK_ZONES = ("Europe/London",)
UK_NATIONS = ("ENG", "SCT", "WLS", "NIR")

_SCOTTISH_AREAS = frozenset(
    {"AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "TD", "ZE"}
)
_WELSH_AREAS = frozenset({"CF", "LD", "LL", "NP", "SA"})
# Postcode areas that cross a border, by district. This is an approximation: a few
# districts straddle the border themselves (CH4 Saltney/Broughton, SY7, SY10 Oswestry,
# LD7 Knighton, TD9, TD12 Cornhill-on-Tweed) and are given to the nation holding most
# of their addresses; telling those apart needs the full postcode directory.
_WELSH_DISTRICTS = {"CH": range(5, 9), "SY": range(15, 26)}
_ENGLISH_DISTRICTS = {"TD": range(15, 16)}  # TD15 is Berwick-upon-Tweed

_US_ZIP = re.compile(r"^(\d{5})-?(\d{4})?$")
# The standard pattern: an outward code (area letters, district) and an inward code
# (sector digit, two unit letters that never use C, I, K, M, O or V).
_UK_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[ABD-HJLNP-UW-Z]{2})$")
_UK_OUTWARD = re.compile(r"^([A-Z]{1,2})(\d+)")


def region_normalise(*, country: str, region: str, field: str = "region") -> str:
    """A US state as its two-letter code (known to Recoup); a UK county as given, trimmed."""
    text = region.strip()
    if country == "US":
        code = text.upper()
        if code not in US_STATE_ZONES:
            what = f"{text!r} is not a US state code" if text else "the state is required"
            raise UnknownRegion(f"{field}: {what}", field=field)
        return code
    if country == "GB":
        return text
    raise UnsupportedCountry(f"country: {country!r} is not served (US or GB)", field="country")


def zones_for_address(*, country: str, region: str, postal_code: str) -> tuple[str, ...]:
    """The IANA zones the address may be in, the main one first.

    US addresses are placed by state, so a state spanning zones keeps all of them;
    `postal_code` is taken so that callers need not change when zones narrow by ZIP.
    Raises UnknownRegion naming "region", UnsupportedCountry naming "country".
    """
    if country == "GB":
        return UK_ZONES
    return US_STATE_ZONES[region_normalise(country=country, region=region)]


def postal_code_normalise(*, country: str, postal_code: str, field: str = "postal_code") -> str:
    """A US ZIP as 12345 or 12345-6789; a UK postcode upper-case with one space ("SW1A 1AA").

    Raises InvalidPostalCode naming `field`, UnsupportedCountry naming "country".
    """
    text = postal_code.strip()
    if not text:
        raise InvalidPostalCode(f"{field}: the postal code is required", field=field)
    if country == "US":
        match = _US_ZIP.match(text)
        if match is None:
            raise InvalidPostalCode(f"{field}: {text!r} is not a ZIP code (12345 or 12345-6789)", field=field)
        zip5, plus4 = match.groups()
        return f"{zip5}-{plus4}" if plus4 else zip5
    if country == "GB":
        compact = "".join(text.split()).upper()
        match = _UK_POSTCODE.match(compact)
        if match is None:
            raise InvalidPostalCode(f"{field}: {text!r} is not a UK postcode (like SW1A 1AA)", field=field)
        outward, inward = match.groups()
        return f"{outward} {inward}"
    raise UnsupportedCountry(f"country: {country!r} is not served (US or GB)", field="country")


def uk_nation_for_postcode(postcode: str) -> str:
    """ENG, SCT, WLS or NIR from the postcode's area (and district where an area crosses a border)."""
    outward = postal_code_normalise(country="GB", postal_code=postcode).split()[0]
    match = _UK_OUTWARD.match(outward)
    assert match is not None  # postal_code_normalise accepted it
    area, district = match.group(1), int(match.group(2))
    if area == "BT":
        return "NIR"
    if district in _ENGLISH_DISTRICTS.get(area, ()):
        return "ENG"
    if area in _SCOTTISH_AREAS:
        return "SCT"
    if area in _WELSH_AREAS or district in _WELSH_DISTRICTS.get(area, ()):
        return "WLS"
    return "ENG"
