"""Merge fields: the sandboxed wording, unknown fields named, values escaped in HTML."""

import pytest

from recoup.comms.errors import InvalidTemplate, MissingMergeField
from recoup.comms.merge import ACCOUNT_FIELDS, wording_parse, wording_render

VALUES = {name: f"<{name}>" for name in ACCOUNT_FIELDS}


def test_a_letter_fills_its_fields_and_escapes_them_in_html():
    wording = wording_parse(
        subject="Account {{ account_number }}",
        body="<p>Dear {{ customer_name }}, you owe {{ arrears }}.</p>",
        html=True,
        known=ACCOUNT_FIELDS,
    )

    subject, body = wording_render(wording, {**VALUES, "customer_name": "Tom & Jerry <Ltd>"})

    assert subject == "Account <account_number>"
    assert body == "<p>Dear Tom &amp; Jerry &lt;Ltd&gt;, you owe &lt;arrears&gt;.</p>"
    assert wording.fields == {"account_number", "customer_name", "arrears"}


def test_an_sms_is_plain_text_and_not_escaped():
    wording = wording_parse(
        subject="", body="{{ lender_name }}: {{ arrears }}", html=False, known=ACCOUNT_FIELDS
    )

    _, body = wording_render(wording, {**VALUES, "lender_name": "A & B"})

    assert body == "A & B: <arrears>"


def test_an_unknown_field_is_refused_by_name():
    with pytest.raises(InvalidTemplate, match="unknown merge field 'amount_due'") as refused:
        wording_parse(subject="", body="Pay {{ amount_due }} now", html=True, known=ACCOUNT_FIELDS)

    assert refused.value.field == "body"


def test_an_unknown_field_in_a_condition_or_filter_argument_is_refused():
    with pytest.raises(InvalidTemplate, match="'cure_date'"):
        wording_parse(subject="", body="{% if cure_date %}x{% endif %}", html=True, known=ACCOUNT_FIELDS)
    with pytest.raises(InvalidTemplate, match="'fallback'"):
        wording_parse(subject="", body="{{ arrears|default:fallback }}", html=True, known=ACCOUNT_FIELDS)


def test_a_field_the_sender_declares_is_known():
    wording = wording_parse(
        subject="",
        body="{{ promise_amount }} on {{ promise_date }}",
        html=True,
        known=ACCOUNT_FIELDS | {"promise_amount", "promise_date"},
    )

    assert wording.fields == {"promise_amount", "promise_date"}


@pytest.mark.parametrize(
    "body",
    [
        "{% load static %}",
        "{% include 'web/base.html' %}",
        "{% extends 'web/base.html' %}",
        "{% url 'web:search' %}",
        "{% for x in arrears %}{% endfor %}",
        "{% debug %}",
        "{{ arrears|safe }}",
        "{{ customer_name.upper }}",
        "{{ customer_name.__class__ }}",
    ],
)
def test_tags_filters_and_lookups_outside_the_allow_list_are_refused(body):
    with pytest.raises(InvalidTemplate) as refused:
        wording_parse(subject="", body=body, html=True, known=ACCOUNT_FIELDS)

    assert refused.value.field == "body"


def test_conditions_and_allowed_filters_render():
    wording = wording_parse(
        subject="",
        body="{% if arrears %}Owed {{ arrears|upper }}{% else %}Nothing{% endif %}\n"
        "{{ customer_address|linebreaksbr }}",
        html=True,
        known=ACCOUNT_FIELDS,
    )

    _, body = wording_render(wording, {**VALUES, "arrears": "£5", "customer_address": "1 A St\nLeeds"})

    assert body == "Owed £5\n1 A St<br>Leeds"


def test_rendering_without_a_declared_field_is_refused_naming_it():
    wording = wording_parse(subject="", body="{{ promise_date }}", html=True, known={"promise_date"})

    with pytest.raises(MissingMergeField, match="'promise_date'"):
        wording_render(wording, {})


def test_an_empty_body_is_refused():
    with pytest.raises(InvalidTemplate, match="body"):
        wording_parse(subject="x", body="  \n", html=True, known=ACCOUNT_FIELDS)
