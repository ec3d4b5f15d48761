def test_the_luhn_digit_completes_numbers_that_the_luhn_check_accepts():
    from recoup.kernel.numbers import luhn_digit, luhn_valid

    assert luhn_digit("7992739871") == "3"  # the worked example of ISO/IEC 7812-1, annex B
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert luhn_valid("4242424242424242")
    assert not luhn_valid("4242 4242 4242 4242")
    assert not luhn_valid("0")
