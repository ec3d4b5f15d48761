"""Get next, work items and queues."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from recoup.access.models import User
from recoup.api.errors import NotPermitted
from recoup.collections import work
from recoup.collections.errors import NothingToWork, WorkNotPermitted
from recoup.collections.work_queries import queue_board
from recoup.kernel import clock
from recoup.kernel.plain import plain

router = Router(tags=["work"])


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise NotPermitted("sign in or send a bearer token")
    return user


@router.post(
    "/work/next",
    response={200: dict[str, Any], 204: None},
    summary="Take the next account to work (204 when there is nothing to work)",
)
def work_next(request: HttpRequest) -> Status[Any]:
    try:
        taken = work.work_next(agent=_user(request), at=clock.now())
    except NothingToWork:
        return Status(204, None)
    except WorkNotPermitted as refused:
        raise NotPermitted(refused.message, field=refused.field) from None
    return Status(200, plain(taken))


@router.post("/work/{item_id}/release", summary="Give back a work item you hold")
def work_release(request: HttpRequest, item_id: int) -> dict[str, Any]:
    work.work_release(agent=_user(request), item_id=item_id, at=clock.now())
    return {"released": item_id}


@router.get("/queues", summary="Queues: items, free, held, assigned and the oldest placement's age")
def queues(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    if not work.may_read_board(user):
        raise NotPermitted("the queues are for team leaders, the head of credit, administrators and auditors")
    return plain(queue_board(at=clock.now(), as_of=clock.today()))
