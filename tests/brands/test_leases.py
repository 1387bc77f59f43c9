"""The shared row lease (brands.leases): one holder at a time, lapsing, heartbeat, holder-only
writes. The sync, the CSV import and the Ship&co export rely on exactly these properties."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from brands.leases import LeaseLost, RowLease
from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.models import ImportJob
from integrations.shipandco.models import CsvExport

DURATION = timedelta(minutes=2)
HEARTBEAT = timedelta(seconds=20)
Status = ImportJob.Status


class Clock:
    """Now, moved forward by the test."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self):
        return timezone.now() + self.offset


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def job(brand):
    with scopes_disabled():
        return ImportJob.objects.create(brand=brand, content="x", total_rows=10)


def lease_on(job, clock, rows=ImportJob) -> RowLease:
    return RowLease(
        rows, job.pk, field="locked_until", duration=DURATION, heartbeat=HEARTBEAT, clock=clock
    )


def row(job) -> ImportJob:
    with scopes_disabled():
        return ImportJob.objects.get(pk=job.pk)


def test_a_lease_is_claimed_once(job, clock):
    lease = lease_on(job, clock)
    assert lease.acquire()
    assert row(job).locked_until == lease.held
    assert lease.held == pytest.approx(clock() + DURATION, abs=timedelta(seconds=5))
    assert not lease.acquire()  # held, even by the same holder: no second claim


def test_of_two_claimers_one_wins(job, clock):
    first, second = lease_on(job, clock), lease_on(job, clock)
    assert [first.acquire(), second.acquire()] == [True, False]
    assert second.held is None
    assert row(job).locked_until == first.held


def test_a_lapsed_lease_is_taken_over(job, clock):
    dead = lease_on(job, clock)
    assert dead.acquire()  # a worker takes it, then is killed and never beats
    clock.offset = DURATION - timedelta(seconds=1)
    assert not lease_on(job, clock).acquire()
    clock.offset = DURATION + timedelta(seconds=1)
    taker = lease_on(job, clock)
    assert taker.acquire()
    assert row(job).locked_until == taker.held


def test_beat_renews_only_when_a_heartbeat_is_due(job, clock):
    lease = lease_on(job, clock)
    assert lease.acquire()
    first = lease.held
    clock.offset = HEARTBEAT - timedelta(seconds=1)
    with CaptureQueriesContext(connection) as queries:
        assert lease.beat(processed_rows=5) is False
    assert len(queries) == 0  # cheap to call often
    assert (row(job).locked_until, row(job).processed_rows) == (first, 0)

    clock.offset = HEARTBEAT + timedelta(seconds=1)
    with CaptureQueriesContext(connection) as queries:
        assert lease.beat(processed_rows=7) is True
    assert len(queries) == 1  # the renewal and the progress in one UPDATE
    assert lease.held > first
    assert (row(job).locked_until, row(job).processed_rows) == (lease.held, 7)


def test_a_long_job_keeps_its_lease_by_beating(job, clock):
    lease = lease_on(job, clock)
    assert lease.acquire()
    for _ in range(12):  # 12 × 30 s: three times the lease, renewed all along
        clock.offset += timedelta(seconds=30)
        lease.beat()
        assert not lease_on(job, clock).acquire()


def test_beat_after_a_takeover_raises_lease_lost(job, clock):
    stalled = lease_on(job, clock)
    assert stalled.acquire()
    clock.offset = DURATION + timedelta(seconds=1)
    taker = lease_on(job, clock)
    assert taker.acquire()
    with pytest.raises(LeaseLost):
        stalled.beat(processed_rows=9)
    assert stalled.held is None
    assert row(job).locked_until == taker.held  # the taker's lease is left alone
    assert row(job).processed_rows == 0
    with pytest.raises(LeaseLost):
        stalled.beat()  # and it stays lost


def test_lock_after_a_takeover_raises_lease_lost(job, clock):
    stalled = lease_on(job, clock)
    assert stalled.acquire()
    clock.offset = DURATION + timedelta(seconds=1)
    assert lease_on(job, clock).acquire()
    with transaction.atomic(), pytest.raises(LeaseLost):
        stalled.lock()


def test_only_the_holder_releases_and_finishes(job, clock):
    stalled = lease_on(job, clock)
    assert stalled.acquire()
    clock.offset = DURATION + timedelta(seconds=1)
    taker = lease_on(job, clock)
    assert taker.acquire()

    assert stalled.release(status=Status.DONE, created_notes=99) is False
    job_now = row(job)
    assert (job_now.status, job_now.created_notes) == (Status.PENDING, 0)
    assert job_now.locked_until == taker.held

    assert taker.release(status=Status.DONE, created_notes=3) is True
    job_now = row(job)
    assert (job_now.status, job_now.created_notes, job_now.locked_until) == (Status.DONE, 3, None)
    assert taker.held is None
    assert taker.release(status=Status.FAILED) is False  # once released, nothing more is written
    assert row(job).status == Status.DONE


def test_a_lapsed_lease_nobody_took_is_still_the_holders(job, clock):
    lease = lease_on(job, clock)
    assert lease.acquire()
    clock.offset = DURATION * 3  # stalled, but no other worker came
    assert lease.release(status=Status.DONE) is True
    assert row(job).status == Status.DONE


def test_a_release_whose_transaction_rolled_back_can_be_given_back_again(job, clock):
    lease = lease_on(job, clock)
    assert lease.acquire()
    with pytest.raises(RuntimeError), transaction.atomic():
        assert lease.release(status=Status.DONE)
        raise RuntimeError("the commit failed")
    assert row(job).locked_until is not None  # rolled back: still ours
    assert lease.release() is True  # handed back for a retry
    assert (row(job).status, row(job).locked_until) == (Status.PENDING, None)


def test_the_claim_takes_extra_conditions_and_writes_extra_fields(job, clock):
    claimable = Q(status__in=[Status.PENDING, Status.RUNNING])
    with scopes_disabled():
        ImportJob.objects.filter(pk=job.pk).update(status=Status.DONE, processed_rows=10)
    assert not lease_on(job, clock).acquire(claimable, status=Status.RUNNING, processed_rows=0)
    assert (row(job).status, row(job).processed_rows, row(job).locked_until) == (
        Status.DONE,
        10,
        None,
    )

    with scopes_disabled():
        ImportJob.objects.filter(pk=job.pk).update(status=Status.PENDING)
    lease = lease_on(job, clock)
    assert lease.acquire(claimable, status=Status.RUNNING, processed_rows=0)
    assert (row(job).status, row(job).processed_rows) == (Status.RUNNING, 0)


def test_the_claim_can_count_attempts_with_an_expression(brand, clock):
    with scopes_disabled():
        export = CsvExport.objects.create(brand=brand, encoding="utf-8", filename="x.csv")

    def claim() -> bool:
        lease = RowLease(
            CsvExport,
            export.pk,
            field="lease_until",
            duration=DURATION,
            heartbeat=HEARTBEAT,
            clock=clock,
        )
        return lease.acquire(attempts=F("attempts") + 1)

    assert claim()
    assert not claim()  # a refused claim counts nothing
    clock.offset = DURATION + timedelta(seconds=1)
    assert claim()
    with scopes_disabled():
        export.refresh_from_db()
    assert export.attempts == 2


def test_a_queryset_lease_only_claims_rows_of_the_active_brand(job, other_brand, brand, clock):
    with brand_scope(other_brand):
        assert not lease_on(job, clock, rows=ImportJob.objects.all()).acquire()
    assert row(job).locked_until is None
    with brand_scope(brand):
        lease = lease_on(job, clock, rows=ImportJob.objects.all())
        assert lease.acquire()
        assert lease.beat() is False
        assert lease.release() is True
