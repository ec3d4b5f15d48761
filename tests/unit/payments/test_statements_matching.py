"""Which account a statement line is for: worked examples of the matching, without a database."""

from __future__ import annotations

from datetime import date

from recoup.payments.statements.matching import (
    AMBIGUOUS,
    MATCHED,
    UNMATCHED,
    Candidate,
    LineFacts,
    days_from_due_day,
    line_match,
    name_keys,
    numbers_named,
)

GARCIA = Candidate(1, "1000000016", "USD", "maria garcia", 30415, 1)
GARCIA_TWO = Candidate(2, "1000000024", "USD", "maria garcia", 30415, 1)
REID = Candidate(3, "2000000030", "GBP", "callum reid", 41000, 15)


def _line(amount: int = 30415, **changes: object) -> LineFacts:
    values: dict[str, object] = {"amount_minor": amount, "currency": "USD", "booking_date": date(2024, 3, 1)}
    values.update(changes)
    remittance = str(values.get("remittance", ""))
    values["numbers"] = numbers_named(
        remittance=remittance, customer_reference=str(values.get("customer_reference", ""))
    )
    return LineFacts(**values)  # type: ignore[arg-type]


def test_an_account_number_written_with_spaces_in_the_remittance_is_found_and_matched_at_100():
    match = line_match(
        line=_line(remittance="LOAN 1 0000 0001 6 MARCH"), by_number={"1000000016": GARCIA}, by_name={}
    )

    assert (match.status, match.contract_id, match.confidence) == (MATCHED, 1, 100)


def test_a_ten_digit_number_failing_its_check_digit_is_not_an_account_number():
    assert numbers_named(remittance="INVOICE 1000000017", customer_reference="") == ()


def test_a_payment_quoting_two_accounts_is_ambiguous_between_them():
    match = line_match(
        line=_line(remittance="1000000016 and 1000000024"),
        by_number={"1000000016": GARCIA, "1000000024": GARCIA_TWO},
        by_name={},
    )

    assert match.status == AMBIGUOUS
    assert [c.contract_id for c in match.candidates] == [1, 2]


def test_a_payment_by_name_for_the_installment_on_the_due_day_scores_100():
    match = line_match(
        line=_line(payer_name="GARCIA, MARIA"), by_number={}, by_name={"maria garcia": [GARCIA]}
    )

    assert (match.status, match.confidence) == (MATCHED, 100)


def test_a_payment_by_name_of_an_odd_amount_far_from_the_due_day_is_ambiguous_with_its_score():
    match = line_match(
        line=_line(amount=12345, payer_name="Maria Garcia", booking_date=date(2024, 3, 16)),
        by_number={},
        by_name={"maria garcia": [GARCIA]},
    )

    assert (match.status, match.confidence) == (AMBIGUOUS, 50)
    assert "below 80" in match.reason


def test_two_installments_at_once_count_for_less_than_one_exactly():
    match = line_match(
        line=_line(amount=60830, payer_name="Maria Garcia"), by_number={}, by_name={"maria garcia": [GARCIA]}
    )

    assert match.confidence == 85
    assert "the amount is 2 installments" in match.reason


def test_a_customer_with_two_accounts_paying_one_installment_is_ambiguous():
    match = line_match(
        line=_line(payer_name="Maria Garcia"), by_number={}, by_name={"maria garcia": [GARCIA, GARCIA_TWO]}
    )

    assert match.status == AMBIGUOUS
    assert "2 accounts score 80 or more" in match.reason


def test_a_payment_in_another_currency_than_the_account_is_unmatched_naming_both():
    match = line_match(
        line=_line(currency="EUR", remittance="2000000030"), by_number={"2000000030": REID}, by_name={}
    )

    assert match.status == UNMATCHED
    assert "paid in EUR to an account kept in GBP" in match.reason


def test_names_are_compared_without_titles_accents_or_punctuation_and_either_way_round():
    assert name_keys("Mrs. GARCÍA, Maria") == ("garcia maria", "maria garcia")
    assert name_keys("") == ()


def test_a_due_day_of_the_31st_falls_on_the_last_day_of_february_in_a_leap_year():
    assert days_from_due_day(date(2024, 2, 29), 31) == 0
    assert days_from_due_day(date(2024, 3, 2), 31) == 2
    assert days_from_due_day(date(2023, 12, 30), 1) == 2


def test_a_name_shared_by_many_customers_keeps_the_ten_best_candidates_and_counts_them_all():
    namesakes = [Candidate(n, f"10000{n:05d}", "USD", "maria garcia", 30415, 1) for n in range(1, 31)]

    match = line_match(
        line=_line(payer_name="Maria Garcia"), by_number={}, by_name={"maria garcia": namesakes}
    )

    assert match.status == AMBIGUOUS
    assert len(match.candidates) == 10
    assert "30 accounts score 80 or more" in match.reason
