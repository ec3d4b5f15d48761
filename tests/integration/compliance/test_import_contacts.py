"""recoup import-contacts: a dialer's call log loaded as contacts and attempts, all of it or none."""

import json
from datetime import UTC, datetime

import pytest

from recoup.access.models import AuditEvent
from recoup.cli.main import main
from recoup.collections.contact_import import ContactImportRefused, contacts_import
from recoup.collections.models import Contact
from recoup.compliance.models import ContactAttempt
from recoup.compliance.queries import contact_permission
from tests.integration.collections.work_builders import user_make
from tests.integration.factories import book

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 16, 15, 0, tzinfo=UTC)
HEADER = "account_number,phone,at,direction,outcome,conversation,callback_requested_at"


@pytest.fixture
def account_number() -> str:
    return book().account_number


def test_a_call_log_becomes_contacts_and_attempts_the_gate_counts(account_number):
    log = [
        HEADER,
        f"{account_number},(713) 555-0142,2026-03-12T10:00:00-05:00,outbound,no_answer,false,",
        f"{account_number},+17135550142,2026-03-13T11:30:00-05:00,inbound,right_party,true,",
        f"{account_number},+17135550142,2026-03-14T09:15:00-05:00,outbound,right_party,true,2026-03-13T11:35:00-05:00",
    ]
    agent = user_make()

    counts = contacts_import(lines=log, by=agent, at=AT, name="dialer-2026-03-14.csv")

    assert counts == {"rows": 3, "contacts": 3, "attempts": 3}
    contacts = list(Contact.objects.order_by("at").values_list("direction", "outcome", "agent_id", "notes"))
    assert contacts[0] == ("outbound", "no_answer", agent.pk, "Dialer: +17135550142")
    attempts = list(
        ContactAttempt.objects.order_by("at").values_list(
            "direction", "conversation", "at_customer_request", "source"
        )
    )
    assert attempts == [
        ("outbound", False, False, "dialer"),
        ("inbound", True, False, "dialer"),
        ("outbound", True, True, "dialer"),
    ]
    assert AuditEvent.objects.get(action="contact.import").after == {
        "file": "dialer-2026-03-14.csv",
        **counts,
    }
    contract_id = Contact.objects.values_list("contract_id", flat=True).first()
    refused = contact_permission(contract_id=contract_id, channel="call", at=AT)
    assert refused.reasons[0].endswith(
        "a telephone conversation on 2026-03-13 (day 1 of 7); no call before 2026-03-20"
    )


def test_a_file_with_several_bad_lines_is_refused_line_by_line_and_nothing_is_loaded(account_number):
    log = [
        HEADER,
        f"{account_number},+17135550142,2026-03-12T10:00:00-05:00,outbound,no_answer,false,",
        f"{account_number},+17135550142,2026-03-12T10:00:00,outbound,no_answer,false,",
        "NOPE,+17135550142,2026-03-12T10:00:00-05:00,sideways,no_answer,maybe,",
        f"{account_number},12,2026-03-12T10:00:00-05:00,outbound,shouted,false,",
        f"{account_number},+17135550142,2026-03-12T10:00:00-05:00,outbound,callback,true,2026-03-12T11:00:00-05:00",
    ]

    with pytest.raises(ContactImportRefused) as refused:
        contacts_import(lines=log, by=user_make(), at=AT)

    assert [(p.line, p.field) for p in refused.value.problems] == [
        (3, "at"),
        (4, "account_number"),
        (4, "direction"),
        (4, "conversation"),
        (5, "phone"),
        (5, "outcome"),
        (6, "callback_requested_at"),
    ]
    assert (
        str(refused.value.problems[0])
        == "line 3: at: '2026-03-12T10:00:00' needs its UTC offset (-05:00, +00:00 or Z)"
    )
    assert refused.value.field == "file"
    assert not Contact.objects.exists()
    assert not ContactAttempt.objects.exists()


def test_a_header_without_a_required_column_is_refused_naming_it():
    with pytest.raises(ContactImportRefused) as refused:
        contacts_import(
            lines=["account_number,phone,at,direction,outcome", "x,y,z,outbound,no_answer"],
            by=user_make(),
            at=AT,
        )

    assert [(p.line, p.field) for p in refused.value.problems] == [(1, "conversation")]


def test_a_large_log_is_written_in_bulk(account_number, django_assert_max_num_queries):
    moments = [f"2026-03-{1 + n % 28:02d}T{8 + n % 12:02d}:{n % 60:02d}:00-05:00" for n in range(5000)]
    rows = [f"{account_number},+17135550142,{at},outbound,no_answer,false," for at in moments]
    agent = user_make()

    # Bulk inserts in batches: SQLite takes at most 999 parameters a statement, so about a hundred.
    with django_assert_max_num_queries(120):
        counts = contacts_import(lines=[HEADER, *rows], by=agent, at=AT)

    assert counts["contacts"] == 5000
    assert ContactAttempt.objects.filter(source="dialer").count() == 5000


def test_the_command_loads_a_file_and_prints_the_counts(tmp_path, capsys, account_number):
    user_make()
    path = tmp_path / "log.csv"
    path.write_text(
        f"{HEADER}\n{account_number},+17135550142,2026-03-12T10:00:00-05:00,outbound,no_answer,false,\n"
    )
    agent = user_make()

    code = main(["import-contacts", str(path), "--by", agent.username, "--json"])

    assert code == 0
    assert json.loads(capsys.readouterr().out) == {"rows": 1, "contacts": 1, "attempts": 1}


def test_the_command_prints_every_bad_line_and_loads_nothing(tmp_path, capsys, account_number):
    path = tmp_path / "log.csv"
    path.write_text(
        f"{HEADER}\n"
        f"{account_number},+17135550142,2026-03-12T10:00:00-05:00,outbound,no_answer,false,\n"
        f"{account_number},+17135550142,not a date,outbound,no_answer,false,\n"
        f"{account_number},+17135550142,2026-03-12T10:00:00-05:00,outbound,no_answer,perhaps,\n"
    )

    code = main(["import-contacts", str(path), "--by", user_make().username])

    assert code == 2
    assert capsys.readouterr().err.splitlines() == [
        "recoup import-contacts: 2 bad rows, nothing loaded",
        "  line 3: at: 'not a date' is not an ISO 8601 date and time (2026-03-16T10:00:00-05:00)",
        "  line 4: conversation: 'perhaps' is not true or false",
    ]
    assert not Contact.objects.exists()
