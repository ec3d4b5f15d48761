"""Work beside the caller (`kernel.beside`) on a database connection of its own.

Django gives each thread a connection of its own; it is closed in the worker's thread as the work
ends. (`connection.close` handed over from the caller would be the caller's connection's: Django
looks the connection up in the thread that reads the attribute.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import connection

from recoup.kernel.beside import Beside

T = TypeVar("T")


def beside(work: Callable[[], T], *, name: str) -> Beside[T]:
    """Start `work` in a thread named `name`, on a database connection of its own."""
    return Beside(work, name=name, ended=_own_connection_closed)


def _own_connection_closed() -> None:
    connection.close()  # looked up here, in the worker's thread
