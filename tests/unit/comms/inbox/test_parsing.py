"""Reading customers' emails: bodies, charsets, threads and attachments."""

import hashlib
from datetime import UTC, datetime

from recoup.comms.inbox.parsing import message_id_key, message_parse
from tests.unit.comms.inbox import samples


def test_a_plain_email_gives_its_sender_subject_date_and_text():
    parsed = message_parse(samples.plain(sender="Maria Garcia <Maria.Garcia@Example.COM>"))

    assert parsed.message_id == "<plain-1@customer.example>"
    assert parsed.from_address == "maria.garcia@example.com"
    assert parsed.from_name == "Maria Garcia"
    assert parsed.to == "collections@lender.example"
    assert parsed.subject == "About my payment"
    assert parsed.sent_at == datetime(2024, 6, 14, 15, 15, tzinfo=UTC)
    assert parsed.text == "I will pay on Friday."
    assert parsed.attachments == ()
    assert not parsed.automatic


def test_a_multipart_email_reads_the_plain_part_and_keeps_html_and_attachments():
    parsed = message_parse(samples.with_attachments())

    assert parsed.text == "Please find my statement attached."
    assert "<b>statement</b>" in parsed.html
    assert [(a.filename, a.content_type, a.size) for a in parsed.attachments] == [
        ("statement-may.pdf", "application/pdf", len(samples.PDF)),
        ("reçu café.jpg", "image/jpeg", len(samples.JPEG)),
    ]
    assert parsed.attachments[0].content == samples.PDF
    assert parsed.attachments[0].sha256 == hashlib.sha256(samples.PDF).hexdigest()


def test_an_html_only_email_is_read_as_text_without_its_script_or_style():
    parsed = message_parse(samples.html_only())

    assert parsed.text == (
        "I lost my job & cannot pay.\n\n• Rent\n\n• Car\n\nSee your account <https://evil.example/pay>"
    )
    assert "<script>" in parsed.html
    assert parsed.attachments == ()


def test_an_iso_8859_1_email_and_its_encoded_subject_are_decoded():
    parsed = message_parse(samples.latin1())

    assert parsed.subject == "Paiement reçu £200"
    assert parsed.text == "J'ai payé £200 hier. Grüße."
    assert parsed.from_address == "callum.reid@example.co.uk"


def test_shift_jis_text_and_an_iso_2022_jp_subject_are_decoded():
    parsed = message_parse(samples.shift_jis())

    assert parsed.subject == "支払い"
    assert parsed.text == "お支払いは金曜日です。"


def test_an_unknown_charset_is_read_as_utf_8_or_else_as_windows_1252():
    utf8 = message_parse(samples.unknown_charset(body="café".encode()))
    windows = message_parse(samples.unknown_charset(body="café – £5".encode("windows-1252")))

    assert utf8.text == "café"
    assert windows.text == "café – £5"


def test_a_reply_names_the_messages_it_answers_nearest_first():
    parsed = message_parse(
        samples.plain(
            message_id="<reply-2@customer.example>",
            in_reply_to="<answer-1@lender.example>",
            references="<first@customer.example> <answer-1@lender.example>",
        )
    )

    assert parsed.in_reply_to == "<answer-1@lender.example>"
    assert parsed.references == ("<first@customer.example>", "<answer-1@lender.example>")
    assert parsed.thread_ids == ("<answer-1@lender.example>", "<first@customer.example>")


def test_an_email_without_a_message_id_is_keyed_by_its_bytes_so_it_stays_one():
    raw = samples.plain(message_id="")

    first, again = message_parse(raw), message_parse(raw)

    assert first.message_id == again.message_id
    assert first.message_id.endswith("@message-id.missing>")
    assert message_id_key(first.message_id) == message_id_key(again.message_id)
    assert len(message_id_key("<" + "x" * 990 + "@a>")) == 64


def test_an_auto_reply_is_known_for_one():
    parsed = message_parse(samples.plain(headers={"Auto-Submitted": "auto-replied"}))
    bulk = message_parse(samples.plain(headers={"Precedence": "bulk"}))
    person = message_parse(samples.plain(headers={"Auto-Submitted": "no"}))

    assert parsed.automatic
    assert bulk.automatic
    assert not person.automatic


def test_an_attachment_name_is_never_a_path():
    raw = samples.with_attachments().replace(b'filename="statement-may.pdf"', b'filename="../../etc/passwd"')

    parsed = message_parse(raw)

    assert parsed.attachments[0].filename == "passwd"


def test_a_bad_date_header_is_left_out():
    parsed = message_parse(samples.plain().replace(b"Fri, 14 Jun 2024 10:15:00 -0500", b"sometime soon"))

    assert parsed.sent_at is None
