"""The account page's placements panel: the placements with their state, who collects today, placing
the account and recalling it (team leaders and above), refusals beside their fields with nothing
written."""

from datetime import timedelta

import pytest
from django.test import Client

from recoup.access.operations import user_create
from recoup.compliance.models import Placement
from recoup.compliance.operations import placement_record
from recoup.kernel import clock
from tests.integration.factories import book

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
AGENCY = "Lone Star Recoveries LLC"


def _as(role: str) -> Client:
    client = Client()
    client.force_login(user_create(username=f"u-{role}", password="a-long-enough-password", role=role))
    return client


@pytest.fixture
def account() -> str:
    return book().account_number


def _posted(**changes: str) -> dict[str, str]:
    values = {
        "placement-kind": "collection_agency",
        "placement-agency": AGENCY,
        "placement-placed_date": (clock.today() - timedelta(days=3)).isoformat(),
    }
    values.update({f"placement-{name}": value for name, value in changes.items()})
    return values


def test_the_account_page_has_a_placements_tab_that_loads_the_panel(account):
    page = _as("agent").get(f"/accounts/{account}/").content.decode()

    assert 'id="tab-placements"' in page
    assert f'hx-get="/accounts/{account}/placements/"' in page


def test_every_reader_sees_who_collects_but_an_agent_gets_no_form(account):
    response = _as("agent").get(f"/accounts/{account}/placements/", headers=HTMX)
    panel = response.content.decode()

    assert response.status_code == 200
    assert "The lender" in panel
    assert "Never placed with an outside agency." in panel
    assert 'id="placement-form"' not in panel
    assert "<html" not in panel


@pytest.mark.parametrize("role", ["team_leader", "head_of_credit", "administrator"])
def test_a_team_leader_and_above_place_the_account_and_a_third_party_then_collects(account, role):
    client = _as(role)

    response = client.post(f"/accounts/{account}/placements/new/", _posted(), headers=HTMX)
    panel = client.get(response["Location"], headers=HTMX).content.decode()

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/{account}/placements/"
    assert Placement.objects.get().agency == AGENCY
    assert "A third party" in panel
    assert "the contact gate applies the third-party rule pack" in panel
    assert "Debt collection agency" in panel
    assert f"Placed with {AGENCY}." in panel


def test_without_htmx_placing_goes_back_to_the_account_page(account):
    response = _as("team_leader").post(f"/accounts/{account}/placements/new/", _posted())

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/{account}/#placements"


@pytest.mark.parametrize("role", ["agent", "remarketing", "auditor"])
def test_other_roles_may_not_place_the_account(account, role):
    response = _as(role).post(f"/accounts/{account}/placements/new/", _posted())

    assert response.status_code == 403
    assert not Placement.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"agency": ""}, "agency", "This field is required."),
        ({"placed_date": "2999-01-01"}, "placed_date", "is after today"),
        ({"kind": "bailiff"}, "kind", "&#x27;bailiff&#x27; is not one of collection_agency"),
    ],
)
def test_a_refusal_is_shown_beside_its_field_and_nothing_is_written(account, changes, field, words):
    response = _as("head_of_credit").post(
        f"/accounts/{account}/placements/new/", _posted(**changes), headers=HTMX
    )
    panel = response.content.decode()

    assert response.status_code == 200
    assert f'<p class="field-error" id="id_placement-{field}_error">' in panel
    assert words in panel
    assert "The account was not placed, and nothing was saved." in panel
    assert not Placement.objects.exists()


def test_a_second_open_placement_of_a_kind_is_refused_beside_the_kind(account):
    client = _as("team_leader")
    client.post(f"/accounts/{account}/placements/new/", _posted())

    again = client.post(f"/accounts/{account}/placements/new/", _posted(agency="Another Agency"))

    assert again.status_code == 400
    assert '<p class="field-error" id="id_placement-kind_error">' in again.content.decode()
    assert f"already placed with {AGENCY}" in again.content.decode()
    assert Placement.objects.count() == 1


def test_recalling_needs_a_reason_and_keeps_the_placement_on_record(account):
    client = Client()
    leader = user_create(username="lead", password="a-long-enough-password", role="team_leader")
    client.force_login(leader)
    placement_id = placement_record(
        account_number=account, kind="solicitor", agency="Vinson Collections PLLC", by=leader, at=clock.now()
    ).id
    url = f"/accounts/{account}/placements/{placement_id}/recall/"

    blank = client.post(url, {f"recall-{placement_id}-reason": ""}, headers=HTMX)
    recalled = client.post(url, {f"recall-{placement_id}-reason": "Case closed"}, headers=HTMX)
    panel = client.get(recalled["Location"], headers=HTMX).content.decode()

    assert f'id="id_recall-{placement_id}-reason_error"' in blank.content.decode()
    assert "The placement was not recalled, and nothing was saved." in blank.content.decode()
    assert recalled.status_code == 302
    placement = Placement.objects.get()
    assert (placement.recall_reason, placement.recalled_by_id) == ("Case closed", leader.pk)
    assert "Recalled" in panel
    assert "Case closed" in panel
    assert "The lender" in panel
    assert f'id="recall-{placement_id}"' not in panel


def test_an_agent_may_not_recall(account):
    leader = user_create(username="lead", password="a-long-enough-password", role="team_leader")
    placement_id = placement_record(
        account_number=account, kind="collection_agency", agency=AGENCY, by=leader, at=clock.now()
    ).id

    response = _as("agent").post(
        f"/accounts/{account}/placements/{placement_id}/recall/", {f"recall-{placement_id}-reason": "No"}
    )

    assert response.status_code == 403
    assert Placement.objects.get().recalled_date is None


def test_an_unknown_account_is_not_found():
    response = _as("agent").get("/accounts/NO-SUCH/placements/")

    assert response.status_code == 404


def test_without_javascript_the_panel_is_a_page_of_its_own(account):
    page = _as("team_leader").get(f"/accounts/{account}/placements/").content.decode()

    assert "<html" in page
    assert 'id="placement-form"' in page
