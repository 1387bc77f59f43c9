"""Forms for accounts (log in, password reset, profile) and brand members."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordForm,
    SetPasswordMixin,
)
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from brands import login_throttle
from brands.models import IMAGE_HOST, Brand, Role, User
from brands.validators import SingleLineFieldsMixin
from notifications.mail import render_text

logger = logging.getLogger(__name__)


class EmailAuthenticationForm(AuthenticationForm):
    """Log in by email; addresses are stored lower-case, so any casing typed works."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.label = _("Email")
        field.widget.input_type = "email"
        field.widget.attrs["autocomplete"] = "email"

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()

    def clean(self) -> dict:
        email = self.cleaned_data.get("username") or ""
        address = login_throttle.client_address(self.request)
        if email and login_throttle.is_locked(email, address):
            # One wording whether or not the email has an account, and whatever the counter.
            raise ValidationError(
                _("Too many failed attempts. Wait %(minutes)d minutes, or reset your password.")
                % {"minutes": settings.LOGIN_LOCKOUT_SECONDS // 60},
                code="locked",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            if email:
                login_throttle.record_failure(email, address)
            raise
        login_throttle.clear(email, address)
        return cleaned


class LocalizedPasswordResetForm(SingleLineFieldsMixin, PasswordResetForm):
    """Sends the reset email in the account's language, with a link to settings.SITE_URL.

    Requests are rate-limited per email and per source address; a refused request shows the
    same "email sent" page as any other, so it reveals neither the limit nor the account.
    """

    def save(self, *args, request: HttpRequest | None = None, **kwargs) -> None:
        email = self.cleaned_data["email"]
        if login_throttle.reset_allowed(email, login_throttle.client_address(request)):
            super().save(*args, request=request, **kwargs)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        path = reverse(
            "password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        context = {**context, "url": f"{settings.SITE_URL}{path}"}
        with translation.override(user.language):
            subject = " ".join(render_text(subject_template_name, context).split())
            message = EmailMultiAlternatives(
                subject, render_text(email_template_name, context), from_email, [to_email]
            )
            if html_email_template_name:
                message.attach_alternative(
                    render_to_string(html_email_template_name, context), "text/html"
                )
        try:
            message.send()
        except Exception:  # as Django's form does: the page must not tell whether it was sent
            logger.exception("Failed to send password reset email to %s", context["user"].pk)


class ResetSetPasswordForm(SetPasswordForm):
    """The new password of a completed reset; it also lifts every login lock of the account."""

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        login_throttle.clear_account(user.email)
        return user


class ProfileForm(SingleLineFieldsMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "language"]


class NoteNumberingForm(SingleLineFieldsMixin, forms.ModelForm):
    """Settings → Note numbering: the pattern new notes are offered (delivery_notes.numbering)."""

    class Meta:
        model = Brand
        fields = ["note_number_prefix", "note_number_digits"]

    def clean_note_number_prefix(self) -> str:
        prefix = self.cleaned_data["note_number_prefix"].strip()
        if prefix[-1:].isdigit():
            raise forms.ValidationError(
                _("End the prefix with a letter or a sign (e.g. DN- or 2026-), not a digit.")
            )
        return prefix


class InviteMemberForm(SingleLineFieldsMixin, forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.STAFF)


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class SignUpForm(SingleLineFieldsMixin, SetPasswordMixin, forms.Form):
    """Name and password of an invitee without an account; the email comes from the invitation."""

    name = forms.CharField(label=_("Name"), max_length=150)
    password1, password2 = SetPasswordMixin.create_password_fields()

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict:
        self.validate_passwords()
        self.validate_password_for_user(
            User(email=self.email, name=self.cleaned_data.get("name", ""))
        )
        return super().clean()


class BrandImageHostsForm(forms.ModelForm):
    """Settings → Brand: the hosts whose product images pages may load (Admins)."""

    class Meta:
        model = Brand
        fields = ["allowed_image_hosts"]
        widgets = {"allowed_image_hosts": forms.Textarea(attrs={"rows": 4})}

    def clean_allowed_image_hosts(self) -> str:
        hosts: list[str] = []
        for entry in self.cleaned_data["allowed_image_hosts"].split():
            host = entry.lower()
            if "://" in host:  # a pasted image address: keep its host
                host = urlsplit(host).hostname or ""
            if not IMAGE_HOST.fullmatch(host):
                raise ValidationError(
                    _("“%(entry)s” is not a host name such as cdn.example.com or *.example.com."),
                    params={"entry": entry},
                    code="invalid_host",
                )
            if host not in hosts:
                hosts.append(host)
        return "\n".join(hosts)
