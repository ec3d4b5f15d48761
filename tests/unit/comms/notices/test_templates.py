"""The seeded notice letters parse as comms templates and print every element the law requires."""

import importlib
import re

import pytest

from recoup.comms.merge import ACCOUNT_FIELDS, wording_parse
from recoup.comms.notices import content
from recoup.comms.notices.operations import template_code_for

seeded = importlib.import_module("recoup.comms.notices.migrations.0002_notice_templates")
TEMPLATES = {code: (body, fields) for code, _name, _subject, body, fields in seeded.TEMPLATES}

CASES = [
    (content.RIGHT_TO_CURE, "US-KS", {}),
    (content.RIGHT_TO_CURE, "US-MA", {}),
    (content.INTENT_TO_REPOSSESS, "US-TX", {}),
    (content.DISPOSITION, "US-TX", {"disposition_method": "public"}),
    (content.DISPOSITION, "US-TX", {"disposition_method": "private"}),
    (content.DISPOSITION, "US-CA", {"disposition_method": "public"}),
    (content.DISPOSITION, "US-CA", {"disposition_method": "private"}),
    (content.DEFICIENCY_EXPLANATION, "US-TX", {}),
    (content.ARREARS_S86B, "GB-ENG", {}),
    (content.DEFAULT_S87, "GB-SCT", {}),
]


@pytest.mark.parametrize(("kind", "jurisdiction", "merge"), CASES)
def test_each_notice_letter_prints_every_required_element(kind, jurisdiction, merge):
    body, _fields = TEMPLATES[template_code_for(kind, jurisdiction)]
    used = set(re.findall(r"{{\s*([a-z_]+)", body)) | set(re.findall(r"{%\s*if\s+([a-z_]+)", body))

    missing = [e for e in content.required_elements(kind, jurisdiction, merge) if e not in used]

    assert missing == []


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_each_notice_letter_parses_with_its_declared_fields(code):
    body, fields = TEMPLATES[code]

    wording_parse(subject="", body=body, html=True, known=ACCOUNT_FIELDS | set(fields))
