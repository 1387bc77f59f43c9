"""The demo's Celery broker: kombu's filesystem transport, with messages that appear whole.

kombu creates a message file in the queue folder and only then writes it, so a worker polling at
that moment takes the empty file and dies on it ("Unrecoverable error: JSONDecodeError"), and
`make run` stops with it. Here the message is written under a name no queue reads, then renamed
into place: a rename within one folder is atomic, so a reader sees no file or the whole message.
"""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes


class Channel(filesystem.Channel):
    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:
        name = f"{round(time.monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        staged = f"{final}.part"  # "<queue>.msg.part": skipped by every queue's reader
        try:
            with open(staged, "wb") as file:
                file.write(str_to_bytes(filesystem.dumps(payload)))
            os.replace(staged, final)
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
