from datetime import UTC, datetime
from decimal import Decimal

import pytest

from recoup.access.authority import AuthorityError, authority_matrix, authority_of, authority_set
from recoup.access.limits import Limit
from recoup.access.models import AuditEvent, AuthorityLimit, Role
from recoup.access.operations import user_create
from recoup.kernel.money import InvalidAmount

AT = datetime(2026, 3, 2, 10, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def head() -> object:
    return user_create(username="hoc", password="not-used-here-1", role=Role.HEAD_OF_CREDIT)


@pytest.fixture
def agent() -> object:
    return user_create(username="amy", password="not-used-here-1", role=Role.AGENT)


def test_a_new_installation_gives_agents_the_starting_limits(agent) -> None:
    authority = authority_of(user=agent, currency="USD")

    assert authority.credit_minor == 10_000
    assert authority.arrangement_months == 6
    assert authority.allows(Limit.CREDIT, 10_000)
    assert not authority.allows(Limit.WRITE_OFF, 1)


def test_a_role_without_a_row_may_agree_nothing() -> None:
    auditor = user_create(username="aud", password="not-used-here-1", role=Role.AUDITOR)

    authority = authority_of(user=auditor, currency="GBP")

    assert authority.credit_minor == 0
    assert authority.arrangement_months == 0


def test_the_head_of_credit_raises_the_agents_credit_limit_and_it_is_audited(head, agent) -> None:
    authority_set(
        role="agent", username=None, currency="USD", limits={"credit_minor": "150.00"}, by=head, at=AT
    )

    assert authority_of(user=agent, currency="USD").credit_minor == 15_000
    assert authority_of(user=agent, currency="GBP").credit_minor == 10_000
    event = AuditEvent.objects.get(action="authority.set")
    assert event.before is not None
    assert event.after is not None
    assert (event.before["credit_minor"], event.after["credit_minor"]) == ("10000", "15000")
    assert event.actor == head


def test_a_users_own_row_overrides_the_roles(head, agent) -> None:
    authority_set(
        role=None, username="amy", currency="USD", limits={"arrangement_months": "9"}, by=head, at=AT
    )

    assert authority_of(user=agent, currency="USD").arrangement_months == 9
    rows = authority_matrix()
    assert rows[-1].username == "amy"
    assert rows[0].role == "agent"


def test_an_agent_may_not_change_the_matrix(agent) -> None:
    with pytest.raises(AuthorityError) as refused:
        authority_set(
            role="agent", username=None, currency="USD", limits={"credit_minor": "1"}, by=agent, at=AT
        )

    assert refused.value.field == "by"


@pytest.mark.parametrize(
    ("limits", "field"),
    [
        ({"credit": "1"}, "credit"),
        ({"arrangement_months": "6.5"}, "arrangement_months"),
        ({"payment_reduction_percent": "101"}, "payment_reduction_percent"),
        ({"settlement_discount_percent": "ten"}, "settlement_discount_percent"),
        ({"write_off_minor": "-5"}, "write_off_minor"),
    ],
)
def test_a_bad_value_is_refused_by_name_and_nothing_changes(head, limits, field) -> None:
    before = list(AuthorityLimit.objects.values().order_by("pk"))

    with pytest.raises(AuthorityError) as refused:
        authority_set(role="agent", username=None, currency="USD", limits=limits, by=head, at=AT)

    assert refused.value.field == field
    assert list(AuthorityLimit.objects.values().order_by("pk")) == before


def test_an_amount_with_too_many_decimals_is_refused_by_name(head) -> None:
    with pytest.raises(InvalidAmount) as refused:
        authority_set(
            role="agent", username=None, currency="USD", limits={"credit_minor": "1.005"}, by=head, at=AT
        )

    assert refused.value.field == "credit_minor"


def test_percentages_keep_their_two_places(head, agent) -> None:
    authority_set(
        role="agent",
        username=None,
        currency="USD",
        limits={"payment_reduction_percent": "33.25"},
        by=head,
        at=AT,
    )

    assert authority_of(user=agent, currency="USD").payment_reduction_percent == Decimal("33.25")
