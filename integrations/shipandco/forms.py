"""The "Connect To Ship&co" form (the set-up guide's words)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from integrations.forms import ConnectionForm


class ShipandcoConnectionForm(ConnectionForm):
    token_help = _(
        "Enter the API token obtained from Ship&co (Ship&co Admin page). Creating a new token in "
        "Ship&co invalidates the previous one."
    )
