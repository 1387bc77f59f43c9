"""Bad files and crashing jobs: a clear message, nothing half-written, no job left waiting."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import override_settings

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes import importing
from delivery_notes.models import DeliveryNote, ImportJob
from delivery_notes.tasks import run_import_job
from tests.delivery_notes.test_import import GOOD_ROWS, csv_text, row, upload


@pytest.mark.parametrize(
    "content",
    [
        # A NUL inside a cell: SQLite would store it, PostgreSQL refuses it with a server error.
        csv_text([row("NUL-1", recipient_name="山田\x00太郎")]).encode(),
        # UTF-16 saved without a byte-order mark.
        csv_text(GOOD_ROWS).encode("utf-16-le"),
    ],
    ids=["nul-in-a-cell", "utf-16-without-bom"],
)
def test_a_file_with_nul_bytes_is_refused_with_a_clear_message(staff_client, brand, content):
    response = upload(staff_client, brand, content)
    assert response.status_code == 200
    assert "not CSV text" in " ".join(response.context["form"].errors["file"])
    with scopes_disabled():
        assert not DeliveryNote.objects.exists()


@override_settings(DELIVERY_NOTE_IMPORT_ASYNC_ROWS=1)
def test_a_background_import_that_crashes_fails_instead_of_running_forever(
    brand, staff_member, monkeypatch
):
    def broken_write(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(importing, "create_notes", broken_write)
    with scopes_disabled():
        job = ImportJob.objects.create(
            brand=brand, created_by=staff_member.user, content=csv_text(GOOD_ROWS), total_rows=3
        )
    run_import_job.delay(brand.pk, job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.locked_until is None
    assert job.errors == [
        {
            "row": 0,
            "column": "",
            "message": "The import could not be completed. Nothing was imported.",
        }
    ]
    with brand_scope(brand):
        assert not DeliveryNote.objects.exists()


def test_a_background_import_reports_its_errors_in_the_brands_language(
    brand, staff_client, settings, django_capture_on_commit_callbacks
):
    brand.language = "ja"
    brand.save(update_fields=["language"])
    settings.DELIVERY_NOTE_IMPORT_ASYNC_ROWS = 0  # every file goes to the worker
    body = csv_text([row("DN-1", item_quantity="many")])
    with django_capture_on_commit_callbacks(execute=True):
        upload(staff_client, brand, body.encode())

    with scopes_disabled():
        job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert "数値ではありません" in job.errors[0]["message"]


@pytest.fixture
def eager_retries():
    """Eager tasks only run their retries inline when errors do not propagate (as in a worker)."""
    from config.celery import app

    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


@pytest.mark.parametrize("failures", [1, run_import_job.max_retries + 1])
def test_a_locked_database_gives_the_job_back_for_a_retry_and_the_last_try_fails_it(
    brand, staff_member, monkeypatch, eager_retries, failures
):
    real_create_notes = importing.create_notes
    calls = []

    def locked_then_fine(*args, **kwargs):
        calls.append(1)
        if len(calls) <= failures:
            raise OperationalError("database is locked")
        return real_create_notes(*args, **kwargs)

    monkeypatch.setattr(importing, "create_notes", locked_then_fine)
    with scopes_disabled():
        job = ImportJob.objects.create(
            brand=brand, created_by=staff_member.user, content=csv_text(GOOD_ROWS), total_rows=3
        )
    run_import_job.apply(args=(brand.pk, job.pk), throw=False)
    job.refresh_from_db()
    assert job.locked_until is None
    if failures <= run_import_job.max_retries:
        assert len(calls) == failures + 1  # each retry claimed the job given back
        assert (job.status, job.created_notes) == (ImportJob.Status.DONE, 2)
    else:
        assert len(calls) == run_import_job.max_retries + 1
        assert job.status == ImportJob.Status.FAILED
        assert job.errors[0]["message"] == str(importing.NOT_COMPLETED)
        with brand_scope(brand):
            assert not DeliveryNote.objects.exists()
