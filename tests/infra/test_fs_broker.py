"""The demo's filesystem broker: a worker polling while a message is being written never takes
the empty file (kombu's own transport let it, and the worker died: "Unrecoverable error:
JSONDecodeError", which stopped `make run`)."""

from __future__ import annotations

import pytest
from kombu import Connection
from kombu.transport import filesystem

from config.settings.base import FS_BROKER_TRANSPORT


@pytest.fixture
def channel(tmp_path):
    folder = tmp_path / "broker"
    folder.mkdir()
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder)}
    with Connection(
        "filesystem://", transport=FS_BROKER_TRANSPORT, transport_options=options
    ) as connection:
        yield connection.default_channel


def test_a_message_being_written_is_not_seen_until_whole(channel, monkeypatch):
    seen_while_writing = []
    dumps = filesystem.dumps

    def slow_dumps(payload):
        try:  # a worker polls the queue while the producer is still writing
            seen_while_writing.append(channel._get("celery"))
        except filesystem.Empty:
            seen_while_writing.append("Empty")
        return dumps(payload)

    monkeypatch.setattr(filesystem, "dumps", slow_dumps)
    channel._put("celery", {"body": "hello"})
    monkeypatch.setattr(filesystem, "dumps", dumps)

    assert seen_while_writing == ["Empty"]
    assert channel._get("celery") == {"body": "hello"}  # then it arrives whole


def test_other_queues_and_staged_files_are_left_alone(channel):
    channel._put("other", {"body": 1})
    with pytest.raises(filesystem.Empty):
        channel._get("celery")
    assert channel._get("other") == {"body": 1}
