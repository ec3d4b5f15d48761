from recoup.parties.names import display_name, name_fold, search_name


def test_folded_names_ignore_case_accents_and_spacing():
    assert name_fold("  José   Ñúñez ") == "jose nunez"


def test_an_individual_is_shown_by_given_and_family_name():
    assert display_name(kind="individual", given_name="Ada", family_name="Lovelace", business_name="") == (
        "Ada Lovelace"
    )


def test_a_business_is_searched_by_its_business_name():
    assert search_name(kind="business", given_name="", family_name="", business_name="Acme Hauliers LTD") == (
        "acme hauliers ltd"
    )
