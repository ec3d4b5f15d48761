"""The daily cash reconciliation as a script reads it, and the queue's pages as an agent posts them."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from recoup.access.operations import user_create
from recoup.cli.main import main
from recoup.ledger.models import Receipt
from recoup.payments.statements.models import LineStatus, StatementLine
from recoup.payments.statements.operations import statement_file_import
from recoup.portfolio.models import Contract
from recoup.portfolio.operations import installments_fall_due
from tests.integration.factories import book
from tests.integration.payments.statements_builders import AT, credit, debit, file_bytes, statement_file

pytestmark = pytest.mark.django_db

DAY = date(2024, 3, 5)


@pytest.fixture
def loan() -> Contract:
    contract = Contract.objects.get(pk=book().contract_id)
    installments_fall_due(contract=contract, as_of=DAY, at=AT)
    parsed = statement_file(
        credit(30415, remittance=contract.account_number, bank_reference="B1"),
        credit(10000, payer_name="Unknown Payer", bank_reference="B2"),
        debit(700, type_code="FEE", bank_reference="B3"),
    )
    statement_file_import(parsed=parsed, data=file_bytes(parsed), file_name="day.xml", at=AT)
    return contract


def test_the_reconciliation_report_lists_each_statement_with_its_differences_as_json(loan, capsys):
    assert main(["report", "cash-reconciliation", "--date", "2024-03-05", "--json"]) == 0

    report = json.loads(capsys.readouterr().out)
    assert report["date"] == "2024-03-05"
    assert report["differences"] == 1
    (statement,) = report["statements"]
    assert statement["credits"] == "404.15"
    assert statement["debits"] == "7.00"
    assert statement["posted"] == "304.15"
    assert statement["unapplied"] == "100.00"
    assert statement["reconciled"] is False
    assert statement["differences"][0]["kind"] == "unapplied"
    assert statement["differences"][0]["amount"] == "100.00"


def test_the_reconciliation_report_names_the_option_of_a_bad_date(capsys):
    assert main(["report", "cash-reconciliation", "--date", "5 March", "--json"]) == 2

    assert "--date" in json.loads(capsys.readouterr().out)["error"]


def test_a_day_without_statements_has_nothing_to_reconcile(capsys):
    main(["report", "cash-reconciliation", "--date", "2024-03-06", "--json"])

    assert json.loads(capsys.readouterr().out) == {"date": "2024-03-06", "differences": 0, "statements": []}


@pytest.fixture
def agent_client() -> Client:
    client = Client()
    client.force_login(user_create(username="ada", password="a-long-enough-password", role="agent"))
    return client


def test_an_agent_splits_a_line_on_its_page_and_a_wrong_amount_is_shown_beside_the_form(loan, agent_client):
    second = Contract.objects.get(pk=book(vehicle=_vehicle("1HGCM82600A000002")).contract_id)
    line = StatementLine.objects.get(bank_reference="B2")
    url = f"/cash/unapplied/{line.pk}/split/"

    refused = agent_client.post(
        url,
        {
            "account_1": loan.account_number,
            "amount_1": "60.00",
            "account_2": second.account_number,
            "amount_2": "60.00",
        },
    )
    done = agent_client.post(
        url,
        {
            "account_1": loan.account_number,
            "amount_1": "60.00",
            "account_2": second.account_number,
            "amount_2": "40.00",
        },
    )

    assert refused.status_code == 400
    assert "They add up to 120.00, the line is 100.00" in refused.content.decode()
    assert done.status_code == 302
    assert StatementLine.objects.get(pk=line.pk).status == LineStatus.APPLIED_BY_AGENT
    assert Receipt.objects.filter(reference="B2").count() == 2


def test_the_queue_and_the_reconciliation_pages_show_the_waiting_line(loan, agent_client):
    queue = agent_client.get("/cash/unapplied/")
    reconciliation = agent_client.get("/cash/reconciliation/?date=2024-03-05")

    assert "Unknown Payer" in queue.content.decode()
    assert "1 difference" in reconciliation.content.decode()
    assert agent_client.get("/cash/reconciliation/?date=tuesday").status_code == 400


def test_a_remarketing_specialist_does_not_work_unapplied_cash(loan):
    client = Client()
    client.force_login(user_create(username="rex", password="a-long-enough-password", role="remarketing"))

    assert client.get("/cash/unapplied/").status_code == 403


def _vehicle(draft: str):  # type: ignore[no-untyped-def]
    import dataclasses

    from recoup.portfolio.vin import vin_check_digit
    from tests.integration.factories import us_loan

    vin = draft[:8] + vin_check_digit(draft) + draft[9:]
    return dataclasses.replace(us_loan().vehicle, vin=vin)
