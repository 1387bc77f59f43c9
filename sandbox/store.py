"""A tiny thread-safe JSON document store for the sandbox emulators.

Each emulator keeps its whole state in one JSON document so that ``make run`` restarts keep demo
data (``<data_dir>/<name>.json``) while tests run purely in memory (``data_dir=None``). The server
is threaded, so every read and write goes through one re-entrant lock; writes are atomic (temp file
+ ``os.replace``) so a crash never leaves a half-written file.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Document = dict[str, Any]


class JsonStore:
    """One JSON document, guarded by a lock and optionally mirrored to ``<data_dir>/<name>.json``."""

    def __init__(
        self, data_dir: Path | str | None, name: str, factory: Callable[[], Document]
    ) -> None:
        self._lock = threading.RLock()
        self._factory = factory
        self.path: Path | None = Path(data_dir) / f"{name}.json" if data_dir is not None else None
        self._data: Document = self._load()

    def _load(self) -> Document:
        """Read the file if there is one; a corrupt file is set aside rather than silently lost."""
        if self.path is None or not self.path.exists():
            return self._factory()
        try:
            with self.path.open(encoding="utf-8") as fh:
                data = json.load(fh)
            if not isinstance(data, dict):
                raise ValueError("top level is not an object")
            return data
        except (OSError, ValueError) as exc:
            backup = self.path.with_suffix(f".corrupt-{int(time.time())}.json")
            self.path.replace(backup)
            print(f"sandbox: {self.path} unreadable ({exc}); moved to {backup}", file=sys.stderr)
            return self._factory()

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self._data, fh, ensure_ascii=False, indent=1, sort_keys=True)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @contextmanager
    def read(self) -> Iterator[Document]:
        """Hold the lock while reading; callers must not mutate the yielded document."""
        with self._lock:
            yield self._data

    @contextmanager
    def write(self) -> Iterator[Document]:
        """Hold the lock, let the caller mutate the document, then persist it (unless it raised)."""
        with self._lock:
            yield self._data
            self._save()

    def replace(self, data: Document) -> None:
        """Swap in a whole new document (used by resets)."""
        with self._lock:
            self._data = data
            self._save()
