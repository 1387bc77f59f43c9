"""Hakobu's performance targets, measured as ratios within one run (so the machine's speed cancels out).

    .venv/bin/python bench/run.py              # SQLite in a temporary file
    DATABASE_URL=postgres://… .venv/bin/python bench/run.py

Targets (each prints PASS/FAIL; the exit status is non-zero when one fails):
- note list: the same number of queries for 200 and 5,000 notes in a brand and for page sizes
  25 and 100; page 1 with 5,000 notes takes at most 3× the time it takes with 200.
- Ship&co CSV export: peak Python memory for 2,000 notes at most 2× that for 200 (rows stream
  to a file, nothing holds the whole CSV).
- Ship&co sync over real HTTP against the sandbox: time per shipment for 600 shipments at most
  1.5× that for 100, and the same number of queries per shipment (no N+1, no quadratic step).
- Documents (PDF): 1,000 delivery notes in one PDF take at most 8× the time reportlab alone
  takes to write the same number of pages of plain text in the same embedded font (the practical
  limit: a note's page lays out tables and wrapped Japanese paragraphs, plain text only draws
  strings); time per note for 1,000 at most 1.5× that for 100 (no quadratic step), queries
  growing only by chunks of notes; a picking list of 1,000 notes at most 1.5× per note of 100.

    .venv/bin/python bench/run.py documents    # only some benchmarks: list, export, sync, documents
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
_tmp = tempfile.mkdtemp(prefix="hakobu-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from brands.models import Brand, Membership, Role, User  # noqa: E402
from brands.scoping import brand_scope  # noqa: E402
from delivery_notes.documents import jobs as document_jobs  # noqa: E402
from delivery_notes.documents.delivery_note import DeliveryNoteOptions  # noqa: E402
from delivery_notes.documents.fonts import register_fonts  # noqa: E402
from delivery_notes.models import DeliveryNote, DeliveryNoteLine  # noqa: E402
from integrations.models import ConnectionStatus, Integration  # noqa: E402
from integrations.shipandco import export as shipandco_export  # noqa: E402
from integrations.sync import sync_integration  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402
from sandbox.shipandco import DEFAULT_TOKEN  # noqa: E402

RESULTS: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str) -> None:
    RESULTS.append((name, ok, detail))
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)


@contextmanager
def count_queries() -> Iterator[list[int]]:
    """Count the queries run inside the block (no logging limit, unlike CaptureQueriesContext)."""
    counted = [0]

    def wrapper(execute, sql, params, many, context):
        counted[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counted


def best_of(runs: int, fn: Callable[[], object]) -> float:
    """Shortest wall time of `runs` calls: the least disturbed measurement."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def make_brand(slug: str, notes: int) -> tuple[Brand, User]:
    brand = Brand.objects.create(name=slug, slug=slug)
    user = User.objects.create_user(f"admin@{slug}.example", "pw")
    Membership.objects.create(brand=brand, user=user, role=Role.ADMIN)
    with brand_scope(brand):
        created = DeliveryNote.objects.bulk_create(
            DeliveryNote(
                brand=brand,
                number=f"{slug.upper()}-{n:06d}",
                recipient_company=f"株式会社ベンチ{n}",
                recipient_name="山田 太郎",
                postal_code="150-0001",
                prefecture="東京都",
                city="渋谷区",
                address_line1="神宮前1-2-3",
                phone="03-1234-5678",
            )
            for n in range(notes)
        )
        DeliveryNoteLine.objects.bulk_create(
            DeliveryNoteLine(
                brand=brand, note=note, sku=f"SKU-{i}", name="麻のトートバッグ", quantity=2
            )
            for note in created
            for i in range(2)
        )
    return brand, user


def bench_note_list() -> None:
    small, small_user = make_brand("list-small", 200)
    large, large_user = make_brand("list-large", 5000)
    client = Client()

    def page(brand: Brand, user: User, size: int) -> Callable[[], object]:
        url = reverse("note_list", kwargs={"brand_slug": brand.slug}) + f"?per_page={size}"
        client.force_login(user)
        client.get(url)  # warm up: session, content types, template caches

        def get() -> object:
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return response

        return get

    counts = {}
    for label, brand, user, size in [
        ("200 notes, 25/page", small, small_user, 25),
        ("5000 notes, 25/page", large, large_user, 25),
        ("5000 notes, 100/page", large, large_user, 100),
    ]:
        get = page(brand, user, size)
        with count_queries() as counted:
            get()
        counts[label] = counted[0]
    check(
        "note list queries are constant",
        len(set(counts.values())) == 1,
        ", ".join(f"{k}: {v}" for k, v in counts.items()),
    )
    t_small = best_of(5, page(small, small_user, 50))
    t_large = best_of(5, page(large, large_user, 50))
    ratio = t_large / t_small
    check(
        "note list time, 5000 vs 200 notes",
        ratio <= 3.0,
        f"{t_large * 1000:.1f} ms vs {t_small * 1000:.1f} ms, ratio {ratio:.2f} (target ≤ 3)",
    )


def bench_export() -> None:
    peaks = {}
    for count in (200, 2000):
        brand, user = make_brand(f"export-{count}", count)
        Integration.objects.create(
            brand=brand,
            platform="shipandco",
            status=ConnectionStatus.INTEGRATED,
            credentials={"access_token": "x"},
        )
        with brand_scope(brand):
            export = shipandco_export.create_export(
                brand=brand, user=user, notes=DeliveryNote.objects.all(), encoding="utf-8"
            )
            tracemalloc.start()
            finished = shipandco_export.run_export(export.pk)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            assert finished.row_count == count * 2, finished.row_count
        peaks[count] = peak
    ratio = peaks[2000] / peaks[200]
    check(
        "CSV export memory, 2000 vs 200 notes",
        ratio <= 2.0,
        f"{peaks[2000] / 1e6:.1f} MB vs {peaks[200] / 1e6:.1f} MB peak, ratio {ratio:.2f} (target ≤ 2)",
    )


def bench_sync(server: SandboxServer) -> None:
    per_shipment = {}
    queries = {}
    for count in (100, 600):
        brand, _user = make_brand(f"sync-{count}", count)
        httpx.post(f"{server.url}/shipandco/_reset").raise_for_status()  # an empty account
        token = DEFAULT_TOKEN
        httpx.post(
            f"{server.url}/shipandco/_seed",
            json={
                "token": token,
                "shipments": [{"ref_number": f"SYNC-{count}-{n:06d}"} for n in range(count)],
            },
        ).raise_for_status()
        integration = Integration.objects.create(
            brand=brand,
            platform="shipandco",
            status=ConnectionStatus.INTEGRATED,
            credentials={"access_token": token},
            connected_at=timezone.now(),
        )
        with count_queries() as counted:
            start = time.perf_counter()
            run = sync_integration(integration.pk)
            elapsed = time.perf_counter() - start
        assert run.applied == count, (run.outcome, run.applied, run.error)
        per_shipment[count] = elapsed / count
        queries[count] = counted[0] / count
    ratio = per_shipment[600] / per_shipment[100]
    check(
        "sync time per shipment, 600 vs 100",
        ratio <= 1.5,
        f"{per_shipment[600] * 1000:.2f} ms vs {per_shipment[100] * 1000:.2f} ms, ratio {ratio:.2f} (target ≤ 1.5)",
    )
    check(
        "sync queries per shipment, 600 vs 100",
        queries[600] <= queries[100] * 1.05,
        f"{queries[600]:.1f} vs {queries[100]:.1f}",
    )


def _plain_text_pages(pages: int) -> None:
    """The practical limit: reportlab alone writing `pages` A4 pages of 45 lines of text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    font = register_fonts()
    canvas = Canvas(io.BytesIO(), pagesize=A4)
    for page in range(pages):
        canvas.setFont(font, 9)
        for line in range(45):
            canvas.drawString(
                40, 800 - line * 17, f"SKU-{line:04d} 麻のトートバッグ 2 3,500 7,000 {page}"
            )
        canvas.showPage()
    canvas.save()


def _render(brand: Brand, kind: str, runs: int = 2) -> tuple[float, int, int]:
    """Best seconds of `runs`, queries and pages for one PDF of every note of `brand`."""
    from pypdf import PdfReader

    times = []
    with brand_scope(brand):
        ids = list(DeliveryNote.objects.order_by("id").values_list("pk", flat=True))
        for _ in range(runs):
            out = io.BytesIO()
            with count_queries() as counted:
                start = time.perf_counter()
                document_jobs.render(kind, ids, brand, DeliveryNoteOptions(), out)
                times.append(time.perf_counter() - start)
    return min(times), counted[0], len(PdfReader(io.BytesIO(out.getvalue())).pages)


def bench_documents() -> None:
    kinds = document_jobs.Kind
    small, _ = make_brand("pdf-small", 100)
    large, _ = make_brand("pdf-large", 1000)
    _render(small, kinds.DELIVERY_NOTES, 1)  # warm up: the font file, reportlab's caches
    t_small, q_small, _pages = _render(small, kinds.DELIVERY_NOTES, 3)
    t_large, q_large, pages = _render(large, kinds.DELIVERY_NOTES)
    t_plain = best_of(3, lambda: _plain_text_pages(pages))
    ratio = t_large / t_plain
    check(
        "1000 delivery notes in one PDF vs reportlab plain text",
        ratio <= 8.0,
        f"{t_large:.2f} s for {pages} pages vs {t_plain:.2f} s, ratio {ratio:.2f} (target ≤ 8)",
    )
    per_note = (t_large / 1000) / (t_small / 100)
    check(
        "delivery notes time per note, 1000 vs 100",
        per_note <= 1.5,
        f"{t_large * 1000 / 1000:.2f} ms vs {t_small * 1000 / 100:.2f} ms, ratio {per_note:.2f} (target ≤ 1.5)",
    )
    check(
        "delivery notes queries grow by chunks only",
        q_large <= q_small * 5 + 5,
        f"{q_large} queries for 1000 notes, {q_small} for 100",
    )
    p_small, _q, _p = _render(small, kinds.PICKING_LIST)
    p_large, _q, pick_pages = _render(large, kinds.PICKING_LIST)
    per_note = (p_large / 1000) / (p_small / 100)
    check(
        "picking list time per note, 1000 vs 100",
        per_note <= 1.5,
        f"{p_large:.2f} s ({pick_pages} pages) vs {p_small:.2f} s, ratio {per_note:.2f} (target ≤ 1.5)",
    )


def main() -> int:
    chosen = set(sys.argv[1:]) or {"list", "export", "sync", "documents"}
    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        if "list" in chosen:
            bench_note_list()
        if "export" in chosen:
            bench_export()
        if "documents" in chosen:
            bench_documents()
        if "sync" in chosen:
            with SandboxServer() as server:
                os.environ["SHIPANDCO_API_URL"] = f"{server.url}/shipandco/v1/"
                from django.conf import settings

                settings.SHIPANDCO_API_URL = os.environ["SHIPANDCO_API_URL"]
                bench_sync(server)
    finally:
        teardown_databases(old_config, verbosity=0)
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"\n{len(RESULTS) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
