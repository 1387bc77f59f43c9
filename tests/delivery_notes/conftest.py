from __future__ import annotations

import pytest


@pytest.fixture
def viewer_client(client, viewer_member):
    client.force_login(viewer_member.user)
    return client
