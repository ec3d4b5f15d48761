"""Which provider carries email and SMS, from settings.

RECOUP_COMMS_PROVIDER: "file" (the default: each message written into RECOUP_COMMS_OUTBOX, or
var/outbox), "console" (printed to standard output) or "smtp" (email through the SMTP relay of
Django's EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS — set from
RECOUP_EMAIL_* in the environment — and SMS into the outbox, as no SMS gateway is configured).
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings

from recoup.comms.providers import ConsoleProvider, FileProvider, Provider, SmtpProvider, SmtpSettings


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
    if kind == "smtp":
        relay = SmtpSettings(
            host=settings.EMAIL_HOST,
            port=int(settings.EMAIL_PORT),
            username=settings.EMAIL_HOST_USER,
            password=settings.EMAIL_HOST_PASSWORD,
            starttls=bool(settings.EMAIL_USE_TLS),
        )
        return SmtpProvider(relay, sms=FileProvider(outbox_directory(), domain=domain), domain=domain)
    raise ValueError(f"RECOUP_COMMS_PROVIDER: {kind!r} is not one of file, console, smtp")
