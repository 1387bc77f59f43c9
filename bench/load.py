"""Load check: ~20 users browsing a big brand through gunicorn while a sync and an export run.

    .venv/bin/python bench/load.py [--notes 200000] [--users 20] [--seconds 120] [--workers 4]

PostgreSQL only (DATABASE_URL names the server and a database; the check creates and drops
`<that name>_load` beside it). It writes a brand with scale_data (COPY), starts gunicorn on loopback, and lets
`--users` simulated users (threads, each its own session) open the note list, search it, page
deep into it and open notes for `--seconds`, while this process records a 20,000-shipment sync
write-back and a 100,000-note Ship&co CSV export (scaled down with --notes) into the same brand.
It prints the requests, the errors (target 0), the list's p95, and how long the sync and the
export took under load. Nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hakobu_bench")
DB_NAME = f"{urlsplit(SERVER).path.lstrip('/') or 'hakobu'}_load"
DB_URL = urlunsplit(urlsplit(SERVER)._replace(path=f"/{DB_NAME}"))
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def _admin_url() -> str:
    return urlunsplit(urlsplit(SERVER)._replace(path="/postgres"))


def _recreate_database() -> None:
    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def _drop_database() -> None:
    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_cookie(user) -> str:
    """A logged-in session for `user`, as the login view would store it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.errors: list[str] = []
        self.list_times: list[float] = []

    def record(self, kind: str, status: int, elapsed: float) -> None:
        with self.lock:
            self.requests += 1
            if status != 200:
                self.errors.append(f"{kind}: {status}")
            elif kind == "list":
                self.list_times.append(elapsed)


def _user(base: str, notes: str, cookie: str, b, stop: threading.Event, stats: Stats) -> None:
    """One user: `notes` is the list's path; a note's page is `notes` + its id."""
    import httpx

    rng = random.Random(cookie)
    with httpx.Client(base_url=base, cookies={"sessionid": cookie}, timeout=30) as client:
        while not stop.is_set():
            i = rng.randrange(b.notes)
            kind, path, params = rng.choice(
                [
                    ("list", notes, {}),
                    ("list", notes, {"q": b.recipient(i)}),
                    ("list", notes, {"q": b.number(i)}),
                    ("list", notes, {"q": b.tracking(i % b.partial)}),
                    ("list", notes, {"sort": "-total", "page": "last"}),
                    ("list", notes, {"after": str(b.note_id(i))}),
                    ("note", f"{notes}{b.note_id(i)}/", {}),
                ]
            )
            start = time.perf_counter()
            try:
                status = client.get(path, params=params).status_code
            except httpx.HTTPError as exc:
                status = -1
                stats.errors.append(f"{kind}: {type(exc).__name__}")
            stats.record(kind, status, time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=200_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    _recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.urls import reverse

    from bench import scale_ops
    from bench.scale_data import finish, make_brand
    from brands.scoping import brand_scope
    from integrations.models import ConnectionStatus, Integration
    from integrations.sync import SyncRunner

    gunicorn = None
    try:
        call_command("migrate", verbosity=0)
        b = make_brand("load", args.notes, 1)
        finish()
        notes = reverse("note_list", kwargs={"brand_slug": b.brand.slug})
        port = _free_port()
        gunicorn = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
        )
        base = f"http://127.0.0.1:{port}"
        _wait_for(base)
        stats, stop = Stats(), threading.Event()
        users = [
            threading.Thread(
                target=_user, args=(base, notes, _session_cookie(b.user), b, stop, stats)
            )
            for _ in range(args.users)
        ]
        for thread in users:
            thread.start()
        integration = Integration.objects.create(
            brand=b.brand,
            platform="shipandco",
            status=ConnectionStatus.INTEGRATED,
            credentials={"access_token": "load"},
            config={"notify_mode": "daily"},
        )
        started = time.perf_counter()
        shipments = min(20_000, args.notes // 10)
        with brand_scope(b.brand):
            source = scale_ops._Source(scale_ops._listing(b, b.partial, shipments))
            sync_time, run = scale_ops.timed(lambda: SyncRunner(integration, source).run())
        export_count = min(100_000, args.notes // 2)
        export = scale_ops._new_export(b, export_count)
        export_time, done = scale_ops.timed(lambda: scale_ops._run_export(b, export))
        remaining = args.seconds - (time.perf_counter() - started)
        if remaining > 0:
            stop.wait(remaining)
        stop.set()
        for thread in users:
            thread.join(60)
        times = sorted(stats.list_times)
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else float("nan")
        print(f"notes: {args.notes:,}, users: {args.users}, gunicorn workers: {args.workers}")
        print(f"sync write-back: {run.applied:,} shipments in {sync_time:.1f} s under load")
        print(f"Ship&co export: {done.exported_notes:,} notes in {export_time:.1f} s under load")
        print(f"requests: {stats.requests:,} in {time.perf_counter() - started:.0f} s")
        print(f"errors: {len(stats.errors)} {sorted(set(stats.errors))[:5]}")
        print(f"list p95: {p95 * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms")
        return 1 if stats.errors else 0
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(30)
        from django.db import connections

        connections.close_all()
        _drop_database()


def _wait_for(base: str) -> None:
    import httpx

    for _ in range(100):
        try:
            httpx.get(f"{base}/", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


if __name__ == "__main__":
    sys.exit(main())
