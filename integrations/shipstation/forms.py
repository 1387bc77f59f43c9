"""The ShipStation page's form: the three methods, what is ready to ship, who is told."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from brands.models import Membership
from delivery_notes.models import OPEN_STATUSES, ShippingStatus
from integrations.forms import MemberChoiceField
from integrations.models import Integration, NotifyMode
from integrations.shipstation.models import ShipstationSettings
from integrations.shipstation.services import ONE_ROUTE_MESSAGE, ShipstationChoice

LATER = _("Coming in a later version of Hakobu.")


class ShipstationForm(forms.Form):
    custom_store = forms.BooleanField(
        label=_("Method 1 — Custom Store: ShipStation pulls the orders from Hakobu"),
        required=False,
        help_text=_(
            "ShipStation imports the delivery notes that are ready to ship and sends back the "
            "status, tracking number, carrier, service and carrier cost when a label is created."
        ),
    )
    api_orders = forms.BooleanField(
        label=_("Method 2 — ShipStation store in Hakobu: Hakobu sends the orders over the API"),
        required=False,
        disabled=True,
        help_text=LATER,
    )
    rates_labels = forms.BooleanField(
        label=_("Method 3 — Shipping service: rates and labels from inside Hakobu"),
        required=False,
        disabled=True,
        help_text=LATER,
    )
    ready_statuses = forms.MultipleChoiceField(
        label=_("Ready to ship"),
        choices=[
            (status.value, status.label)
            for status in ShippingStatus
            if status in (*OPEN_STATUSES, ShippingStatus.PARTIALLY_SHIPPED)
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "A delivery note enters ShipStation when it has a shipping address, is in one of "
            "these statuses and has no tracking number yet. After that, every change to it "
            "(cancelled or shipped included) is sent to ShipStation."
        ),
    )
    notification_members = MemberChoiceField(
        label=_("Select Notification Members"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Members who receive the notification emails about this integration."),
    )
    notify_mode = forms.ChoiceField(
        label=_("Shipment emails"), choices=NotifyMode.choices, widget=forms.RadioSelect
    )

    def __init__(
        self, *args, integration: Integration, settings: ShipstationSettings, **kwargs
    ) -> None:
        saved = integration.pk is not None
        kwargs.setdefault(
            "initial",
            {
                "custom_store": settings.custom_store,
                "api_orders": settings.api_orders,
                "rates_labels": settings.rates_labels,
                "ready_statuses": settings.ready_statuses,
                "notification_members": (
                    list(integration.notification_members.all()) if saved else []
                ),
                "notify_mode": integration.notify_mode,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["notification_members"].queryset = Membership.objects.select_related(
            "user"
        ).filter(user__is_active=True)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("custom_store") and data.get("api_orders"):
            raise forms.ValidationError(ONE_ROUTE_MESSAGE)
        if data.get("custom_store") and not data.get("ready_statuses"):
            self.add_error("ready_statuses", _("Choose at least one status that is ready to ship."))
        return data

    def to_choice(self) -> ShipstationChoice:
        data = self.cleaned_data
        return ShipstationChoice(
            custom_store=data["custom_store"],
            api_orders=data["api_orders"],
            rates_labels=data["rates_labels"],
            ready_statuses=data["ready_statuses"],
            members=data["notification_members"],
            notify_mode=data["notify_mode"],
        )
