"""Printing from the pages: the note's dialog, the list's bulk print, background jobs, roles."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.documents import jobs
from delivery_notes.documents.delivery_note import DeliveryNoteOptions
from delivery_notes.models import DocumentJob
from tests.delivery_notes.documents_helpers import pdf_pages, squeeze
from tests.delivery_notes.helpers import brand_url, make_note

pytestmark = pytest.mark.django_db


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_viewer_prints_a_note_from_its_dialog(viewer_client, brand):
    note = make_note(brand, number="DN-VIEW", internal_notes="INTERNAL-ONLY")
    page = viewer_client.get(brand_url("note_detail", brand, pk=note.pk)).content.decode()
    assert brand_url("note_print", brand, pk=note.pk) in page

    dialog = viewer_client.get(brand_url("note_print", brand, pk=note.pk), HTTP_HX_REQUEST="true")
    assert dialog.status_code == 200 and "modal-body" in dialog.content.decode()
    assert 'name="document_language"' in dialog.content.decode()

    response = viewer_client.get(
        brand_url("note_document", brand, pk=note.pk),
        {"document_kind": "delivery_notes", "document_language": "brand"},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'inline; filename="DN-VIEW.pdf"' in response["Content-Disposition"]
    (text,) = pdf_pages(streamed(response))
    assert "DN-VIEW" in text and "INTERNAL-ONLY" not in text


def test_the_note_page_prints_a_picking_list_too(viewer_client, brand):
    note = make_note(brand, lines=2, number="DN-PICK")
    response = viewer_client.get(
        brand_url("note_document", brand, pk=note.pk),
        {"document_kind": "picking_list", "document_language": "brand"},
    )
    (text,) = pdf_pages(streamed(response))
    assert "Picking list" in text and "DN-PICK ×2" in text


def test_a_bad_choice_shows_the_dialog_with_the_error(viewer_client, brand):
    note = make_note(brand)
    response = viewer_client.get(
        brand_url("note_document", brand, pk=note.pk), {"document_kind": "invoice"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "text-danger" in response.content.decode()


def test_another_brands_note_is_not_printed(viewer_client, brand, other_brand):
    foreign = make_note(other_brand)
    params = {"document_kind": "delivery_notes", "document_language": "brand"}
    for name in ("note_print", "note_document"):
        assert viewer_client.get(brand_url(name, brand, pk=foreign.pk), params).status_code == 404


def bulk(client, brand, **data):
    payload = {"document_kind": "delivery_notes", "document_language": "brand", **data}
    return client.post(brand_url("notes_print", brand), payload)


def test_the_list_prints_a_selection_as_one_pdf(viewer_client, brand, other_brand):
    mine = [make_note(brand, number=f"DN-SEL{n}") for n in range(3)]
    foreign = make_note(other_brand, number="DN-FOREIGN")
    listing = viewer_client.get(brand_url("note_list", brand)).content.decode()
    assert 'name="selected"' in listing and brand_url("notes_print", brand) in listing

    response = bulk(viewer_client, brand, selected=[mine[0].pk, mine[2].pk, foreign.pk])
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    pages = pdf_pages(streamed(response))
    # In the list's order (newest first), the other brand's note left out.
    assert "DN-SEL2" in pages[0] and "DN-SEL0" in pages[1] and len(pages) == 2


def test_all_matching_the_filter_prints_a_picking_list(viewer_client, brand):
    make_note(brand, number="DN-KEEP-1", lines=1)
    make_note(brand, number="DN-KEEP-2", lines=1)
    make_note(brand, number="DN-OTHER", lines=1)
    response = bulk(
        viewer_client, brand, document_kind="picking_list", all_matching="1", query="q=KEEP"
    )
    text = squeeze("".join(pdf_pages(streamed(response))))
    assert "DN-KEEP-1" in text and "DN-KEEP-2" in text and "DN-OTHER" not in text
    assert "2notes" in text


def test_nothing_selected_says_so_and_keeps_the_filter(viewer_client, brand):
    response = bulk(viewer_client, brand, query="q=abc")
    assert response.status_code == 302 and response["Location"].endswith("?q=abc")
    page = viewer_client.get(response["Location"]).content.decode()
    assert "Select at least one delivery note to print." in page


def test_a_selection_too_large_for_one_pdf_says_so(viewer_client, brand, settings):
    settings.DOCUMENTS_MAX_NOTES = 2
    notes = [make_note(brand) for _ in range(3)]
    response = bulk(viewer_client, brand, selected=[n.pk for n in notes], query="status=unshipped")
    assert response.status_code == 302 and response["Location"].endswith("?status=unshipped")
    page = viewer_client.get(response["Location"]).content.decode()
    assert "3 notes are selected; one PDF holds at most 2." in page
    with scopes_disabled():
        assert not DocumentJob.objects.exists()


def test_a_large_selection_is_built_in_the_background_and_kept(
    viewer_client, brand, settings, django_capture_on_commit_callbacks
):
    settings.DOCUMENTS_SYNC_MAX_NOTES = 2
    notes = [make_note(brand, number=f"DN-BIG{n}") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        response = bulk(viewer_client, brand, selected=[n.pk for n in notes])
    with scopes_disabled():
        job = DocumentJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == brand_url("document_job", brand, pk=job.pk)
    assert job.status == DocumentJob.Status.DONE and job.total_notes == 3 and job.attempts == 1

    page = viewer_client.get(response["Location"]).content.decode()
    assert brand_url("document_job_download", brand, pk=job.pk) in page
    status = viewer_client.get(brand_url("document_job_status", brand, pk=job.pk))
    assert "hx-trigger" not in status.content.decode()  # finished: polling stops
    download = viewer_client.get(brand_url("document_job_download", brand, pk=job.pk))
    assert len(pdf_pages(streamed(download))) == 3
    past = viewer_client.get(brand_url("document_list", brand)).content.decode()
    assert brand_url("document_job_download", brand, pk=job.pk) in past


def test_a_waiting_job_shows_its_progress_and_polls(viewer_client, brand):
    with brand_scope(brand):
        job = jobs.create_job(
            brand=brand,
            user=None,
            kind=DocumentJob.Kind.PICKING_LIST,
            note_ids=[1, 2],
            options=DeliveryNoteOptions(),
        )
    content = viewer_client.get(brand_url("document_job_status", brand, pk=job.pk)).content
    assert b"<progress" in content and b'hx-trigger="every 1s"' in content
    assert (
        viewer_client.get(brand_url("document_job_download", brand, pk=job.pk)).status_code == 404
    )


def test_a_job_runs_once(brand):
    note = make_note(brand)
    with brand_scope(brand):
        job = jobs.create_job(
            brand=brand,
            user=None,
            kind=DocumentJob.Kind.DELIVERY_NOTES,
            note_ids=[note.pk],
            options=DeliveryNoteOptions(),
        )
        assert jobs.run_job(job.pk).status == DocumentJob.Status.DONE
        assert jobs.run_job(job.pk) is None  # a second delivery finds it done
        job.refresh_from_db()
    assert job.attempts == 1


def test_another_brands_job_answers_404(viewer_client, brand, other_brand):
    foreign = make_note(other_brand)
    with brand_scope(other_brand):
        job = jobs.create_job(
            brand=other_brand,
            user=None,
            kind=DocumentJob.Kind.DELIVERY_NOTES,
            note_ids=[foreign.pk],
            options=DeliveryNoteOptions(),
        )
        jobs.run_job(job.pk)
    for name in ("document_job", "document_job_status", "document_job_download"):
        assert viewer_client.get(brand_url(name, brand, pk=job.pk)).status_code == 404
    past = viewer_client.get(brand_url("document_list", brand)).content.decode()
    assert f"/documents/{job.pk}/" not in past


def test_old_files_are_deleted_and_the_record_kept(brand):
    note = make_note(brand)
    with brand_scope(brand):
        job = jobs.create_job(
            brand=brand,
            user=None,
            kind=DocumentJob.Kind.DELIVERY_NOTES,
            note_ids=[note.pk],
            options=DeliveryNoteOptions(),
        )
        jobs.run_job(job.pk)
    assert jobs.purge_expired_files(timezone.now() + timedelta(days=29)) == 0
    assert jobs.purge_expired_files(timezone.now() + timedelta(days=31)) == 1
    with scopes_disabled():
        job.refresh_from_db()
    assert not job.file and job.file_deleted_at is not None and not job.can_download


@pytest.mark.parametrize("kind", list(DocumentJob.Kind.values))
def test_progress_is_reported_once_per_note(brand, kind):
    notes = [make_note(brand, lines=2) for _ in range(4)]
    calls = []
    with brand_scope(brand):
        jobs.render(
            kind,
            [n.pk for n in notes],
            brand,
            DeliveryNoteOptions(),
            io.BytesIO(),
            on_note_done=lambda: calls.append(1),
        )
    assert len(calls) == 4


def test_printing_many_notes_takes_no_query_per_note(brand, django_assert_max_num_queries):
    few = [make_note(brand, lines=2).pk for _ in range(2)]
    many = [make_note(brand, lines=2).pk for _ in range(30)]
    with brand_scope(brand):
        for ids in (few, many):
            with django_assert_max_num_queries(5):  # profile, notes, lines, shipments, lines
                jobs.render(
                    DocumentJob.Kind.DELIVERY_NOTES, ids, brand, DeliveryNoteOptions(), io.BytesIO()
                )
