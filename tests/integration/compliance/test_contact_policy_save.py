"""Rule packs changed through the operation: refusals name their field and write nothing, every
change is audited, and the gate answers by the pack as changed."""

from datetime import UTC, datetime, timedelta

import pytest

from recoup.access.models import AuditEvent
from recoup.compliance.errors import ContactPolicyClash, ContactPolicyNotFound, InvalidContactPolicy
from recoup.compliance.models import ContactPolicy
from recoup.compliance.operations import contact_attempt_record, contact_policy_delete, contact_policy_save
from recoup.compliance.queries import contact_permission, contact_policies, policy_for
from recoup.portfolio.models import Contract
from tests.integration.factories import book

pytestmark = pytest.mark.django_db

# Monday 16 March 2026, 10:00 in Houston.
AT = datetime(2026, 3, 16, 15, 0, tzinfo=UTC)


def pack(**changes):
    values = dict(
        code="us-ric-gentle",
        name="US retail instalment: gentle",
        country="US",
        jurisdiction="",
        product_code="US-RIC",
        collector="",
        label="Portfolio US-RIC",
        window_attempts_max=7,
        window_days=7,
        daily_attempts_max=None,
        conversation_quiet_days=7,
        vulnerable_daily_attempts_max=1,
        vulnerable_window_attempts_max=3,
        by=None,
        at=AT,
    )
    values.update(changes)
    return values


def snapshot():
    return (
        sorted(ContactPolicy.objects.values_list("code", "window_attempts_max", "product_code")),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"window_attempts_max": 0}, "window_attempts_max", "1 to 99"),
        ({"window_attempts_max": 100}, "window_attempts_max", "1 to 99"),
        ({"window_days": "7.5"}, "window_days", "whole number"),
        ({"conversation_quiet_days": ""}, "conversation_quiet_days", "whole number"),
        ({"daily_attempts_max": "-1"}, "daily_attempts_max", "whole number"),
        ({"country": "FR"}, "country", "US or GB"),
        ({"jurisdiction": "GB-SCT"}, "jurisdiction", "not a jurisdiction of US"),
        ({"product_code": "NO-SUCH"}, "product_code", "no portfolio 'NO-SUCH'"),
        ({"product_code": "UK-PCP"}, "product_code", "lent in GB"),
        ({"collector": "agency"}, "collector", "first_party or third_party"),
        ({"code": "Has Spaces"}, "code", "lower-case"),
        ({"name": "  "}, "name", "required"),
        ({"label": ""}, "label", "required"),
        ({"vulnerable_window_attempts_max": 8}, "vulnerable_window_attempts_max", "more permissive"),
        (
            {"daily_attempts_max": 2, "vulnerable_daily_attempts_max": 3},
            "vulnerable_daily_attempts_max",
            "more permissive",
        ),
        ({"code": "us-ma"}, "code", "'us-ma'"),
        (
            {"product_code": "", "jurisdiction": "US-MA"},
            "scope",
            "'us-ma' already covers US, jurisdiction US-MA",
        ),
    ],
)
def test_a_refused_pack_names_its_field_and_writes_nothing(changes, field, words):
    before = snapshot()

    with pytest.raises((InvalidContactPolicy, ContactPolicyClash)) as refused:
        contact_policy_save(**pack(**changes))

    assert refused.value.field == field
    assert refused.value.message.startswith(f"{field}: ")
    assert words in refused.value.message
    assert snapshot() == before


def test_a_default_not_stored_still_holds_its_scope():
    ContactPolicy.objects.filter(code="us-federal").delete()

    with pytest.raises(ContactPolicyClash) as refused:
        contact_policy_save(**pack(code="us-other", product_code=""))
    saved = contact_policy_save(**pack(code="us-federal", product_code="", window_attempts_max=5))

    assert refused.value.field == "scope"
    assert "'us-federal'" in refused.value.message
    assert ContactPolicy.objects.get(pk=saved).window_attempts_max == 5


def test_a_saved_pack_is_audited_before_and_after():
    pk = contact_policy_save(**pack())
    contact_policy_save(**pack(pk=pk, window_attempts_max=4, vulnerable_window_attempts_max=2))

    created, changed = AuditEvent.objects.filter(object_type="contact_policy", object_id=str(pk)).order_by(
        "pk"
    )
    assert created.action == changed.action == "compliance.contact_policy_saved"
    assert created.before is None
    assert created.after["window_attempts_max"] == 7
    assert (changed.before["window_attempts_max"], changed.after["window_attempts_max"]) == (7, 4)
    assert changed.after["vulnerable_window_attempts_max"] == 2


def test_lowering_a_portfolio_s_limit_refuses_a_call_the_gate_allowed_before():
    contract = Contract.objects.get(pk=book().contract_id)  # US-RIC, Texas
    for n in range(3):
        contact_attempt_record(
            contract_id=contract.pk,
            channel="call",
            direction="outbound",
            at=AT - timedelta(days=n + 1),
            source="agent",
        )
    allowed = contact_permission(contract_id=contract.pk, channel="call", at=AT)

    contact_policy_save(**pack(window_attempts_max=3, vulnerable_window_attempts_max=2))
    refused = contact_permission(contract_id=contract.pk, channel="call", at=AT)

    assert allowed.allowed
    assert not refused.allowed
    assert refused.reasons[0].startswith("Portfolio US-RIC: 3 call attempts in the 7 days to 2026-03-16")


def test_deleting_a_row_that_replaced_a_default_brings_the_default_back():
    row = ContactPolicy.objects.get(code="us-federal")
    contact_policy_save(
        **pack(
            pk=row.pk, code="us-federal", name="US federal, stricter", product_code="", window_attempts_max=5
        )
    )
    stricter = policy_for(country="US", jurisdiction="US-TX", product_code="US-RIC")
    listed = {view.code: view for view in contact_policies()}

    code = contact_policy_delete(pk=row.pk, by=None, at=AT)
    restored = policy_for(country="US", jurisdiction="US-TX", product_code="US-RIC")
    after = {view.code: view for view in contact_policies()}

    assert stricter.policy.window_attempts_max == 5
    assert (listed["us-federal"].built_in, listed["us-federal"].changed) == (True, True)
    assert code == "us-federal"
    assert (restored.policy.window_attempts_max, restored.policy.name) == (
        7,
        "US federal default: Regulation F call frequency, first and third party",
    )
    assert (after["us-federal"].pk, after["us-federal"].built_in, after["us-federal"].changed) == (
        None,
        True,
        False,
    )
    deleted = AuditEvent.objects.get(action="compliance.contact_policy_deleted")
    assert deleted.before["window_attempts_max"] == 5
    assert deleted.after is None


def test_the_list_shows_stored_rows_and_defaults_not_replaced():
    pk = contact_policy_save(**pack())
    ContactPolicy.objects.filter(code="uk-conc").delete()

    views = {view.code: view for view in contact_policies()}

    assert set(views) == {"us-federal", "us-federal-third-party", "us-ma", "uk-conc", "us-ric-gentle"}
    assert (views["us-ric-gentle"].pk, views["us-ric-gentle"].built_in) == (pk, False)
    assert (views["uk-conc"].pk, views["uk-conc"].built_in, views["uk-conc"].daily_attempts_max) == (
        None,
        True,
        3,
    )
    assert (views["us-ma"].built_in, views["us-ma"].changed) == (True, False)


def test_a_pack_that_is_gone_is_not_found():
    with pytest.raises(ContactPolicyNotFound) as missing:
        contact_policy_delete(pk=987654, by=None, at=AT)
    with pytest.raises(ContactPolicyNotFound):
        contact_policy_save(**pack(pk=987654))

    assert missing.value.field == "pk"
