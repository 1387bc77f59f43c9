"""The Webshipper settings page's forms: Connect, and delivery terms → shipping rates."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from brands.models import Membership
from integrations.forms import MemberChoiceField
from integrations.models import Integration, NotifyMode
from integrations.secrets import mask
from integrations.webshipper.models import Direction, RateMapping, Trigger, WebshipperSettings
from integrations.webshipper.services import API_TOKEN, WebshipperChoice

ACCOUNT_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


class ConnectForm(forms.Form):
    account = forms.CharField(
        label=_("Account name"),
        max_length=63,
        help_text=_(
            "The first part of your Webshipper address: “mystore” for https://mystore.webshipper.io."
        ),
    )
    api_token = forms.CharField(
        label=_("API token"),
        required=False,
        strip=True,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Create an API token in Webshipper's settings and paste it here."),
    )
    order_channel = forms.ChoiceField(
        label=_("Order channel"),
        required=False,
        help_text=_("The Webshipper order channel Hakobu's orders belong to."),
    )
    direction = forms.ChoiceField(
        label=_("Which way are data synchronised?"),
        choices=Direction.choices,
        widget=forms.RadioSelect,
        help_text=_("Data cannot be synchronised both ways at the same time."),
    )
    trigger = forms.ChoiceField(
        label=_("Send an order to Webshipper"),
        choices=Trigger.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Only for Hakobu → Webshipper. Shipment creation makes partial deliveries possible."
        ),
    )
    confirm_direction = forms.BooleanField(
        label=_("I am changing the direction: nothing already synced is sent or imported again."),
        required=False,
    )
    notification_members = MemberChoiceField(
        label=_("Select Notification Members"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notify_mode = forms.ChoiceField(
        label=_("Shipment emails"), choices=NotifyMode.choices, widget=forms.RadioSelect
    )

    def __init__(
        self,
        *args,
        integration: Integration,
        settings: WebshipperSettings,
        channels: list[tuple[str, str]] | None = None,
        **kwargs,
    ) -> None:
        saved = integration.pk is not None
        kwargs.setdefault(
            "initial",
            {
                "account": settings.account,
                "order_channel": settings.order_channel_id,
                "direction": settings.direction,
                "trigger": settings.trigger,
                "notification_members": list(integration.notification_members.all())
                if saved
                else [],
                "notify_mode": integration.notify_mode,
            },
        )
        super().__init__(*args, **kwargs)
        self.integration = integration
        self.fields["notification_members"].queryset = Membership.objects.select_related(
            "user"
        ).order_by("user__email")
        known = channels or (
            [(settings.order_channel_id, settings.order_channel_label)]
            if settings.order_channel_id
            else []
        )
        self.fields["order_channel"].choices = [("", _("The account's first channel")), *known]
        token = integration.secret(API_TOKEN)
        if token:
            self.fields["api_token"].help_text = _("Saved: %(masked)s. Leave blank to keep it.") % {
                "masked": mask(token)
            }
        if not settings.pk:
            del self.fields["confirm_direction"]

    def clean_account(self) -> str:
        account = self.cleaned_data["account"].strip().lower()
        if not ACCOUNT_NAME.match(account):
            raise forms.ValidationError(
                _(
                    "Enter only the account name (letters, digits and hyphens), not the whole address."
                )
            )
        return account

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("api_token") and not self.integration.secret(API_TOKEN):
            self.add_error("api_token", _("Enter the API token."))
        return data

    def to_choice(self) -> WebshipperChoice:
        data = self.cleaned_data
        return WebshipperChoice(
            account=data["account"],
            token=data.get("api_token") or "",
            direction=data["direction"],
            trigger=data["trigger"],
            channel_id=data.get("order_channel") or "",
            members=data["notification_members"],
            notify_mode=data["notify_mode"],
            confirm_direction=bool(data.get("confirm_direction")),
        )


class MappingForm(forms.Form):
    """One select per delivery term: the shipping rate it stands for in Webshipper."""

    def __init__(
        self, *args, rows: list[RateMapping], rates: list[tuple[str, str]], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        choices = [("", _("— not mapped —")), *rates]
        for row in rows:
            self.fields[f"rate_{row.pk}"] = forms.ChoiceField(
                label=row.delivery_terms or _("(no delivery terms)"),
                choices=choices,
                required=False,
                initial=row.rate_id,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def pairs(self) -> list[tuple[RateMapping, forms.BoundField]]:
        """Each term with its select, for the mapping table."""
        return [(row, self[f"rate_{row.pk}"]) for row in self.rows]

    def chosen(self) -> dict[int, str]:
        return {row.pk: self.cleaned_data.get(f"rate_{row.pk}") or "" for row in self.rows}


class AddTermForm(forms.Form):
    delivery_terms = forms.CharField(label=_("Delivery terms"), max_length=100)
