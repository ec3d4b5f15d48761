import json

import pytest

from recoup.access.models import AuditEvent, User
from recoup.access.operations import user_create
from recoup.cli.main import main

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def sam() -> User:
    user = user_create(username="sam", password="not-used-here-1", role="agent")
    user.totp_secret, user.totp_last_step = SECRET, 12345
    user.save(update_fields=["totp_secret", "totp_last_step"])
    return user


@pytest.fixture
def admin() -> User:
    return user_create(username="ari", password="not-used-here-2", role="administrator")


def test_an_administrator_resets_a_users_second_factor_and_it_is_audited(sam: User, admin: User, capsys):
    code = main(["user", "reset-2fa", "sam", "--by", "ari"])

    assert code == 0
    assert "Two-step sign-in is off for sam" in capsys.readouterr().out
    sam.refresh_from_db()
    assert (sam.totp_secret, sam.totp_last_step) == ("", None)
    event = AuditEvent.objects.get(action="user.two_factor.reset")
    assert (event.actor, event.object_type, event.object_id) == (admin, "user", str(sam.pk))
    assert event.after == {"two_factor": False, "username": "sam"}


def test_the_reset_prints_json_for_scripts(sam: User, admin: User, capsys):
    assert main(["user", "reset-2fa", "sam", "--by", "ari", "--json"]) == 0

    assert json.loads(capsys.readouterr().out) == {"username": "sam", "two_factor": False}


def test_only_an_administrator_may_reset(sam: User, capsys):
    user_create(username="taylor", password="not-used-here-3", role="team_leader")

    code = main(["user", "reset-2fa", "sam", "--by", "taylor", "--json"])

    assert code == 2
    assert json.loads(capsys.readouterr().out)["field"] == "by"
    sam.refresh_from_db()
    assert sam.totp_secret == SECRET
    assert not AuditEvent.objects.filter(action="user.two_factor.reset").exists()


def test_an_unknown_user_is_named(admin: User, capsys):
    code = main(["user", "reset-2fa", "nobody", "--by", "ari"])

    assert code == 2
    assert "no user 'nobody'" in capsys.readouterr().err


def test_a_user_without_a_second_factor_is_told_so(admin: User, capsys):
    user_create(username="kim", password="not-used-here-4", role="agent")

    code = main(["user", "reset-2fa", "kim", "--by", "ari"])

    assert code == 2
    assert "two-step sign-in is not on for kim" in capsys.readouterr().err
