"""The account page's letters panel, the API, the SMS webhook, the unsubscribe page and the commands."""

import json
from datetime import UTC, datetime

import pytest
from django.test import Client

from recoup.access.models import Role
from recoup.access.operations import api_token_issue, user_create
from recoup.cli.main import main
from recoup.collections.strategy_batch import strategies_apply
from recoup.comms.models import SentItem
from recoup.comms.operations import communication_send
from recoup.comms.sending import unsubscribe_token
from recoup.compliance.models import ChannelOptOut
from recoup.portfolio.models import Contract
from tests.integration.collections.work_builders import AS_OF, AT, account_in_arrears, strategy_make
from tests.integration.factories import book

pytestmark = pytest.mark.django_db

SENT_AT = datetime(2024, 3, 1, 16, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RECOUP_COMMS_OUTBOX = str(tmp_path / "outbox")
    settings.RECOUP_BASE_URL = "https://recoup.example"
    return tmp_path / "outbox"


def signed_in(role: str) -> Client:
    user = user_create(username=f"user-{role}", password="not-used-here", role=role)
    client = Client()
    client.force_login(user)
    return client


def bearer(role: str = Role.AGENT) -> Client:
    user = user_create(username=f"api-{role}", password="not-used-here", role=role)
    token, _ = api_token_issue(user=user, name="test", at=SENT_AT)
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_the_panel_lists_what_was_sent_with_the_letter_to_download():
    contract = book()
    letter = communication_send(
        contract_id=contract.contract_id,
        channel="letter",
        template_code="arrears.reminder",
        at=SENT_AT,
        sent_by=None,
    )
    client = signed_in(Role.AUDITOR)

    panel = client.get(f"/accounts/{contract.account_number}/communications/", headers={"HX-Request": "true"})
    pdf = client.get(f"/communications/{letter.id}/pdf/")

    assert panel.status_code == 200
    assert f'data-sent-item="{letter.id}"' in panel.text
    assert "Automated" in panel.text
    assert 'id="send-form"' not in panel.text  # auditors read, they do not send
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_an_agent_previews_and_sends_a_letter_from_the_panel():
    contract = book()
    client = signed_in(Role.AGENT)
    url = f"/accounts/{contract.account_number}/communications/"

    preview = client.get(url + "preview/", {"template": "arrears.reminder:letter"})
    sent = client.post(url + "send/", {"template": "arrears.reminder:letter"}, headers={"HX-Request": "true"})

    assert "Dear Maria Garcia," in preview.text
    assert sent.status_code == 200
    item = SentItem.objects.get(contract_id=contract.contract_id)
    assert item.sent_by.username == "user-agent"
    assert f'data-sent-item="{item.pk}"' in sent.text


def test_the_customers_unsubscribe_page_confirms_before_recording():
    contract = book()
    party_id = Contract.objects.get(pk=contract.contract_id).customer_id
    url = f"/comms/unsubscribe/{unsubscribe_token(party_id=party_id, address='maria.garcia@example.com')}/"

    asked = Client().get(url)
    assert not ChannelOptOut.objects.exists()
    done = Client().post(url)

    assert asked.status_code == 200
    assert 'id="unsubscribe-button"' in asked.text
    assert "maria.garcia@example.com" in done.text
    assert ChannelOptOut.objects.get().channel == "email"


def test_the_api_sends_and_lists_and_refuses_with_the_gates_reasons():
    contract = book()
    client = bearer()
    url = f"/api/v1/accounts/{contract.account_number}/communications"

    created = client.post(
        url, {"channel": "letter", "template_code": "arrears.reminder"}, content_type="application/json"
    )
    listed = client.get(url)
    missing = client.post(
        url, {"channel": "letter", "template_code": "nope"}, content_type="application/json"
    )

    assert created.status_code == 201
    assert created.json()["pdf_available"] is True
    assert [item["id"] for item in listed.json()] == [created.json()["id"]]
    assert missing.status_code == 422
    assert missing.json()["field"] == "template_code"


def test_the_sms_webhook_records_a_stop_with_a_token_and_refuses_without_one():
    book()

    unauthenticated = Client().post(
        "/api/v1/sms/inbound", {"from_phone": "+17135550142", "body": "STOP"}, content_type="application/json"
    )
    stopped = bearer().post(
        "/api/v1/sms/inbound",
        {"from_phone": "+17135550142", "body": "STOP", "at": "2024-03-01T16:00:00Z"},
        content_type="application/json",
    )

    assert unauthenticated.status_code == 401
    assert stopped.json() == {"opted_out": 1, "opted_in": 0}
    assert ChannelOptOut.objects.get().channel == "sms"


def test_the_letters_command_runs_and_reports_letters_a_second(capsys, settings):
    settings.RECOUP_LETTER_RUN = {"letter": "arrears.reminder"}
    strategy_make("early", "letters", rules={"buckets": ["30-59"]}, treatment="letter")
    account_in_arrears(time_zones="America/Chicago")
    strategies_apply(as_of=AS_OF, at=AT)

    code = main(["letters", "run", "--as-of", AS_OF.isoformat(), "--json"])

    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert result["letter"] == 1
    assert result["letters_per_second"] > 0


def test_the_templates_command_publishes_a_version_and_names_an_unknown_field(capsys, tmp_path):
    document = tmp_path / "t.json"
    document.write_text(
        json.dumps({"code": "arrears.reminder", "channel": "sms", "body": "Pay {{ arrears }} now"})
    )
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"code": "x.y", "channel": "sms", "body": "Pay {{ owed }}"}))

    published = main(["templates", "publish", str(document), "--json"])
    out = json.loads(capsys.readouterr().out)
    refused = main(["templates", "publish", str(bad), "--json"])
    error = json.loads(capsys.readouterr().out)

    assert (published, out["version"]) == (0, 2)
    assert refused == 2
    assert error == {"error": "body: unknown merge field 'owed'", "field": "body"}
