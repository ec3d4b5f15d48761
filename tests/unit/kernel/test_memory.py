"""The collector pause holds for the whole block, nested or not, and ends with it."""

import gc

import pytest

from recoup.kernel.memory import cyclic_gc_paused


def test_the_collector_is_paused_inside_and_running_after() -> None:
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block ending does not restart it under the outer one
    assert gc.isenabled()


def test_the_collector_runs_again_when_the_block_raises() -> None:
    with pytest.raises(ValueError), cyclic_gc_paused():
        raise ValueError("refused")

    assert gc.isenabled()


def test_a_collector_someone_else_stopped_stays_stopped() -> None:
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
