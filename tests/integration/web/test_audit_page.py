"""Auditors search the audit trail; agents may not."""

from datetime import UTC, datetime

from django.test import Client

from recoup.access.models import AuditEvent
from recoup.access.operations import audit_record, user_create

AT = datetime(2026, 3, 2, 10, tzinfo=UTC)


def _as(role: str) -> Client:
    client = Client()
    client.force_login(user_create(username=f"u-{role}", password="a-long-enough-password", role=role))
    return client


def test_an_auditor_finds_reveals_by_action_prefix(db: None) -> None:
    auditor = _as("auditor")
    maker = user_create(username="amy", password="a-long-enough-password", role="agent")
    audit_record(
        actor=maker,
        action="personal_data.reveal",
        object_type="party",
        object_id=7,
        at=AT,
        after={"field": "phones"},
    )
    audit_record(actor=maker, action="credit.request", object_type="credit", object_id=1, at=AT, after={})

    page = auditor.get("/audit/", {"action": "personal_data."}).content.decode()

    assert "personal_data.reveal" in page
    assert "credit.request" not in page
    assert "amy" in page


def test_an_agent_may_not_search_the_audit_trail(db: None) -> None:
    assert _as("agent").get("/audit/").status_code == 403


def test_a_range_that_ends_before_it_starts_is_refused_by_name(db: None) -> None:
    response = _as("auditor").get("/audit/", {"from_date": "2026-03-05", "to_date": "2026-03-01"})

    assert response.status_code == 400
    assert "is before from_date" in response.content.decode()


def test_results_come_a_page_at_a_time(db: None) -> None:
    maker = user_create(username="amy", password="a-long-enough-password", role="agent")
    for n in range(55):
        audit_record(actor=maker, action="contact.record", object_type="contact", object_id=n, at=AT)
    auditor = _as("auditor")

    first = auditor.get("/audit/", {"actor": "amy"}).content.decode()
    second = auditor.get("/audit/", {"actor": "amy", "page": "2"}).content.decode()

    assert first.count("contact.record") == 50
    assert second.count("contact.record") == 5
    assert AuditEvent.objects.count() >= 55
