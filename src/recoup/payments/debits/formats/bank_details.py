"""Bank details a debit mandate carries: checked, shown by their last four digits, and sealed.

Pure. A US routing number (ABA routing transit number) is nine digits whose weighted sum
3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) is a multiple of ten (the ABA checksum, as the Nacha
Operating Rules' "Check Digit" field of the Entry Detail Record carries it). A UK sort code is six
digits and an account number eight (Bacs Service User Guide, "Account details").

The account number itself is needed only to write the scheme's file, so it is kept sealed: like
the personal data of `recoup.access.privacy`, nobody reads it in clear on a screen; the mandate
shows its last four digits. Sealing is AES-256-GCM (authenticated encryption, NIST SP 800-38D)
from the `cryptography` package, under a key derived from the one given with HKDF-SHA256 (RFC
5869). The token is "v1:" + url-safe base64 of nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes).
"""

from __future__ import annotations

import base64
import re
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from recoup.payments.debits.formats.errors import BankDetailsInvalid

_ABA_WEIGHTS = (3, 7, 1, 3, 7, 1, 3, 7, 1)
_US_ACCOUNT = re.compile(r"[0-9A-Za-z-]{4,17}")
_SEAL_VERSION = "v1"
_NONCE_BYTES = 12
_TAG_BYTES = 16
_CONTEXT = b"recoup bank account number"


def routing_number_check(text: str, *, field: str = "routing_number") -> str:
    """The nine digits of a US routing number whose ABA checksum holds, else BankDetailsInvalid."""
    digits = text.strip()
    if not (len(digits) == 9 and digits.isascii() and digits.isdigit()):
        raise BankDetailsInvalid(f"{field}: a routing number is nine digits, not {text!r}", field=field)
    if sum(w * int(d) for w, d in zip(_ABA_WEIGHTS, digits, strict=True)) % 10:
        raise BankDetailsInvalid(f"{field}: {digits} fails the ABA checksum", field=field)
    return digits


def us_account_number_check(text: str, *, field: str = "account_number") -> str:
    """A DFI account number: 4 to 17 letters, digits or hyphens (the NACHA field holds 17)."""
    value = text.strip()
    if not _US_ACCOUNT.fullmatch(value) or not any(ch.isdigit() for ch in value):
        raise BankDetailsInvalid(
            f"{field}: an account number is 4 to 17 digits (letters and hyphens allowed)", field=field
        )
    return value.upper()


def sort_code_check(text: str, *, field: str = "sort_code") -> str:
    """A UK sort code as six digits; "20-30-40" and "20 30 40" are read as "203040"."""
    digits = re.sub(r"[\s-]", "", text)
    if not (len(digits) == 6 and digits.isascii() and digits.isdigit()):
        raise BankDetailsInvalid(f"{field}: a sort code is six digits, not {text!r}", field=field)
    return digits


def uk_account_number_check(text: str, *, field: str = "account_number") -> str:
    """A UK account number: eight digits (a seven-digit one is written with a leading zero, as banks do)."""
    digits = re.sub(r"\s", "", text)
    if digits.isascii() and digits.isdigit() and len(digits) == 7:
        digits = "0" + digits
    if not (len(digits) == 8 and digits.isascii() and digits.isdigit()):
        raise BankDetailsInvalid(f"{field}: a UK account number is eight digits", field=field)
    return digits


def last_four(account_number: str) -> str:
    return account_number[-4:]


def _cipher(key: bytes) -> AESGCM:
    if len(key) < 16:
        raise ValueError("a sealing key has at least 16 bytes")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_CONTEXT).derive(key)
    return AESGCM(derived)


def seal(plain: str, *, key: bytes, nonce: bytes | None = None) -> str:
    """`plain` encrypted and authenticated under `key`; a fresh random nonce unless one is given (tests)."""
    nonce = nonce if nonce is not None else secrets.token_bytes(_NONCE_BYTES)
    if len(nonce) != _NONCE_BYTES:
        raise ValueError(f"a nonce is {_NONCE_BYTES} bytes")
    sealed = _cipher(key).encrypt(nonce, plain.encode(), _CONTEXT)
    return f"{_SEAL_VERSION}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def unseal(token: str, *, key: bytes) -> str:
    """The text `seal` sealed; ValueError if the token was altered or sealed under another key."""
    version, _, body = token.partition(":")
    if version != _SEAL_VERSION:
        raise ValueError("not a sealed value")
    raw = base64.urlsafe_b64decode(body.encode())
    if len(raw) < _NONCE_BYTES + _TAG_BYTES:
        raise ValueError("a sealed value is too short")
    try:
        return _cipher(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _CONTEXT).decode()
    except InvalidTag:
        raise ValueError("the sealed value does not verify under this key") from None
