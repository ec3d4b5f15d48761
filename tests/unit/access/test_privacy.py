from recoup.access.privacy import (
    PersonalField,
    address_masked,
    email_masked,
    may_reveal,
    phone_masked,
    seen_in_clear,
)


def test_a_phone_keeps_its_last_four_digits() -> None:
    assert phone_masked("(713) 555-0142") == "(•••) •••-0142"


def test_a_uk_phone_keeps_its_last_four_digits_too() -> None:
    assert phone_masked("0141 496 0123") == "•••• ••• 0123"


def test_an_email_keeps_its_first_letter_and_domain() -> None:
    assert email_masked("maria.garcia@example.com") == "m•••@example.com"


def test_an_address_keeps_only_its_last_line() -> None:
    assert address_masked(("12 Maple Ave", "Houston, TX 77002")) == ("•••", "Houston, TX 77002")


def test_agents_see_contact_details_but_never_the_date_of_birth() -> None:
    assert PersonalField.PHONES in seen_in_clear("agent")
    assert PersonalField.DATE_OF_BIRTH not in seen_in_clear("agent")
    assert not may_reveal("agent", PersonalField.DATE_OF_BIRTH)


def test_team_leaders_may_reveal_the_date_of_birth() -> None:
    assert may_reveal("team_leader", PersonalField.DATE_OF_BIRTH)


def test_auditors_see_nothing_in_clear_and_may_reveal_everything() -> None:
    assert seen_in_clear("auditor") == frozenset()
    assert all(may_reveal("auditor", field) for field in PersonalField)


def test_an_unknown_role_sees_nothing_and_reveals_nothing() -> None:
    assert seen_in_clear("intern") == frozenset()
    assert not may_reveal("intern", PersonalField.EMAILS)
