"""How parties are named on screen and found by name. Pure: no Django."""

import unicodedata


def name_fold(text: str) -> str:
    """Lower-case, accents dropped, spaces collapsed: "  José  O'Brien" → "jose o'brien".

    Stored names and typed searches are folded alike, so either spelling finds the other.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def display_name(*, kind: str, given_name: str, family_name: str, business_name: str) -> str:
    if kind == "business":
        return business_name
    return " ".join(part for part in (given_name, family_name) if part)


def search_name(*, kind: str, given_name: str, family_name: str, business_name: str) -> str:
    return name_fold(
        display_name(kind=kind, given_name=given_name, family_name=family_name, business_name=business_name)
    )
