"""Which card provider Recoup charges through, from settings.

RECOUP_CARD_PROVIDER (a setting, or the environment variable of that name): "sandbox", the default
and the only provider offered yet, for the demo and the tests. A real processor (Stripe, Adyen,
Worldpay) is another class with the methods of `recoup.payments.providers.CardProvider`, named here.
The sandbox signs its tokens with a key derived from SECRET_KEY, so every web process agrees.
"""

from __future__ import annotations

import os

from django.conf import settings

from recoup.payments.providers import CardProvider, SandboxProvider

PROVIDERS = ("sandbox",)


def provider_name() -> str:
    return str(
        getattr(settings, "RECOUP_CARD_PROVIDER", "") or os.environ.get("RECOUP_CARD_PROVIDER", "sandbox")
    )


def provider_configured() -> CardProvider:
    kind = provider_name()
    if kind == "sandbox":
        return SandboxProvider(secret=settings.SECRET_KEY.encode())
    raise ValueError(f"RECOUP_CARD_PROVIDER: {kind!r} is not one of {', '.join(PROVIDERS)}")
