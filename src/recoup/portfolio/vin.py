"""Vehicle identification: VINs (ISO 3779, with the North American check digit) and registrations.

Pure: no Django, so imports of dealer and auction files can validate a whole file at once.
"""

import re

from recoup.kernel.errors import DomainError


class InvalidVin(DomainError, ValueError):
    pass


class InvalidRegistration(DomainError, ValueError):
    pass


VIN_LENGTH = 17
CHECK_DIGIT_POSITION = 9  # 1-based, as the standard counts
# Letters stand for digits (I, O and Q are never used); digits stand for themselves.
TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# The first character is the region of manufacture; 1–5 are the United States, Canada
# and Mexico, where the check digit is mandatory (49 CFR 565). Elsewhere it is optional.
_NORTH_AMERICAN = frozenset("12345")


def _vin_characters_check(vin: str, *, field: str, length: int = VIN_LENGTH) -> None:
    if len(vin) != length:
        raise InvalidVin(
            f"{field}: a VIN has {length} characters, {vin!r} has {len(vin)}",
            field=field,
        )
    banned = sorted({ch for ch in vin if ch in "IOQ"})
    if banned:
        raise InvalidVin(
            f"{field}: a VIN never contains I, O or Q (they look like 1 and 0); "
            f"{vin!r} has {', '.join(banned)}",
            field=field,
        )
    others = sorted({ch for ch in vin if ch not in TRANSLITERATION})
    if others:
        raise InvalidVin(
            f"{field}: a VIN has only letters A–Z and digits, {vin!r} has {' '.join(map(repr, others))}",
            field=field,
        )


def vin_check_digit(vin: str) -> str:
    """The check digit ("0"–"9" or "X") the 17-character `vin` should carry in position 9.

    The character already in position 9 does not count. Raises InvalidVin.
    """
    text = vin.strip().upper()
    _vin_characters_check(text, field="vin")
    remainder = sum(TRANSLITERATION[ch] * w for ch, w in zip(text, WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


def vin_with_check_digit(vin_without: str) -> str:
    """Complete a VIN with its check digit.

    Takes the 16 other characters (the check digit is inserted at position 9), or 17
    characters whose ninth is replaced. Used to make valid VINs for demonstration books.
    """
    text = vin_without.strip().upper()
    at = CHECK_DIGIT_POSITION - 1
    if len(text) == VIN_LENGTH - 1:
        text = f"{text[:at]}0{text[at:]}"
    _vin_characters_check(text, field="vin")
    return f"{text[:at]}{vin_check_digit(text)}{text[at + 1 :]}"


def vin_validate(vin: str, *, field: str = "vin") -> str:
    """Return the VIN upper-cased and stripped, or raise InvalidVin naming `field` and the fault.

    North American VINs (first character 1–5) must carry the right check digit; others are
    checked for length and characters only, as their makers need not use one.
    """
    text = vin.strip().upper()
    if not text:
        raise InvalidVin(f"{field}: the VIN is required", field=field)
    _vin_characters_check(text, field=field)
    if text[0] in _NORTH_AMERICAN:
        expected = vin_check_digit(text)
        actual = text[CHECK_DIGIT_POSITION - 1]
        if actual != expected:
            raise InvalidVin(
                f"{field}: {text!r} fails its check digit: position 9 is {actual!r}, "
                f"the other characters make it {expected!r}; look for a mistyped character",
                field=field,
            )
    return text


# UK marks, without spaces. Current (2001–): two letters, age identifier, three letters
# ("AB12CDE"). Prefix (1983–2001): year letter, 1–3 digits, three letters ("A123BCD").
# Suffix (1963–1983): three letters, 1–3 digits, year letter ("ABC123D"). Dateless and
# Northern Ireland marks: up to four digits beside up to three letters ("1234AB", "ABZ1234").
_UK_REGISTRATIONS = (
    re.compile(r"^[A-Z]{2}\d{2}[A-Z]{3}$"),
    re.compile(r"^[A-Z]\d{1,3}[A-Z]{3}$"),
    re.compile(r"^[A-Z]{3}\d{1,3}[A-Z]$"),
    re.compile(r"^[A-Z]{1,3}\d{1,4}$"),
    re.compile(r"^\d{1,4}[A-Z]{1,3}$"),
)
_US_PLATE = re.compile(r"^[A-Z0-9]{1,8}$")


def registration_normalise(text: str, *, country: str, field: str = "registration") -> str:
    """A registration mark or plate upper-case without spaces, or InvalidRegistration naming `field`.

    UK: the current, prefix, suffix and dateless formats. US: 1–8 letters and digits
    (spaces and hyphens, which plates show but records do not keep, are dropped).
    """
    compact = "".join(text.split()).upper()
    if country == "GB":
        if not any(pattern.match(compact) for pattern in _UK_REGISTRATIONS):
            raise InvalidRegistration(
                f"{field}: {text!r} is not a UK registration mark (like AB12 CDE)", field=field
            )
        return compact
    if country == "US":
        plate = compact.replace("-", "")
        if not _US_PLATE.match(plate):
            raise InvalidRegistration(
                f"{field}: {text!r} is not a US plate (1 to 8 letters and digits)", field=field
            )
        return plate
    raise InvalidRegistration(
        f"country: registrations are known for US and GB, not {country!r}", field="country"
    )
