"""Work run in a thread of its own, beside the caller's, with what it raises handed back.

The database does the work of a batch without Python's lock, so two pieces of work that need
no result of each other can run side by side on two cores: the parts of a close of business on
PostgreSQL, a SQLite checkpoint beside the collections work, the notices beside the collections.
`ended` runs in the worker's thread as the work ends, to let go of what the thread holds (a
database connection: see `recoup.threads.beside`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Beside(Generic[T]):
    """`work` started in a thread named `name`, then `ended` in the same thread however the work
    ended; `result()` waits for it."""

    def __init__(self, work: Callable[[], T], *, name: str, ended: Callable[[], None] = lambda: None) -> None:
        self._work = work
        self._ended = ended
        self._value: T | None = None
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._work()
        except BaseException as failure:  # handed to the caller's thread, raised there
            self._failure = failure
        finally:
            self._ended()

    def waited(self) -> BaseException | None:
        """Wait for the work to end; what it raised, if anything."""
        self._thread.join()
        return self._failure

    def result(self) -> T:
        """Wait for the work to end; what it returned, or raise what it raised."""
        failure = self.waited()
        if failure is not None:
            raise failure
        return self._value  # type: ignore[return-value]  # set, as the work did not raise


def first_failure(besides: Iterable[Beside[Any]]) -> BaseException | None:
    """Wait for every one of `besides` to end; the first failure among them, if any."""
    failures = [failure for beside in list(besides) if (failure := beside.waited()) is not None]
    return failures[0] if failures else None


def all_waited(besides: Iterable[Beside[Any]]) -> None:
    """Wait for every one of `besides` to end, then raise the first failure among them, if any: one
    that fails leaves the others to finish."""
    failure = first_failure(besides)
    if failure is not None:
        raise failure
