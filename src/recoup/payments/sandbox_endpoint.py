"""The sandbox provider's tokenization endpoint: where the browser sends a card, as it would to a
real provider's hosted fields, so the card number never reaches Recoup's own forms.

It is the provider's, not Recoup's: no session, no CSRF token (a provider's endpoint is called from
any merchant's page), and it answers JSON. The card's fields are marked sensitive, so Django's error
reports show them as stars, and nothing here logs them: the log line names the brand and last four.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from recoup.kernel import clock
from recoup.payments.gateway import provider_configured
from recoup.payments.providers import CardRefused, SandboxProvider

logger = logging.getLogger(__name__)

CARD_FIELDS = ("number", "exp_month", "exp_year", "cvc", "holder_name")


@csrf_exempt
@never_cache
@require_POST
@sensitive_variables()
@sensitive_post_parameters(*CARD_FIELDS)
def sandbox_tokens(request: HttpRequest) -> JsonResponse:
    """POST number, exp_month, exp_year, cvc and holder_name (form-encoded); answers the token, brand
    and last four (201), or {"error": {"field", "message"}} (400). Only when the sandbox is the
    configured provider: a real provider's hosted fields live on the provider's own site."""
    provider = provider_configured()
    if not isinstance(provider, SandboxProvider):
        return JsonResponse(
            {"error": {"field": "", "message": "the sandbox provider is not configured"}}, status=404
        )
    try:
        card = provider.tokenize(
            number=request.POST.get("number", ""),
            exp_month=request.POST.get("exp_month", ""),
            exp_year=request.POST.get("exp_year", ""),
            cvc=request.POST.get("cvc", ""),
            holder_name=request.POST.get("holder_name", ""),
            today=clock.today(),
        )
    except CardRefused as refused:
        message = refused.message.removeprefix(f"{refused.field}: ")
        return JsonResponse({"error": {"field": refused.field, "message": message}}, status=400)
    logger.debug("sandbox provider tokenized a %s card ending %s", card.brand, card.last4)
    body = {
        "token": card.token,
        "brand": card.brand,
        "last4": card.last4,
        "exp_month": card.exp_month,
        "exp_year": card.exp_year,
    }
    return JsonResponse(body, status=201)
