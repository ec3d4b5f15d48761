import threading
from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, connections, transaction

from recoup.access.models import AuditEvent
from recoup.parties.errors import FlagAlreadyCleared, FlagAlreadySet, InvalidFlag, UnknownFlagKind
from recoup.parties.models import PartyFlag
from recoup.parties.operations import party_flag_clear, party_flag_set
from recoup.parties.queries import flags_active, party_view

from .conftest import us_customer

pytestmark = pytest.mark.django_db

SET_AT = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
CLEARED_AT = datetime(2026, 6, 30, 16, 0, tzinfo=UTC)


def test_a_flag_records_when_and_by_whom_it_was_set(agent):
    party = us_customer()

    flag = party_flag_set(
        party=party,
        kind="bankruptcy",
        set_date=date(2026, 3, 28),
        at=SET_AT,
        set_by=agent,
        detail="Chapter 7",
    )

    assert (flag.kind, flag.set_date, flag.set_at, flag.set_by, flag.detail) == (
        "bankruptcy",
        date(2026, 3, 28),
        SET_AT,
        agent,
        "Chapter 7",
    )
    assert flag.cleared_at is None


def test_setting_a_flag_that_is_already_active_raises_flag_already_set(agent):
    party = us_customer()
    party_flag_set(party=party, kind="dispute", set_date=date(2026, 4, 1), at=SET_AT, set_by=agent)

    with pytest.raises(FlagAlreadySet) as error:
        party_flag_set(party=party, kind="dispute", set_date=date(2026, 4, 2), at=SET_AT, set_by=agent)

    assert error.value.field == "kind"
    assert PartyFlag.objects.filter(party=party).count() == 1


def test_flags_of_different_kinds_stand_together(agent):
    party = us_customer()

    party_flag_set(party=party, kind="military", set_date=date(2026, 4, 1), at=SET_AT, set_by=agent)
    party_flag_set(
        party=party, kind="vulnerability", detail="health", set_date=date(2026, 4, 1), at=SET_AT, set_by=agent
    )

    assert [f.kind for f in party_view(party.pk).active_flags] == ["military", "vulnerability"]


def test_an_unknown_kind_of_flag_is_refused(agent):
    party = us_customer()

    with pytest.raises(UnknownFlagKind) as error:
        party_flag_set(party=party, kind="grumpy", set_date=date(2026, 4, 1), at=SET_AT, set_by=agent)

    assert error.value.field == "kind"
    assert not PartyFlag.objects.exists()


def test_a_detail_longer_than_two_hundred_characters_is_refused(agent):
    party = us_customer()

    with pytest.raises(InvalidFlag) as error:
        party_flag_set(
            party=party, kind="dispute", set_date=date(2026, 4, 1), at=SET_AT, set_by=agent, detail="x" * 201
        )

    assert error.value.field == "detail"


def test_clearing_a_flag_keeps_it_as_history_with_who_and_when(agent, team_leader):
    party = us_customer()
    flag = party_flag_set(
        party=party,
        kind="breathing_space",
        detail="mental_health_crisis",
        set_date=date(2026, 4, 1),
        at=SET_AT,
        set_by=agent,
    )

    cleared = party_flag_clear(
        flag=flag, cleared_date=date(2026, 5, 31), at=CLEARED_AT, cleared_by=team_leader
    )

    assert (cleared.cleared_date, cleared.cleared_at, cleared.cleared_by) == (
        date(2026, 5, 31),
        CLEARED_AT,
        team_leader,
    )
    view = party_view(party.pk)
    assert view.active_flags == ()
    [history] = view.flags
    assert (history.label, history.set_by, history.cleared_by, history.active) == (
        "Breathing Space",
        "Alex Agent",
        "lead",
        False,
    )


def test_a_cleared_flag_can_be_set_again_and_both_stay_in_the_history(agent):
    party = us_customer()
    first = party_flag_set(party=party, kind="dispute", set_date=date(2026, 4, 1), at=SET_AT, set_by=agent)
    party_flag_clear(flag=first, cleared_date=date(2026, 4, 20), at=CLEARED_AT, cleared_by=agent)

    party_flag_set(party=party, kind="dispute", set_date=date(2026, 7, 1), at=CLEARED_AT, set_by=agent)

    view = party_view(party.pk)
    assert [(f.set_date, f.active) for f in view.flags] == [
        (date(2026, 4, 1), False),
        (date(2026, 7, 1), True),
    ]


def test_clearing_a_flag_twice_raises_flag_already_cleared(agent):
    party = us_customer()
    flag = party_flag_set(party=party, kind="deceased", set_date=date(2026, 4, 1), at=SET_AT, set_by=agent)
    party_flag_clear(flag=flag, cleared_date=date(2026, 4, 2), at=CLEARED_AT, cleared_by=agent)

    with pytest.raises(FlagAlreadyCleared):
        party_flag_clear(flag=flag, cleared_date=date(2026, 4, 3), at=CLEARED_AT, cleared_by=agent)


def test_a_flag_cannot_be_cleared_before_it_was_set(agent):
    party = us_customer()
    flag = party_flag_set(
        party=party, kind="cease_communication", set_date=date(2026, 4, 1), at=SET_AT, set_by=agent
    )

    with pytest.raises(InvalidFlag) as error:
        party_flag_clear(flag=flag, cleared_date=date(2026, 3, 31), at=CLEARED_AT, cleared_by=agent)

    assert error.value.field == "cleared_date"
    flag.refresh_from_db()
    assert flag.cleared_at is None


def test_setting_and_clearing_are_audited_against_the_party(agent):
    party = us_customer()
    flag = party_flag_set(
        party=party, kind="vulnerability", detail="health", set_date=date(2026, 4, 1), at=SET_AT, set_by=agent
    )
    party_flag_clear(flag=flag, cleared_date=date(2026, 5, 1), at=CLEARED_AT, cleared_by=agent)

    events = AuditEvent.objects.filter(object_type="party", object_id=str(party.pk)).order_by("at", "id")

    assert [(e.action, e.actor) for e in events] == [
        ("party.create", None),
        ("party.flag_set", agent),
        ("party.flag_clear", agent),
    ]
    assert events.last().before["cleared_date"] is None
    assert events.last().after["cleared_date"] == "2026-05-01"


def test_the_database_refuses_a_second_active_flag_of_a_kind_even_without_the_operation(agent):
    party = us_customer()
    party_flag_set(party=party, kind="military", set_date=date(2026, 4, 1), at=SET_AT, set_by=agent)

    with pytest.raises(IntegrityError), transaction.atomic():
        PartyFlag.objects.create(party=party, kind="military", set_date=date(2026, 4, 2), set_at=SET_AT)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_agents_racing_to_set_the_same_flag_leave_one_flag_and_one_refusal(agent, team_leader):
    party = us_customer()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def set_flag(user):
        try:
            start.wait()
            party_flag_set(party=party, kind="dispute", set_date=date(2026, 4, 1), at=SET_AT, set_by=user)
            outcomes.append("set")
        except FlagAlreadySet:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=set_flag, args=(user,)) for user in (agent, team_leader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "set"]
    assert PartyFlag.objects.filter(party=party, kind="dispute").count() == 1


def test_a_standard_breathing_space_ends_by_itself_after_sixty_days(agent):
    party = us_customer()

    flag = party_flag_set(
        party=party,
        kind="breathing_space",
        detail="standard",
        set_date=date(2026, 4, 1),
        at=SET_AT,
        set_by=agent,
    )

    assert flag.until_date == date(2026, 5, 30)
    assert [f.kind for f in flags_active(party_ids=[party.pk], on_date=date(2026, 5, 30))[party.pk]] == [
        "breathing_space"
    ]
    assert flags_active(party_ids=[party.pk], on_date=date(2026, 5, 31)) == {}


def test_a_new_breathing_space_after_a_lapsed_one_clears_the_old_one_the_day_after_it_ended(agent):
    party = us_customer()
    first = party_flag_set(
        party=party,
        kind="breathing_space",
        detail="standard",
        set_date=date(2026, 1, 1),
        at=SET_AT,
        set_by=agent,
    )

    second = party_flag_set(
        party=party,
        kind="breathing_space",
        detail="mental_health_crisis",
        set_date=date(2026, 4, 1),
        at=SET_AT,
        set_by=agent,
    )

    first.refresh_from_db()
    assert first.cleared_date == date(2026, 3, 2)
    assert second.until_date is None
    assert second.cleared_at is None


def test_a_breathing_space_of_no_known_kind_is_refused_naming_the_detail(agent):
    party = us_customer()

    with pytest.raises(InvalidFlag) as error:
        party_flag_set(
            party=party, kind="breathing_space", set_date=date(2026, 4, 1), at=SET_AT, set_by=agent
        )

    assert error.value.field == "detail"
    assert not PartyFlag.objects.exists()


def test_flags_active_leaves_out_flags_cleared_by_the_day_and_flags_set_after_it(agent):
    party = us_customer()
    dispute = party_flag_set(party=party, kind="dispute", set_date=date(2026, 4, 1), at=SET_AT, set_by=agent)
    party_flag_clear(flag=dispute, cleared_date=date(2026, 4, 10), at=CLEARED_AT, cleared_by=agent)
    party_flag_set(party=party, kind="military", set_date=date(2026, 4, 5), at=SET_AT, set_by=agent)

    def kinds(day: int) -> list[str]:
        return [
            f.kind for f in flags_active(party_ids=[party.pk], on_date=date(2026, 4, day)).get(party.pk, ())
        ]

    assert (kinds(3), kinds(9), kinds(10)) == (["dispute"], ["dispute", "military"], ["military"])
