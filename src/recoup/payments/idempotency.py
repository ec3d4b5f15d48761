"""Idempotency keys for requests that move money: the first answer is kept and replayed.

A client sends a key of its choosing with a request. The first request with that key (per user) is
carried out and its answer kept, in the same transaction, under a UNIQUE (user, key) constraint;
the key is claimed before the work starts, so a second request racing with the same key waits on
the first one's row and then replays its answer instead of doing the work again. The same key with
the same method, path and body replays the first answer; with anything different it is refused.

A request that is refused (a DomainError) rolls back with everything it did, so nothing is kept and
the key may be sent again with a corrected request.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction

from recoup.access.models import User
from recoup.payments.errors import IdempotencyKeyReused, InvalidPayment
from recoup.payments.models import IdempotentRequest

HEADER = "Idempotency-Key"
MAX_KEY = 255


@dataclass(frozen=True)
class Answer:
    status: int
    body: str  # JSON text, the same bytes each time it is sent
    replayed: bool


def json_text(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def body_sha256(body: Any) -> str:
    """The SHA-256 of the request body in canonical JSON (sorted keys, no spaces), so the same
    request written with other spacing or key order is the same request."""
    canonical = json.dumps(
        body, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent_answer(
    *,
    user: User,
    key: str,
    method: str,
    path: str,
    body: Any,
    at: datetime,
    carry_out: Callable[[], tuple[int, Any]],
) -> Answer:
    """Carry out a request once per (user, key) and keep its answer; replay it for a repeat.

    `carry_out` does the work and returns (status, JSON-able body); it runs inside this function's
    transaction. Raises InvalidPayment (field "Idempotency-Key") for a blank or overlong key and
    IdempotencyKeyReused (field "Idempotency-Key") for the key sent with a different request.
    """
    key = key.strip()
    if not key or len(key) > MAX_KEY:
        raise InvalidPayment(f"{HEADER}: give a key of 1 to {MAX_KEY} characters", field=HEADER)
    digest = body_sha256(body)
    stored = IdempotentRequest.objects.filter(user=user, key=key).first()
    if stored is not None:
        return _replay(stored, method=method, path=path, digest=digest)
    try:
        with transaction.atomic():
            claim = IdempotentRequest.objects.create(
                user=user,
                key=key,
                method=method,
                path=path[:400],
                body_sha256=digest,
                status_code=0,
                response_body="",
                created_at=at,
            )
            status, response = carry_out()
            claim.status_code = status
            claim.response_body = json_text(response)
            claim.save(update_fields=["status_code", "response_body"])
    except IntegrityError:
        # Another request with this key committed first: answer as it did.
        stored = IdempotentRequest.objects.filter(user=user, key=key).first()
        if stored is None:
            raise
        return _replay(stored, method=method, path=path, digest=digest)
    return Answer(status=status, body=claim.response_body, replayed=False)


def _replay(stored: IdempotentRequest, *, method: str, path: str, digest: str) -> Answer:
    if (stored.method, stored.path, stored.body_sha256) != (method, path[:400], digest):
        raise IdempotencyKeyReused(
            f"{HEADER}: the key {stored.key!r} was first sent with a different request "
            f"({stored.method} {stored.path} at {stored.created_at:%Y-%m-%d %H:%M:%S} UTC); "
            "send a new key for a new request",
            field=HEADER,
        )
    return Answer(status=stored.status_code, body=stored.response_body, replayed=True)
