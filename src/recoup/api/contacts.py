"""Contacts and promises to pay on an account."""

from ninja import Router

router = Router(tags=["contacts"])
