from datetime import date

from recoup.parties.flag_details import detail_normalised, flag_active_on, until_default


def test_a_standard_breathing_space_lasts_sixty_days_counting_its_first():
    assert until_default("breathing_space", "standard", date(2026, 1, 1)) == date(2026, 3, 1)


def test_a_mental_health_crisis_breathing_space_has_no_end_date_of_its_own():
    assert until_default("breathing_space", "mental_health_crisis", date(2026, 1, 1)) is None


def test_a_breathing_space_must_say_which_kind_it_is():
    _detail, problem = detail_normalised("breathing_space", "the long one")

    assert problem is not None
    assert problem.startswith("detail:")
    assert "standard, mental_health_crisis" in problem


def test_vulnerability_drivers_are_stored_in_their_own_order_whatever_order_given():
    assert detail_normalised("vulnerability", " capability , health") == ("health,capability", None)


def test_an_unknown_vulnerability_driver_is_named():
    _, problem = detail_normalised("vulnerability", "health,grief")

    assert problem is not None
    assert "'grief' is not one" in problem


def test_other_kinds_keep_free_text_with_spaces_tidied():
    assert detail_normalised("bankruptcy", "  Chapter   7 ") == ("Chapter 7", None)


def test_a_flag_applies_from_its_set_date_to_its_until_date_and_not_on_its_cleared_date():
    def on(day: int) -> bool:
        return flag_active_on(
            set_date=date(2026, 3, 10),
            cleared_date=date(2026, 3, 20),
            until_date=date(2026, 3, 15),
            on_date=date(2026, 3, day),
        )

    assert [on(d) for d in (9, 10, 15, 16)] == [False, True, True, False]
    assert not flag_active_on(
        set_date=date(2026, 3, 10), cleared_date=date(2026, 3, 12), until_date=None, on_date=date(2026, 3, 12)
    )
