"""The letter run after the close: the strategies' letter treatment sent to the right accounts,
once within the interval, with the gate's refusals counted by reason; the notices the close recorded
go first, the same way from the command and from the worker's task."""

import json
from datetime import date, timedelta

import pytest

from recoup.cli.main import main
from recoup.collections.strategy_batch import strategies_apply
from recoup.comms.background import tasks
from recoup.comms.batch import letters_run, reason_heading
from recoup.comms.errors import InvalidLetterRun
from recoup.comms.models import SentItem
from recoup.comms.notices.models import Notice
from recoup.comms.notices.operations import notices_record
from recoup.compliance.models import ContactAttempt
from recoup.parties.operations import party_flag_set
from tests.integration.collections.work_builders import AS_OF, AT, account_in_arrears, strategy_make
from tests.integration.comms.notices.helpers import account, in_arrears

pytestmark = pytest.mark.django_db

CHICAGO = "America/Chicago"


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RECOUP_COMMS_OUTBOX = str(tmp_path / "outbox")
    settings.RECOUP_LETTER_RUN = {"letter": "arrears.reminder", "email": "arrears.reminder"}


@pytest.fixture
def placed():
    """Three accounts whose strategy writes to them, one whose strategy calls, one not in arrears."""
    strategy_make("early", "letters", priority=10, rules={"buckets": ["30-59"]}, treatment="letter")
    strategy_make("late", "calls", priority=5, rules={"buckets": ["60-89"]}, treatment="call")
    written = [account_in_arrears(time_zones=CHICAGO) for _ in range(3)]
    called = account_in_arrears(days_past_due=65, bucket="60-89", time_zones=CHICAGO)
    current = account_in_arrears(
        arrears_minor=0, bucket="current", collections_flag=False, time_zones=CHICAGO
    )
    strategies_apply(as_of=AS_OF, at=AT)
    return written, called, current


def test_the_run_writes_to_the_accounts_whose_strategy_says_letter(placed):
    written, _, _ = placed

    summary = letters_run(as_of=AS_OF, at=AT)

    assert summary["selected"] == 3
    assert summary["letter"] == 3
    assert summary["email"] == 0
    sent = SentItem.objects.filter(channel="letter")
    assert sorted(sent.values_list("contract_id", flat=True)) == sorted(c.pk for c in written)
    assert all(item.pdf.name.endswith(".pdf") for item in sent)
    assert all(item.pdf.storage.exists(item.pdf.name) for item in sent)
    assert ContactAttempt.objects.filter(channel="letter", source="automated").count() == 3
    assert "$400.00" in sent.first().body


def test_a_second_run_within_the_interval_sends_nothing_and_one_after_it_sends_again(placed):
    letters_run(as_of=AS_OF, at=AT)

    again = letters_run(as_of=AS_OF + timedelta(days=1), at=AT + timedelta(days=1), every_days=14)
    later = letters_run(as_of=AS_OF + timedelta(days=14), at=AT + timedelta(days=14), every_days=14)

    assert (again["selected"], again["recently_sent"], again["letter"]) == (0, 3, 0)
    assert (later["selected"], later["letter"]) == (3, 3)
    assert SentItem.objects.count() == 6


def test_the_interval_comes_from_the_settings_when_the_run_names_none(placed, settings):
    settings.RECOUP_LETTER_RUN_EVERY_DAYS = 3
    letters_run(as_of=AS_OF, at=AT)

    again = letters_run(as_of=AS_OF + timedelta(days=2), at=AT + timedelta(days=2))
    later = letters_run(as_of=AS_OF + timedelta(days=3), at=AT + timedelta(days=3))

    assert (again["selected"], later["selected"]) == (0, 3)


def test_an_account_the_gate_refuses_is_skipped_and_counted_with_its_reason(placed):
    written, _, _ = placed
    party_flag_set(party=written[0].customer, kind="deceased", set_date=AS_OF, at=AT, set_by=None)

    summary = letters_run(as_of=AS_OF, at=AT)

    assert summary["letter"] == 2
    assert summary["refused"] == 1
    assert summary["refused: Deceased"] == 1
    assert not SentItem.objects.filter(contract_id=written[0].pk).exists()


def test_an_email_treatment_to_a_customer_without_an_address_is_refused_by_the_gate(placed):
    strategy_make("mail", "emails", priority=20, rules={"buckets": ["60-89"]}, treatment="email")
    strategies_apply(as_of=AS_OF, at=AT)

    summary = letters_run(as_of=AS_OF, at=AT)

    assert summary["selected"] == 4
    assert summary["refused"] == 1
    assert summary["refused: No email may be sent"] == 1
    assert summary["email"] == 0


def test_a_treatment_without_a_template_is_refused_before_anything_is_sent(settings, placed):
    settings.RECOUP_LETTER_RUN = {"letter": "no.such.template"}

    with pytest.raises(InvalidLetterRun) as refused:
        letters_run(as_of=AS_OF, at=AT)

    assert refused.value.field == "treatments"
    assert not SentItem.objects.exists()


def test_reasons_add_up_by_their_heading():
    assert reason_heading("Bankruptcy since 2024-03-01: 11 U.S.C. §362") == "Bankruptcy"
    assert reason_heading("Calling hours (Reg F): 07:00 in Chicago") == "Calling hours"
    assert reason_heading("No email may be sent: no email address on file") == "No email may be sent"


def _run(interface: str, as_of: date, capsys: pytest.CaptureFixture[str]) -> dict[str, int]:
    """The run as `recoup letters run --json` prints it (its counts) or as the worker's task returns it."""
    if interface == "task":
        return tasks.letter_run.call(business_date=as_of.isoformat())
    assert main(["letters", "run", "--as-of", as_of.isoformat(), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    return {key: value for key, value in printed.items() if isinstance(value, int)}


@pytest.mark.parametrize("interface", ["command", "task"])
def test_the_command_and_the_task_send_the_notices_first_then_the_letters_and_say_the_same(
    placed, capsys, interface
):
    kansas = account("US-KS")
    in_arrears(kansas, oldest_unpaid=AS_OF - timedelta(days=10), arrears_minor=30_000)
    notices_record(as_of=AS_OF, at=AT)

    counts = _run(interface, AS_OF, capsys)

    assert counts == {
        "notices_sent": 1,
        "notices_held": 0,
        "selected": 3,
        "letter": 3,
        "email": 0,
        "sms": 0,
        "refused": 0,
        "recently_sent": 0,
    }
    assert Notice.objects.get(contract_id=kansas.contract_id).status == "sent"
