"""What the note list's Ship&co bulk action needs to know, without the list view knowing it."""

from __future__ import annotations

from django import template

from brands.models import Role
from integrations.models import ConnectionStatus, Integration
from integrations.shipandco import SHIPANDCO
from integrations.shipandco.export import csv_export_enabled

register = template.Library()


@register.simple_tag(takes_context=True)
def shipandco_csv_state(context: template.Context) -> dict[str, bool]:
    """`allowed`: the member may export (staff+); `enabled`: Ship&co is Integrated;
    `broken`: it was connected but is in Error (say "fix", not "connect")."""
    membership = context.get("membership")
    allowed = bool(membership and membership.has_role(Role.STAFF))
    enabled = allowed and csv_export_enabled()
    broken = (
        allowed
        and not enabled
        and Integration.objects.filter(platform=SHIPANDCO, status=ConnectionStatus.ERROR).exists()
    )
    return {"allowed": allowed, "enabled": enabled, "broken": broken}
