"""The account page's repossession panel: today's decision and its reasons, the court orders with
their state, recording an order and revoking one (team leaders and above), refusals beside their
fields with nothing written."""

from datetime import date, timedelta

import pytest
from django.test import Client

from recoup.access.operations import user_create
from recoup.compliance.models import CourtOrder
from recoup.compliance.operations import court_order_record
from recoup.kernel import clock
from recoup.parties.operations import party_flag_set
from recoup.portfolio.models import Contract
from tests.integration.factories import book, uk_pcp

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
COURT = "U.S. Bankruptcy Court for the Southern District of Texas"


def _as(role: str) -> Client:
    client = Client()
    client.force_login(user_create(username=f"u-{role}", password="a-long-enough-password", role=role))
    return client


def _today() -> date:
    return clock.today()


@pytest.fixture
def bankrupt() -> str:
    """A US account whose customer filed for bankruptcy a month ago: the stay bars repossession."""
    contract = Contract.objects.select_related("customer").get(pk=book().contract_id)
    party_flag_set(
        party=contract.customer,
        kind="bankruptcy",
        set_date=_today() - timedelta(days=30),
        at=clock.now(),
        set_by=None,
    )
    return contract.account_number


def _posted(**changes: str) -> dict[str, str]:
    values = {
        "order-kind": "stay_relief",
        "order-court": COURT,
        "order-reference": "26-30001",
        "order-granted_date": (_today() - timedelta(days=2)).isoformat(),
        "order-expiry_date": "",
        "order-conditions": "",
    }
    values.update({f"order-{name}": value for name, value in changes.items()})
    return values


def test_the_account_page_has_a_repossession_tab_that_loads_the_panel(bankrupt):
    page = _as("agent").get(f"/accounts/{bankrupt}/").content.decode()

    assert 'id="tab-repossession"' in page
    assert f'hx-get="/accounts/{bankrupt}/repossession/"' in page


def test_every_reader_sees_today_s_refusal_and_its_reason_but_an_agent_gets_no_form(bankrupt):
    response = _as("agent").get(f"/accounts/{bankrupt}/repossession/", headers=HTMX)
    panel = response.content.decode()

    assert response.status_code == 200
    assert "Refused" in panel
    assert "the automatic stay (11 U.S.C. § 362(a)(3)) stops repossession" in panel
    assert "No court orders recorded." in panel
    assert 'id="court-order-form"' not in panel
    assert "<html" not in panel


@pytest.mark.parametrize("role", ["team_leader", "head_of_credit", "administrator"])
def test_a_team_leader_and_above_record_relief_and_the_panel_then_allows_repossession(bankrupt, role):
    client = _as(role)

    response = client.post(f"/accounts/{bankrupt}/repossession/court-orders/", _posted(), headers=HTMX)
    panel = client.get(response["Location"], headers=HTMX).content.decode()

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/{bankrupt}/repossession/"
    assert CourtOrder.objects.get().reference == "26-30001"
    assert "Allowed" in panel
    assert f"Court order 26-30001 of {COURT}" in panel
    assert "In force" in panel
    assert "Court order 26-30001 recorded." in panel


def test_without_htmx_recording_goes_back_to_the_account_page(bankrupt):
    response = _as("team_leader").post(f"/accounts/{bankrupt}/repossession/court-orders/", _posted())

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/{bankrupt}/#repossession"


@pytest.mark.parametrize("role", ["agent", "remarketing", "auditor"])
def test_other_roles_may_not_record_an_order(bankrupt, role):
    response = _as(role).post(f"/accounts/{bankrupt}/repossession/court-orders/", _posted())

    assert response.status_code == 403
    assert not CourtOrder.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"court": ""}, "court", "This field is required."),
        ({"granted_date": "2999-01-01"}, "granted_date", "is after today"),
        ({"expiry_date": "2000-01-01"}, "expiry_date", "is before the order was granted"),
        ({"kind": "writ"}, "kind", "&#x27;writ&#x27; is not one of scra_repossession, stay_relief"),
    ],
)
def test_a_refusal_is_shown_beside_its_field_and_nothing_is_written(bankrupt, changes, field, words):
    response = _as("head_of_credit").post(
        f"/accounts/{bankrupt}/repossession/court-orders/", _posted(**changes), headers=HTMX
    )
    panel = response.content.decode()

    assert response.status_code == 200
    assert f'<p class="field-error" id="id_order-{field}_error">' in panel
    assert words in panel
    assert "The court order was not recorded, and nothing was saved." in panel
    assert not CourtOrder.objects.exists()


def test_a_us_order_on_a_uk_account_is_refused_beside_the_order_kind():
    account_number = book(uk_pcp()).account_number

    response = _as("administrator").post(f"/accounts/{account_number}/repossession/court-orders/", _posted())
    panel = response.content.decode()

    assert response.status_code == 400
    assert '<p class="field-error" id="id_order-kind_error">' in panel
    assert "is US law" in panel
    assert not CourtOrder.objects.exists()


def _recorded(account_number: str, leader) -> int:
    return court_order_record(
        account_number=account_number,
        kind="stay_relief",
        court=COURT,
        reference="26-30001",
        granted_date=_today() - timedelta(days=2),
        by=leader,
        at=clock.now(),
    ).id


def test_revoking_an_order_needs_a_reason_and_keeps_it_on_record(bankrupt):
    client = Client()
    leader = user_create(username="lead", password="a-long-enough-password", role="team_leader")
    client.force_login(leader)
    order_id = _recorded(bankrupt, leader)
    url = f"/accounts/{bankrupt}/repossession/court-orders/{order_id}/revoke/"

    blank = client.post(url, {f"revoke-{order_id}-reason": ""}, headers=HTMX)
    revoked = client.post(url, {f"revoke-{order_id}-reason": "Recorded on the wrong account"}, headers=HTMX)
    panel = client.get(revoked["Location"], headers=HTMX).content.decode()

    assert f'id="id_revoke-{order_id}-reason_error"' in blank.content.decode()
    assert "The order was not revoked, and nothing was saved." in blank.content.decode()
    assert revoked.status_code == 302
    order = CourtOrder.objects.get()
    assert (order.revoked_reason, order.revoked_by_id) == ("Recorded on the wrong account", leader.pk)
    assert "Revoked" in panel
    assert "Recorded on the wrong account" in panel
    assert "Refused" in panel
    assert f'id="revoke-{order_id}"' not in panel


def test_revoking_an_order_already_revoked_says_so_above_the_form(bankrupt):
    client = Client()
    leader = user_create(username="lead", password="a-long-enough-password", role="team_leader")
    client.force_login(leader)
    order_id = _recorded(bankrupt, leader)
    url = f"/accounts/{bankrupt}/repossession/court-orders/{order_id}/revoke/"
    client.post(url, {f"revoke-{order_id}-reason": "Wrong account"})

    again = client.post(url, {f"revoke-{order_id}-reason": "Again"})

    assert again.status_code == 400
    assert "was already revoked on" in again.content.decode()
    assert CourtOrder.objects.get().revoked_reason == "Wrong account"


def test_an_agent_may_not_revoke(bankrupt):
    leader = user_create(username="lead", password="a-long-enough-password", role="team_leader")
    order_id = _recorded(bankrupt, leader)

    response = _as("agent").post(
        f"/accounts/{bankrupt}/repossession/court-orders/{order_id}/revoke/",
        {f"revoke-{order_id}-reason": "No"},
    )

    assert response.status_code == 403
    assert CourtOrder.objects.get().revoked_at is None


def test_an_unknown_account_is_not_found():
    response = _as("agent").get("/accounts/NO-SUCH/repossession/")

    assert response.status_code == 404


def test_without_javascript_the_panel_is_a_page_of_its_own(bankrupt):
    page = _as("team_leader").get(f"/accounts/{bankrupt}/repossession/").content.decode()

    assert "<html" in page
    assert 'id="court-order-form"' in page


def test_a_uk_account_offers_no_court_order_form_and_says_why():
    account_number = book(uk_pcp()).account_number

    panel = (
        _as("administrator").get(f"/accounts/{account_number}/repossession/", headers=HTMX).content.decode()
    )

    assert 'id="court-order-form"' not in panel
    assert 'id="court-orders-not-here"' in panel
    assert "are US law" in panel
