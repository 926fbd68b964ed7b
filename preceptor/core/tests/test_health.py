import threading
import time

import pytest

from preceptor.core.health import dependencies_status


def test_a_check_that_hangs_counts_as_down_and_the_answer_comes_within_the_deadline():
    release = threading.Event()

    def hangs() -> None:
        release.wait(30)

    def fails() -> None:
        raise ConnectionError("refused")

    started = time.monotonic()
    try:
        status = dependencies_status({"a": hangs, "b": hangs, "c": fails, "d": lambda: None}, deadline=0.5)
    finally:
        release.set()
    assert time.monotonic() - started < 1.5  # one deadline for all checks, not one each
    assert status == {"a": "down", "b": "down", "c": "down", "d": "ok"}


@pytest.mark.django_db(transaction=True)
def test_the_database_check_uses_a_connection_of_its_own_and_closes_it():
    assert dependencies_status()["database"] == "ok"
