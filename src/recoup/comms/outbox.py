"""Which provider carries email and SMS, from settings.

RECOUP_COMMS_PROVIDER: "file" (the default: each message written into RECOUP_COMMS_OUTBOX, or
var/outbox) or "console" (printed to standard output). SMTP is not offered yet; see the report of
the change that added this.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings

from recoup.comms.providers import ConsoleProvider, FileProvider, Provider


def outbox_directory() -> Path:
    configured = getattr(settings, "RECOUP_COMMS_OUTBOX", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "outbox"


def provider_configured() -> Provider:
    kind = getattr(settings, "RECOUP_COMMS_PROVIDER", "file")
    domain = getattr(settings, "RECOUP_MAIL_DOMAIN", "recoup.localhost")
    if kind == "console":
        return ConsoleProvider(sys.stdout, domain=domain)
    if kind == "file":
        return FileProvider(outbox_directory(), domain=domain)
    raise ValueError(f"RECOUP_COMMS_PROVIDER: {kind!r} is not one of file, console")
