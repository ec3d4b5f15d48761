"""Personal data on the account page: masked for roles that do not need it, every reveal audited."""

from django.test import Client

from recoup.access.models import AuditEvent, User
from recoup.access.operations import user_create
from recoup.portfolio import queries
from recoup.portfolio.models import Contract, ContractParty
from recoup.portfolio.queries import AccountSummary
from recoup.web.templatetags.recoup_format import day


def _as(role: str) -> Client:
    client = Client()
    client.force_login(user_create(username=f"u-{role}", password="a-long-enough-password", role=role))
    return client


def _borrower(account: AccountSummary) -> int:
    contract = Contract.objects.get(account_number=account.account_number)
    return ContractParty.objects.filter(contract=contract, role="borrower").values_list(
        "party_id", flat=True
    )[0]


def _reveals() -> int:
    return AuditEvent.objects.filter(action="personal_data.reveal").count()


def _date_of_birth(account: AccountSummary) -> str:
    detail = queries.account_detail(account.account_number, viewer_role="team_leader")
    party = detail.parties[0]
    dob = queries.parties.party_views([party.party_id])[party.party_id].date_of_birth
    assert dob is not None
    return day(dob, "en_US")


def test_an_agent_sees_the_phone_but_not_the_date_of_birth_and_may_not_reveal_it(
    signed_in: Client, agent: User, us_account: AccountSummary
) -> None:
    page = signed_in.get(f"/accounts/{us_account.account_number}/").content.decode()
    refused = signed_in.post(
        f"/accounts/{us_account.account_number}/parties/{_borrower(us_account)}/reveal/date_of_birth/"
    )

    assert us_account.phones[0][-4:] in page
    assert _date_of_birth(us_account) not in page
    assert "masked for your role" in page
    assert refused.status_code == 403
    assert _reveals() == 0


def test_a_team_leader_reveals_the_date_of_birth_and_the_reveal_is_audited(
    us_account: AccountSummary,
) -> None:
    leader = _as("team_leader")
    url = f"/accounts/{us_account.account_number}/parties/{_borrower(us_account)}/reveal/date_of_birth/"

    page = leader.get(f"/accounts/{us_account.account_number}/").content.decode()
    revealed = leader.post(url)

    assert "Reveal" in page
    assert revealed.status_code == 200
    event = AuditEvent.objects.get(action="personal_data.reveal")
    assert event.object_id == str(_borrower(us_account))
    assert event.after == {"field": "date_of_birth", "account_number": us_account.account_number}


def test_an_auditor_sees_phones_masked_and_each_reveal_is_audited(us_account: AccountSummary) -> None:
    auditor = _as("auditor")
    url = f"/accounts/{us_account.account_number}/parties/{_borrower(us_account)}/reveal/phones/"

    page = auditor.get(f"/accounts/{us_account.account_number}/").content.decode()
    auditor.post(url)
    auditor.post(url)

    assert "•" in page
    assert _reveals() == 2


def test_a_party_not_on_the_account_cannot_be_revealed_through_it(us_account: AccountSummary) -> None:
    auditor = _as("auditor")
    other = ContractParty.objects.exclude(contract__account_number=us_account.account_number).first()
    assert other is not None

    response = auditor.post(f"/accounts/{us_account.account_number}/parties/{other.party_id}/reveal/phones/")

    assert response.status_code == 403
    assert _reveals() == 0
