"""Letters to PDF: the lender's letterhead, the customer's paper size, numbered pages; the PDF read back."""

import re
import zlib

from weasyprint.formatting_structure import boxes

from recoup.comms.letters import LetterInput, letter_document, letter_pdf

POINTS_PER_MM = 72 / 25.4


def letter(country: str, paragraphs: int = 1) -> LetterInput:
    return LetterInput(
        country=country,
        language="en",
        account_number="100000123",
        customer_name="Callum Reid",
        postal_address=("4 High Street", "Glasgow", "G1 1XQ"),
        today="1 March 2024",
        subject="Your payments are overdue",
        body_html="<p>Dear Callum, you owe &pound;250.00.</p>" * paragraphs,
    )


def page_texts(document) -> list[str]:
    def texts(box):
        if isinstance(box, boxes.TextBox):
            yield box.text
        for child in getattr(box, "children", ()):
            yield from texts(child)

    return [" ".join(texts(page._page_box)) for page in document.pages]


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF's objects in the clear: its compressed streams (object streams included) inflated."""
    inflated = [pdf]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            inflated.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            continue
    return b"\n".join(inflated)


def test_a_uk_letter_is_on_a4_with_the_lenders_letterhead_and_registration():
    document = letter_document(letter("GB"))

    text = page_texts(document)[0]
    assert len(document.pages) == 1
    assert round(document.pages[0].width / 96 * 72 / POINTS_PER_MM) == 210
    assert round(document.pages[0].height / 96 * 72 / POINTS_PER_MM) == 297
    assert "Recoup Motor Finance Ltd" in text
    assert "Financial Conduct Authority" in text
    assert "Callum Reid" in text
    assert "G1 1XQ" in text
    assert "Dear Callum, you owe £250.00." in text
    assert "Page 1 of 1" in text


def test_a_us_letter_is_on_us_letter_paper_with_the_us_letterhead():
    document = letter_document(letter("US"))

    text = page_texts(document)[0]
    assert (document.pages[0].width, document.pages[0].height) == (8.5 * 96, 11 * 96)
    assert "Recoup Auto Finance, Inc." in text
    assert "This communication is from a debt collector." in text


def test_a_long_letter_numbers_every_page_of_the_whole():
    document = letter_document(letter("GB", paragraphs=120))

    texts = page_texts(document)
    assert len(texts) >= 2
    assert f"Page 1 of {len(texts)}" in texts[0]
    assert f"Page {len(texts)} of {len(texts)}" in texts[-1]


def test_the_pdf_read_back_has_the_pages_paper_and_the_lender_as_author():
    pdf = letter_pdf(letter("GB", paragraphs=120))

    objects = pdf_objects(pdf)
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    pages = int(re.search(rb"/Type /Pages\b.*?/Count (\d+)", objects, re.S).group(1))
    assert pages >= 2
    assert b"/MediaBox [0 0 595.275591 841.889764]" in objects  # A4 in points
    assert b"(Recoup Motor Finance Ltd)" in objects  # the document's author
