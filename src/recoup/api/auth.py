"""How machines sign in to the API: a bearer token issued with `recoup token issue USER`."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from recoup.access.models import User
from recoup.access.operations import api_token_user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user
