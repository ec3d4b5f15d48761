"""Recording contacts and promises to pay, and reading them back."""

from datetime import UTC, date, datetime, timedelta

import pytest

from recoup.access.models import AuditEvent, User
from recoup.access.operations import user_create
from recoup.collections.contact_queries import contact_history
from recoup.collections.contacts import contact_record
from recoup.collections.errors import ContactNotAllowed, InvalidContact, InvalidPromise
from recoup.collections.models import Contact, Promise, PromisePayment
from recoup.portfolio.errors import AccountNotFound
from tests.integration.factories import book, uk_pcp

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 6, 14)
AT = datetime(2024, 6, 14, 15, 30, tzinfo=UTC)


@pytest.fixture
def agent() -> User:
    return user_create(
        username="sam", password="not-used-here", role="agent", first_name="Sam", last_name="Okafor"
    )


@pytest.fixture
def account_number() -> str:
    return book().account_number


def record(agent, account_number, **changes):
    arguments = {
        "account_number": account_number,
        "channel": "call",
        "direction": "outbound",
        "outcome": "promise",
        "agent": agent,
        "at": AT,
        "next_action_date": date(2024, 6, 21),
        "notes": "Paid late because of a new job; promised two payments.",
        "promise": [(date(2024, 6, 28), "150.00"), (date(2024, 6, 21), 10000)],
        "as_of": AS_OF,
    }
    arguments.update(changes)
    return contact_record(**arguments)


def nothing_written() -> bool:
    return not (Contact.objects.exists() or Promise.objects.exists() or PromisePayment.objects.exists())


def test_a_call_with_a_promise_of_two_dated_amounts_is_recorded_in_date_order(agent, account_number):
    recorded = record(agent, account_number)

    promise = recorded.promise
    assert promise is not None
    assert [(p.due_date, str(p.amount), p.status) for p in promise.payments] == [
        (date(2024, 6, 21), "100.00", "open"),
        (date(2024, 6, 28), "150.00", "open"),
    ]
    assert str(promise.total) == "250.00"
    assert (promise.made_date, promise.status, promise.settled_date) == (AS_OF, "open", None)
    assert (recorded.channel_label, recorded.outcome_label, recorded.agent) == (
        "Call",
        "Promise to pay",
        "Sam Okafor",
    )


def test_recording_a_contact_writes_an_audit_row_holding_the_record(agent, account_number):
    recorded = record(agent, account_number)

    event = AuditEvent.objects.get(action="contact.record")
    assert (event.actor, event.object_type, event.object_id, event.at) == (
        agent,
        "collections.contact",
        str(recorded.contact_id),
        AT,
    )
    assert event.after["account_number"] == account_number
    assert event.after["promise"]["total"] == "250.00"
    assert event.after["notes"] == recorded.notes


def test_a_contact_without_a_promise_needs_no_amounts(agent, account_number):
    recorded = record(
        agent, account_number, outcome="no_answer", promise=None, next_action_date=None, notes=""
    )

    assert recorded.promise is None
    assert not Promise.objects.exists()
    assert Contact.objects.get().outcome == "no_answer"


def test_the_history_lists_contacts_newest_first_with_their_promises(agent, account_number):
    record(agent, account_number, outcome="no_answer", promise=None)
    record(agent, account_number, at=AT + timedelta(hours=2))

    history = contact_history(account_number=account_number)

    assert [c.outcome for c in history.contacts] == ["promise", "no_answer"]
    assert history.contacts[0].promise == history.promises[0]
    assert history.contacts[1].promise is None
    assert history.open_promises == history.promises
    assert history.currency == "USD"


def test_a_uk_account_promises_in_pounds(agent):
    account_number = book(uk_pcp()).account_number

    recorded = record(agent, account_number, promise=[(date(2024, 6, 30), "99.99")])

    assert recorded.promise is not None
    assert (recorded.promise.total.currency, recorded.promise.total.minor) == ("GBP", 9999)


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"channel": "pigeon"}, InvalidContact, "channel"),
        ({"direction": "sideways"}, InvalidContact, "direction"),
        ({"outcome": "maybe"}, InvalidContact, "outcome"),
        ({"at": datetime(2024, 6, 14, 15, 30)}, InvalidContact, "at"),
        ({"next_action_date": date(2024, 6, 13)}, InvalidContact, "next_action_date"),
        ({"next_action_date": date(2062, 6, 13)}, InvalidContact, "next_action_date"),
        ({"notes": "x" * 4001}, InvalidContact, "notes"),
        ({"outcome": "refused"}, InvalidContact, "outcome"),
        ({"promise": None}, InvalidPromise, "promise"),
        ({"promise": []}, InvalidPromise, "promise"),
        (
            {"promise": [(date(2024, 7, 1) + timedelta(days=i), 100) for i in range(13)]},
            InvalidPromise,
            "promise",
        ),
        ({"promise": [(date(2024, 6, 20), 100), (date(2024, 6, 13), 100)]}, InvalidPromise, "promise.1.date"),
        ({"promise": [(date(2024, 6, 20), 100), (date(2025, 6, 16), 100)]}, InvalidPromise, "promise.1.date"),
        ({"promise": [(date(2024, 6, 20), 100), (date(2024, 6, 20), 200)]}, InvalidPromise, "promise.1.date"),
        ({"promise": [(date(2024, 6, 20), 100), (date(2024, 6, 21), 0)]}, InvalidPromise, "promise.1.amount"),
        (
            {"promise": [(date(2024, 6, 20), 100), (date(2024, 6, 21), "-5")]},
            InvalidPromise,
            "promise.1.amount",
        ),
        (
            {"promise": [(date(2024, 6, 20), 100), (date(2024, 6, 21), "1.005")]},
            InvalidPromise,
            "promise.1.amount",
        ),
        (
            {"promise": [(date(2024, 6, 20), 100), (date(2024, 6, 21), "ten")]},
            InvalidPromise,
            "promise.1.amount",
        ),
        (
            {"promise": [(date(2024, 6, 20), 100), (date(2024, 6, 21), 1.5)]},
            InvalidPromise,
            "promise.1.amount",
        ),
        ({"promise": [(date(2024, 6, 20), True)]}, InvalidPromise, "promise.0.amount"),
        ({"promise": [(datetime(2024, 6, 20, tzinfo=UTC), 100)]}, InvalidPromise, "promise.0.date"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    agent, account_number, changes, error, field
):
    with pytest.raises(error) as refused:
        record(agent, account_number, **changes)

    assert refused.value.field == field
    assert nothing_written()
    assert not AuditEvent.objects.filter(action="contact.record").exists()


def test_a_promise_may_fall_due_on_the_business_date_itself(agent, account_number):
    recorded = record(agent, account_number, promise=[(AS_OF, "1")])

    assert recorded.promise is not None
    assert recorded.promise.payments[0].due_date == AS_OF


def test_an_auditor_may_not_record_a_contact(account_number):
    auditor = user_create(username="avery", password="not-used-here", role="auditor")

    with pytest.raises(ContactNotAllowed) as refused:
        record(auditor, account_number)

    assert refused.value.field == "agent"
    assert nothing_written()


def test_an_unknown_account_is_named(agent, account_number):
    with pytest.raises(AccountNotFound) as refused:
        record(agent, "NO-SUCH-1")

    assert refused.value.field == "account_number"
    with pytest.raises(AccountNotFound):
        contact_history(account_number="NO-SUCH-1")
