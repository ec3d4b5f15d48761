import pytest

from recoup.access.models import Role
from recoup.access.operations import user_create
from recoup.payments.gateway import provider_configured
from recoup.payments.providers import CardProvider
from tests.integration.factories import book


@pytest.fixture
def outbox(settings, tmp_path):
    """Email and SMS written to files, letters under a temporary MEDIA_ROOT, the sandbox card provider."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RECOUP_COMMS_OUTBOX = str(tmp_path / "outbox")
    settings.RECOUP_COMMS_PROVIDER = "file"
    settings.RECOUP_CARD_PROVIDER = "sandbox"
    return tmp_path / "outbox"


@pytest.fixture
def agent(db):
    return user_create(
        username="sam", password="not-used-here", role=Role.AGENT, first_name="Sam", last_name="Okafor"
    )


@pytest.fixture
def contract(db, outbox):
    return book()


@pytest.fixture
def provider() -> CardProvider:
    return provider_configured()
