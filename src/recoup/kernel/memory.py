"""Bulk work and Python's cyclic garbage collector.

A bulk step (a statement file of 100,000 lines) builds millions of objects that live until it
ends: the XML tree, the parsed lines, the candidates, the allocations. Each time enough objects
have been created, the collector walks the objects it tracks, and every so often all of them; a
long step that keeps growing its heap pays for those walks again and again (a quarter of the
wall time of a 100,000-line camt.053 import). Objects are freed by reference counting the moment
they are no longer used whether or not the collector runs; only reference cycles wait for it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block; it runs again, as usual, after it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
