"""The ShipStation page's form: the three methods, what is ready to ship, who is told."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from brands.models import Membership
from brands.validators import SingleLineFieldsMixin
from delivery_notes.models import OPEN_STATUSES, ShippingStatus
from integrations.forms import MemberChoiceField
from integrations.models import Integration, NotifyMode
from integrations.secrets import mask
from integrations.shipstation.models import (
    ApiVersion,
    Confirmation,
    PushTrigger,
    ShipstationSettings,
)
from integrations.shipstation.services import (
    CREDENTIAL_FIELDS,
    ONE_ROUTE_MESSAGE,
    ShipstationChoice,
)


class ShipstationForm(SingleLineFieldsMixin, forms.Form):
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
        help_text=_(
            "Hakobu creates the orders in ShipStation and fetches the shipments, tracking numbers "
            "and voided labels back."
        ),
    )
    api_version = forms.ChoiceField(
        label=_("ShipStation API"),
        choices=ApiVersion.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    v2_api_key = forms.CharField(
        label=_("API Key (V2)"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    v1_api_key = forms.CharField(
        label=_("API Key (V1)"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    v1_api_secret = forms.CharField(
        label=_("API Secret (V1)"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "In ShipStation: Settings → Account → API Settings. Generating new keys there cuts "
            "off everything that uses the old ones."
        ),
    )
    push_trigger = forms.ChoiceField(
        label=_("Send orders"),
        choices=PushTrigger.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    store_id = forms.ChoiceField(label=_("ShipStation store"), required=False)
    warehouse_id = forms.ChoiceField(label=_("Ship-from location"), required=False)
    rates_labels = forms.BooleanField(
        label=_("Method 3 — Shipping service: rates and labels from inside Hakobu"),
        required=False,
        help_text=_(
            "Hakobu collects estimated shipping costs and creates labels through ShipStation's "
            "API, with the API credentials above (the same ones as method 2 when both are on). "
            "Combines with method 1 or 2."
        ),
    )
    label_package = forms.ChoiceField(label=_("Default package"), required=False)
    label_confirmation = forms.ChoiceField(
        label=_("Delivery confirmation"), choices=Confirmation.choices, required=False
    )
    test_labels = forms.BooleanField(
        label=_("Test labels"),
        required=False,
        help_text=_(
            "Labels are made without cost and cannot be used to ship. Switch off to buy real "
            "labels."
        ),
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
        self,
        *args,
        integration: Integration,
        settings: ShipstationSettings,
        account_lists: tuple[list, list] | None = None,
        packages: list | None = None,
        **kwargs,
    ) -> None:
        saved = integration.pk is not None
        kwargs.setdefault(
            "initial",
            {
                "custom_store": settings.custom_store,
                "api_orders": settings.api_orders,
                "rates_labels": settings.rates_labels,
                "ready_statuses": settings.ready_statuses,
                "api_version": settings.api_version,
                "push_trigger": settings.push_trigger,
                "store_id": settings.store_id,
                "warehouse_id": settings.warehouse_id,
                "label_package": settings.label_package,
                "label_confirmation": settings.label_confirmation,
                "test_labels": settings.test_labels if settings.pk else True,
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
        self.integration = integration
        for name in CREDENTIAL_FIELDS:
            saved = integration.secret(name)
            if saved:
                self.fields[name].help_text = _("Saved: %(masked)s. Leave blank to keep it.") % {
                    "masked": mask(saved)
                }
        stores, warehouses = account_lists or ([], [])
        self.fields["store_id"].choices = [("", _("(any)"))] + [(s.id, s.name) for s in stores]
        self.fields["warehouse_id"].choices = [("", _("(default)"))] + [
            (w.id, w.name) for w in warehouses
        ]
        known = [(p.code, p.name or p.code) for p in packages or []]
        if settings.label_package not in {code for code, _name in known}:
            known.insert(0, (settings.label_package, settings.label_package))
        self.fields["label_package"].choices = known
        if not packages:
            self.fields["label_package"].help_text = _(
                "Save the API credentials with method 3 on: the carriers' packages come from "
                "your ShipStation account."
            )
        if account_lists and not stores:
            # API V2 has no list of stores: orders go to the account's default store.
            del self.fields["store_id"]
        if not account_lists:
            for name in ("store_id", "warehouse_id"):
                self.fields[name].help_text = _(
                    "Save the API credentials first: the lists come from your ShipStation account."
                )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("custom_store") and data.get("api_orders"):
            raise forms.ValidationError(ONE_ROUTE_MESSAGE)
        if data.get("api_orders") or data.get("rates_labels"):
            needed = (
                ("v2_api_key",)
                if data.get("api_version") == ApiVersion.V2
                else (
                    "v1_api_key",
                    "v1_api_secret",
                )
            )
            for name in needed:
                if not data.get(name) and not self.integration.secret(name):
                    self.add_error(name, _("Enter it to use this API."))
        if (data.get("custom_store") or data.get("api_orders")) and not data.get("ready_statuses"):
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
            api_version=data["api_version"] or ApiVersion.V2,
            credentials={name: data[name] for name in CREDENTIAL_FIELDS if data.get(name)},
            push_trigger=data["push_trigger"] or PushTrigger.BY_HAND,
            store_id=data.get("store_id") or "",  # absent for V2
            warehouse_id=data.get("warehouse_id") or "",
            label_package=data.get("label_package") or "package",
            label_confirmation=data.get("label_confirmation") or Confirmation.NONE,
            test_labels=bool(data.get("test_labels")),
        )
