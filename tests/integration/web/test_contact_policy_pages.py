"""The contact policies settings pages: who may read them, who may change them, and a refusal shown
beside its field with nothing written."""

import pytest
from django.test import Client

from recoup.access.models import AuditEvent
from recoup.access.operations import user_create
from recoup.compliance.models import ContactPolicy
from recoup.compliance.queries import policy_for

pytestmark = pytest.mark.django_db

LIST = "/settings/contact-policies/"
NEW = "/settings/contact-policies/new/"


def _as(role: str) -> Client:
    client = Client()
    client.force_login(user_create(username=f"u-{role}", password="a-long-enough-password", role=role))
    return client


def _posted(**changes: str) -> dict[str, str]:
    values = {
        "code": "us-ric-gentle",
        "name": "US retail instalment: gentle",
        "country": "US",
        "jurisdiction": "",
        "product_code": "US-RIC",
        "collector": "",
        "label": "Portfolio US-RIC",
        "window_attempts_max": "5",
        "window_days": "7",
        "daily_attempts_max": "2",
        "conversation_quiet_days": "7",
        "vulnerable_daily_attempts_max": "1",
        "vulnerable_window_attempts_max": "3",
    }
    values.update(changes)
    return values


@pytest.mark.parametrize("role", ["team_leader", "head_of_credit", "administrator", "auditor"])
def test_readers_see_every_pack_built_in_or_not(role: str) -> None:
    ContactPolicy.objects.filter(code="uk-conc").delete()

    response = _as(role).get(LIST)
    page = response.content.decode()

    assert response.status_code == 200
    for code in ("us-federal", "us-federal-third-party", "us-ma", "uk-conc"):
        assert f'id="policy-{code}"' in page
    assert "2 in 7 days" in page  # Massachusetts
    assert ('href="/settings/contact-policies/new/"' in page) == (role in ("head_of_credit", "administrator"))
    assert 'href="/settings/contact-policies/"' in page  # the navigation's link


@pytest.mark.parametrize("role", ["agent", "remarketing"])
def test_other_roles_may_not_read_them(role: str) -> None:
    client = _as(role)

    assert client.get(LIST).status_code == 403
    assert 'href="/settings/contact-policies/"' not in client.get("/").content.decode()


@pytest.mark.parametrize("role", ["agent", "team_leader", "auditor"])
def test_only_the_head_of_credit_and_administrators_may_change_them(role: str) -> None:
    client = _as(role)
    federal = ContactPolicy.objects.get(code="us-federal")

    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _posted()).status_code == 403
    assert client.get("/settings/contact-policies/us-federal/edit/").status_code == 403
    assert client.post("/settings/contact-policies/us-federal/edit/", _posted()).status_code == 403
    assert client.post("/settings/contact-policies/us-federal/delete/").status_code == 403
    assert not ContactPolicy.objects.filter(code="us-ric-gentle").exists()
    assert ContactPolicy.objects.get(code="us-federal").window_attempts_max == federal.window_attempts_max


def test_the_head_of_credit_adds_a_pack_and_the_gate_uses_it() -> None:
    response = _as("head_of_credit").post(NEW, _posted())

    assert response.status_code == 302
    assert (
        policy_for(country="US", jurisdiction="US-TX", product_code="US-RIC").policy.window_attempts_max == 5
    )
    event = AuditEvent.objects.get(action="compliance.contact_policy_saved")
    assert event.actor.username == "u-head_of_credit"


def test_a_refusal_is_shown_beside_its_field_and_nothing_is_written() -> None:
    before = AuditEvent.objects.count()

    response = _as("administrator").post(NEW, _posted(vulnerable_window_attempts_max="6"))
    page = response.content.decode()

    assert response.status_code == 400
    assert (
        '<p class="field-error" id="id_vulnerable_window_attempts_max_error">6 is more than the 5 allowed'
        in page
    )
    assert not ContactPolicy.objects.filter(code="us-ric-gentle").exists()
    assert AuditEvent.objects.count() == before


def test_a_second_pack_for_the_same_scope_is_refused_naming_it() -> None:
    response = _as("administrator").post(NEW, _posted(product_code="", jurisdiction="US-MA"))

    assert response.status_code == 400
    assert "Pack &#x27;us-ma&#x27; already covers US, jurisdiction US-MA" in response.content.decode()
    assert not ContactPolicy.objects.filter(code="us-ric-gentle").exists()


def test_a_built_in_default_is_changed_and_restored() -> None:
    client = _as("head_of_credit")
    ContactPolicy.objects.filter(code="us-federal").delete()  # the built-in pack, no row

    form = client.get("/settings/contact-policies/us-federal/edit/").content.decode()
    changed = client.post(
        "/settings/contact-policies/us-federal/edit/",
        _posted(
            code="ignored", name="US federal, stricter", product_code="", label="Reg F", daily_attempts_max=""
        ),
    )
    listed = client.get(LIST).content.decode()
    stricter = policy_for(country="US", jurisdiction="US-TX", product_code="US-RIC").policy
    restored = client.post("/settings/contact-policies/us-federal/delete/")
    back = policy_for(country="US", jurisdiction="US-TX", product_code="US-RIC").policy

    assert 'value="US federal default: Regulation F call frequency, first and third party"' in form
    assert changed.status_code == 302
    assert "Built in, changed" in listed
    assert (stricter.code, stricter.window_attempts_max, stricter.daily_attempts_max) == (
        "us-federal",
        5,
        None,
    )
    assert not ContactPolicy.objects.filter(code="ignored").exists()
    assert restored.status_code == 302
    assert (back.window_attempts_max, back.name) == (
        7,
        "US federal default: Regulation F call frequency, first and third party",
    )
