"""Telephone numbers: stored in E.164, shown the way the customer's country writes them.

Pure: no Django, so the dialer export and the batch jobs can use it too.
"""

import phonenumbers

from recoup.parties.errors import InvalidPhone


def phone_normalise(number: str, *, country: str, field: str = "phone") -> str:
    """Return `number` in E.164 ("+12125550123"); national numbers are read as `country`'s.

    `country` is an ISO 3166 code ("US", "GB"); an empty country accepts only numbers
    given in international form ("+44 …"). Raises InvalidPhone naming `field`.
    """
    text = number.strip()
    if not text:
        raise InvalidPhone(f"{field}: a phone number is required", field=field)
    try:
        parsed = phonenumbers.parse(text, country.upper() or None)
    except phonenumbers.NumberParseException as error:
        if not country and error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            raise InvalidPhone(
                f"{field}: {text!r} needs its country code (+1, +44 …) as no address gives the country",
                field=field,
            ) from error
        raise InvalidPhone(f"{field}: {text!r} is not a phone number", field=field) from error
    if not phonenumbers.is_valid_number(parsed):
        where = f" in {country.upper()}" if country and not text.startswith("+") else ""
        raise InvalidPhone(f"{field}: {text!r} is not a valid phone number{where}", field=field)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str, *, country: str) -> str:
    """Show an E.164 number nationally when it belongs to `country`, internationally otherwise."""
    parsed = phonenumbers.parse(e164, None)
    if country and parsed.country_code == phonenumbers.country_code_for_region(country.upper()):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_digits_for_search(text: str) -> str:
    """The digits an E.164 number would end with, from what someone typed ("07911 123456" → "7911123456").

    Leading zeros are dropped: they are a national trunk prefix ("0…") or an international
    call prefix ("00 44…"), neither of which appears in E.164.
    """
    return "".join(ch for ch in text if ch.isdigit()).lstrip("0")
