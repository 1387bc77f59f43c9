"""How every claimed job ends when something stops it (documents, Ship&co exports, imports)."""

from __future__ import annotations

import logging

import pytest

from brands.leases import LeaseLost, leased_work


class FakeLease:
    def __init__(self) -> None:
        self.released: list[dict] = []

    def release(self, **fields) -> bool:
        self.released.append(fields)
        return True


def test_a_job_taken_over_is_logged_and_left_to_the_other_worker(caplog):
    lease, failed = FakeLease(), []
    with (
        caplog.at_level(logging.WARNING),
        leased_work(lease, "job 7", fail=lambda: failed.append(True)) as work,
    ):
        raise LeaseLost("taken")
    assert work.lost and not failed and not lease.released
    assert "job 7 was taken over" in caplog.text


def test_a_retryable_error_gives_the_job_back_and_is_raised_for_the_retry():
    lease, failed = FakeLease(), []
    work = leased_work(
        lease,
        "job 8",
        fail=lambda: failed.append(True),
        retryable=(ConnectionError,),
        give_back={"status": "pending"},
    )
    with pytest.raises(ConnectionError), work:
        raise ConnectionError("database went away")
    assert lease.released == [{"status": "pending"}] and not failed


def test_any_other_error_fails_the_job_with_its_traceback_logged(caplog):
    lease, failed = FakeLease(), []
    with (
        caplog.at_level(logging.ERROR),
        leased_work(lease, "job 9", fail=lambda: failed.append(True)) as work,
    ):
        raise ValueError("a bug")
    assert failed == [True] and not work.lost and not lease.released
    assert "job 9 failed" in caplog.text and "ValueError: a bug" in caplog.text
