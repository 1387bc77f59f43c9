"""The "Connect To <platform>" form every platform's modal uses."""

from __future__ import annotations

from crispy_bootstrap5.bootstrap5 import Switch
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from brands.models import Membership
from brands.validators import SingleLineFieldsMixin
from integrations.models import Integration, NotifyMode
from integrations.secrets import Secret, mask
from integrations.services import ACCESS_TOKEN, ConnectionSettings


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        user = obj.user
        name = f"{user.name} <{user.email}>" if user.name else user.email
        return f"{name} ({obj.get_role_display()})"


class ConnectionForm(SingleLineFieldsMixin, forms.Form):
    """Access token (blank = keep the saved one), Active/Inactive, members to notify.

    The Active/Inactive toggle appears only once the integration has been connected: the first
    Connect always activates. Members are this brand's only (the queryset runs in its scope).
    """

    access_token = forms.CharField(
        label=_("Access Token"),
        required=False,
        strip=True,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    is_active = forms.BooleanField(
        label=_("Connection Status: Active"),
        required=False,
        help_text=_(
            "Active: the connection is used and the status becomes Integrated. Inactive: the "
            "integration is disconnected and the status becomes Not Integrated."
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
        label=_("Shipment emails"),
        choices=NotifyMode.choices,
        initial=NotifyMode.PER_SYNC,
        widget=forms.RadioSelect,
    )

    token_help = _("Enter the access token issued by the platform.")

    def __init__(self, *args, integration: Integration, **kwargs) -> None:
        self.integration = integration
        kwargs.setdefault(
            "initial",
            {
                "is_active": integration.is_active,
                "notification_members": list(integration.notification_members.all())
                if integration.pk
                else [],
                "notify_mode": integration.notify_mode,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["notification_members"].queryset = Membership.objects.select_related(
            "user"
        ).order_by("user__email")
        token = self.fields["access_token"]
        token.help_text = self.token_help
        if integration.secret(ACCESS_TOKEN):
            token.widget.attrs["placeholder"] = mask(integration.secret(ACCESS_TOKEN))
            token.help_text = _("Saved: %(masked)s. Leave blank to keep the saved token.") % {
                "masked": mask(integration.secret(ACCESS_TOKEN))
            }
        if self.shows_toggle:
            self._label_toggle(integration.is_active)
        else:
            del self.fields["is_active"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the modal's own <form> carries the token
        self.helper.layout = Layout(
            Field("access_token"),
            *([Switch("is_active")] if self.shows_toggle else []),
            Field("notification_members"),
            Field("notify_mode"),
        )

    def _label_toggle(self, active: bool) -> None:
        """The switch names the state it is in; static/js/hakobu.js swaps the label on change."""
        toggle = self.fields["is_active"]
        on, off = _("Connection Status: Active"), _("Connection Status: Inactive")
        toggle.label = on if active else off
        toggle.widget.attrs.update({"data-label-on": on, "data-label-off": off})

    @property
    def shows_toggle(self) -> bool:
        return self.integration.connected_at is not None

    @property
    def submit_label(self) -> str:
        return _("Update") if self.shows_toggle else _("Connect")

    def clean_access_token(self) -> Secret:
        """A `Secret` from here on (masked in tracebacks); only what an HTTP header can carry.

        A pasted full-width space or invisible character would otherwise crash the token check.
        """
        token = self.cleaned_data["access_token"]
        if not all("!" <= char <= "~" for char in token):
            raise forms.ValidationError(
                _(
                    "The access token can only contain letters, digits and symbols, without "
                    "spaces or full-width characters. Copy it again from the platform."
                ),
                code="invalid_characters",
            )
        return Secret(token)

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("access_token") and not self.integration.secret(ACCESS_TOKEN):
            self.add_error("access_token", _("Enter the access token."))
        return data

    def to_settings(self) -> ConnectionSettings:
        data = self.cleaned_data
        return ConnectionSettings(
            token=data.get("access_token") or "",
            is_active=data["is_active"] if self.shows_toggle else True,
            members=list(data["notification_members"]),
            notify_mode=data["notify_mode"],
        )
