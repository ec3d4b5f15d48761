"""The collections inbox: customers' emails as items with deadlines; list, read, link, mark answered."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from recoup.access.models import User
from recoup.api.errors import NotPermitted
from recoup.comms.inbox import operations, queries
from recoup.comms.inbox.errors import InboxItemNotFound, InboxNotAllowed
from recoup.comms.inbox.models import ItemStatus
from recoup.kernel import clock
from recoup.kernel.plain import plain

router: Router = Router(tags=["inbox"])


class NoteIn(Schema):
    note: str = Field("", description="what was done, e.g. answered by telephone")


class LinkIn(Schema):
    account_number: str
    note: str = ""


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise NotPermitted("sign in or send a bearer token")
    return user


def _refused(error: InboxNotAllowed | InboxItemNotFound, request: HttpRequest) -> Any:
    """A role refusal is 403; the rest (an unknown item: 404) goes to the API's error handler."""
    if error.field == "role":
        raise NotPermitted(error.message, field=error.field) from None
    raise error


@router.get(
    "/mail/items",
    summary="Inbox items in one status (open, triage, answered, not_collections), by deadline",
)
def item_list(request: HttpRequest, status: str = ItemStatus.OPEN, account_number: str = "") -> Any:
    try:
        items = queries.inbox_items(
            reader=_user(request), at=clock.now(), status=status, account_number=account_number
        )
    except InboxNotAllowed as error:
        return _refused(error, request)
    return plain(items)


@router.get("/mail/items/{item_id}", summary="One inbox item: its messages, attachments and replies")
def item_fetch(request: HttpRequest, item_id: int) -> Any:
    try:
        view = queries.inbox_item(item_id=item_id, reader=_user(request), at=clock.now())
    except (InboxNotAllowed, InboxItemNotFound) as error:
        return _refused(error, request)
    return {**plain(view), "reply_to": view.latest_message_id}


@router.post("/mail/items/{item_id}/answered", summary="Close an open item answered another way")
def item_mark_answered(request: HttpRequest, item_id: int, payload: NoteIn) -> Any:
    try:
        return plain(
            operations.inbox_item_mark_answered(
                item_id=item_id, by=_user(request), at=clock.now(), note=payload.note
            )
        )
    except (InboxNotAllowed, InboxItemNotFound) as error:
        return _refused(error, request)


@router.post("/mail/items/{item_id}/link", summary="Link an email in triage to its account")
def item_link(request: HttpRequest, item_id: int, payload: LinkIn) -> Any:
    try:
        return plain(
            operations.inbox_item_link(
                item_id=item_id,
                account_number=payload.account_number,
                by=_user(request),
                at=clock.now(),
                note=payload.note,
            )
        )
    except (InboxNotAllowed, InboxItemNotFound) as error:
        return _refused(error, request)


@router.post("/mail/items/{item_id}/not-collections", summary="Mark an email in triage not collections mail")
def item_dismiss(request: HttpRequest, item_id: int, payload: NoteIn) -> Any:
    try:
        return plain(
            operations.inbox_item_dismiss(
                item_id=item_id, by=_user(request), at=clock.now(), note=payload.note
            )
        )
    except (InboxNotAllowed, InboxItemNotFound) as error:
        return _refused(error, request)
