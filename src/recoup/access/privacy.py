"""Who sees which personal data in clear, who may reveal it (every reveal audited), and how it is masked.

Pure. Agents need a customer's phones, emails and addresses to reach them, but not the date of
birth, which stays masked for them; team leaders and the head of credit may reveal it. Auditors see
everything masked and may reveal any of it, each reveal leaving an audit row. Remarketing
specialists see addresses (where the vehicle is) and may reveal phones and emails. Administrators
run the system and see personal data masked, with no reveal.
"""

from __future__ import annotations

from enum import StrEnum

MASK = "•"


class PersonalField(StrEnum):
    DATE_OF_BIRTH = "date_of_birth"
    PHONES = "phones"
    EMAILS = "emails"
    ADDRESSES = "addresses"


_CONTACT = frozenset({PersonalField.PHONES, PersonalField.EMAILS, PersonalField.ADDRESSES})
_ALL = frozenset(PersonalField)
# role: (seen in clear, may be revealed)
# (Role values of access.models, written out so that this module needs no Django.)
POLICY: dict[str, tuple[frozenset[PersonalField], frozenset[PersonalField]]] = {
    "agent": (_CONTACT, frozenset()),
    "team_leader": (_CONTACT, frozenset({PersonalField.DATE_OF_BIRTH})),
    "head_of_credit": (_CONTACT, frozenset({PersonalField.DATE_OF_BIRTH})),
    "remarketing": (
        frozenset({PersonalField.ADDRESSES}),
        frozenset({PersonalField.PHONES, PersonalField.EMAILS}),
    ),
    "auditor": (frozenset(), _ALL),
    "administrator": (frozenset(), frozenset()),
}


def seen_in_clear(role: str) -> frozenset[PersonalField]:
    return POLICY.get(role, (frozenset(), frozenset()))[0]


def may_reveal(role: str, field: PersonalField) -> bool:
    return field in POLICY.get(role, (frozenset(), frozenset()))[1]


def phone_masked(display: str) -> str:
    """Every digit but the last four hidden: "(713) 555-0142" → "(•••) •••-0142"."""
    digits = sum(ch.isdigit() for ch in display)
    shown, out = 0, []
    for ch in display:
        if ch.isdigit():
            shown += 1
            out.append(ch if shown > digits - 4 else MASK)
        else:
            out.append(ch)
    return "".join(out)


def email_masked(email: str) -> str:
    """The first letter and the domain: "maria.garcia@example.com" → "m•••@example.com"."""
    local, at, domain = email.partition("@")
    return f"{local[:1]}{MASK * 3}{at}{domain}" if at else MASK * 3


def address_masked(lines: tuple[str, ...]) -> tuple[str, ...]:
    """The street lines hidden, the town or city and the postcode kept (the last line)."""
    if len(lines) <= 1:
        return tuple(MASK * 3 for _ in lines)
    return (*(MASK * 3 for _ in lines[:-1]), lines[-1])
