"""Following a "Sync now" until its run ends, so the pages can show the result by themselves.

Pressing Sync now remembers, in the user's session, the newest run of that integration at that
moment: the first run after it is the one the button started. The settings page and the note
list poll `SyncStatusView` while that run has not ended (htmx, as the import progress does) and
refresh their results when it has. A run that never starts (no worker) stops the polling after
`GIVE_UP`, with a message saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from integrations.models import Integration, SyncRun

SESSION_KEY = "sync_watch"
GIVE_UP = timedelta(minutes=5)


@dataclass(frozen=True)
class WatchState:
    run: SyncRun | None
    finished: bool  # the run started by the button has ended (whatever its outcome)
    stalled: bool  # no run started within GIVE_UP

    @property
    def done(self) -> bool:
        return self.finished or self.stalled


def _key(integration: Integration) -> str:
    return f"{integration.brand_id}:{integration.platform}"


def start_watch(session: SessionBase, integration: Integration) -> None:
    """Call when queueing a sync: from now on the pages follow the next run."""
    last = integration.runs.order_by("-id").values_list("id", flat=True).first() or 0
    watches = dict(session.get(SESSION_KEY, {}))
    watches[_key(integration)] = {"after": last, "at": timezone.now().isoformat()}
    session[SESSION_KEY] = watches


def _stop(session: SessionBase, integration: Integration) -> None:
    watches = dict(session.get(SESSION_KEY, {}))
    watches.pop(_key(integration), None)
    session[SESSION_KEY] = watches


def is_watching(session: SessionBase, integration: Integration) -> bool:
    return _key(integration) in session.get(SESSION_KEY, {})


def watched_platforms(session: SessionBase, brand_id: int) -> list[str]:
    """Platforms of this brand whose sync the user is following."""
    prefix = f"{brand_id}:"
    return [key[len(prefix) :] for key in session.get(SESSION_KEY, {}) if key.startswith(prefix)]


def watch_state(session: SessionBase, integration: Integration) -> WatchState | None:
    """Where the followed run is (None: nothing followed); stops following once it is done."""
    watch = session.get(SESSION_KEY, {}).get(_key(integration))
    if watch is None:
        return None
    run = integration.runs.filter(id__gt=watch["after"]).order_by("id").first()
    finished = run is not None and run.outcome != SyncRun.Outcome.RUNNING
    started_at = datetime.fromisoformat(watch["at"])
    state = WatchState(
        run=run, finished=finished, stalled=run is None and timezone.now() - started_at > GIVE_UP
    )
    if state.done:
        _stop(session, integration)
    return state
