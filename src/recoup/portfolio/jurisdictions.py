"""Jurisdiction codes: ISO 3166-2 for US states ("US-TX") and the UK nations ("GB-SCT")."""

US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY "
    "NC ND OH OK OR PA PR RI SC SD TN TX UT VT VA WA WV WI WY".split()
)
UK_NATIONS = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"}


def jurisdiction_valid(code: str, *, country: str) -> bool:
    prefix, _, rest = code.partition("-")
    if country == "US":
        return prefix == "US" and rest in US_STATES
    if country == "GB":
        return prefix == "GB" and rest in UK_NATIONS
    return False


def jurisdiction_label(code: str) -> str:
    prefix, _, rest = code.partition("-")
    return UK_NATIONS.get(rest, rest) if prefix == "GB" else rest
