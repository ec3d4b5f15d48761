"""What the payments tests share: the moment they run at and cards tokenized at the sandbox."""

from datetime import UTC, date, datetime

from recoup.payments.providers import CardProvider

AT = datetime(2024, 3, 1, 16, 0, tzinfo=UTC)  # 10:00 in Houston: an email may go
AS_OF = date(2024, 3, 1)
TODAY = date(2024, 3, 1)  # the day the sandbox checks a card's expiry against

VISA = "4242424242424242"
DECLINING = {
    "4000000000000002": ("card_declined", "The card was declined by the issuer."),
    "4000000000009995": ("insufficient_funds", "The card has insufficient funds."),
    "4000000000000069": ("expired_card", "The card has expired."),
    "4000000000009979": ("stolen_card", "The card is reported stolen; do not try it again."),
    "4000000000000127": ("incorrect_cvc", "The card's security code is incorrect."),
}


def card_token(provider: CardProvider, number: str = VISA, **changes: str) -> str:
    fields = {"exp_month": "12", "exp_year": "2030", "cvc": "123", "holder_name": "Maria Garcia"} | changes
    return provider.tokenize(number=number, today=TODAY, **fields).token
