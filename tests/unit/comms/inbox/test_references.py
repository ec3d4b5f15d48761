"""Account numbers and complaint words in a customer's email."""

from recoup.comms.inbox.references import account_numbers_in, complaint_words_in, luhn_valid
from recoup.portfolio.operations import account_number_for

US_42 = "1000000420"  # 1 + 00000042 + its Luhn digit
GB_75 = "2000000758"


def test_portfolio_account_numbers_pass_the_check_digit():
    assert account_number_for(42, country="US") == US_42
    assert account_number_for(75, country="GB") == GB_75
    assert all(luhn_valid(account_number_for(n, country="US")) for n in range(1, 500))
    assert not luhn_valid("1000000423")


def test_an_account_number_is_found_however_it_is_spaced():
    assert account_numbers_in(f"Re: account {US_42}") == (US_42,)
    assert account_numbers_in("my account is 1 0000 0042 0, thanks") == (US_42,)
    assert account_numbers_in("ref 1000-000-420.") == (US_42,)


def test_numbers_failing_the_check_digit_or_longer_are_not_account_numbers():
    assert account_numbers_in("call me on 1000000421") == ()
    assert account_numbers_in("order 11000000420") == ()
    assert account_numbers_in("phone +1 713 555 0142") == ()


def test_each_account_number_is_given_once_in_the_order_written():
    assert account_numbers_in(f"{GB_75} and {US_42}", f"again {GB_75}") == (GB_75, US_42)


def test_complaint_words_are_found_in_any_case():
    assert complaint_words_in("I want to make a formal COMPLAINT", "your calls are harassment") == (
        "complain",
        "harass",
    )
    assert complaint_words_in("I will pay on Friday") == ()
