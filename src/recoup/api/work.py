"""Get next, work items and queues."""

from ninja import Router

router = Router(tags=["work"])
