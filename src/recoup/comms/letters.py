"""Letters to PDF: the rendered wording on the lender's letterhead, on the customer's paper size
(US Letter in the US, A4 in the UK), numbered "Page n of m" at the foot of every page.

One WeasyPrint document per letter; the stylesheet is parsed once and shared by every letter of a
run, which is most of what a batch can save (layout itself is per letter).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import weasyprint
from django.template.loader import render_to_string

from recoup.comms.formats import PAGE_SIZES
from recoup.comms.lender import lender_for


@dataclass(frozen=True)
class LetterInput:
    country: str
    language: str
    account_number: str
    customer_name: str
    postal_address: tuple[str, ...]
    today: str
    subject: str
    body_html: str  # the template's body, rendered with autoescape


def letter_html(letter: LetterInput) -> str:
    lender = lender_for(letter.country)
    return render_to_string(
        "comms/letter.html",
        {
            "language": letter.language,
            "title": f"{lender.name}: {letter.subject or 'letter'} ({letter.account_number})",
            "page_size": PAGE_SIZES.get(letter.country, "letter"),
            "lender": lender,
            "account_number": letter.account_number,
            "customer_name": letter.customer_name,
            "postal_address": letter.postal_address,
            "today": letter.today,
            "subject": letter.subject,
            "body": letter.body_html,
        },
    )


def letter_document(letter: LetterInput) -> weasyprint.document.Document:
    """The laid-out letter, pages and boxes, before it is written as PDF."""
    return weasyprint.HTML(string=letter_html(letter)).render(font_config=_fonts())


def letter_pdf(letter: LetterInput) -> bytes:
    return bytes(letter_document(letter).write_pdf())


@cache
def _fonts() -> weasyprint.text.fonts.FontConfiguration:
    return weasyprint.text.fonts.FontConfiguration()
