"""Work beside the caller: what it returns or raises comes back to the caller's thread, and one
piece that fails leaves the others to finish."""

import threading

import pytest

from recoup.kernel.beside import Beside, all_waited


class Refused(Exception):
    pass


def test_the_result_and_the_thread_are_the_work_s_own() -> None:
    ended: list[str] = []

    beside = Beside(lambda: threading.current_thread().name, name="worker", ended=lambda: ended.append("x"))

    assert beside.result() == "worker"
    assert ended == ["x"]


def test_what_the_work_raises_is_raised_in_the_caller_after_it_ended() -> None:
    ended: list[str] = []

    def refusing() -> None:
        raise Refused("no")

    beside = Beside(refusing, name="worker", ended=lambda: ended.append("x"))

    with pytest.raises(Refused, match="no"):
        beside.result()
    assert ended == ["x"]


def test_one_failure_waits_for_the_others_to_finish() -> None:
    release = threading.Event()
    finished: list[str] = []

    def failing() -> None:
        raise Refused("first")

    def slow() -> None:
        release.wait(timeout=5)
        finished.append("slow")

    besides = [Beside(failing, name="failing"), Beside(slow, name="slow")]
    threading.Timer(0.05, release.set).start()

    with pytest.raises(Refused, match="first"):
        all_waited(besides)
    assert finished == ["slow"]
