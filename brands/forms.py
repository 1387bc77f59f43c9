"""Forms for accounts (log in, password reset, profile) and brand members."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordMixin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from brands import login_throttle
from brands.models import Brand, Role, User


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
        if email and login_throttle.is_locked(email):
            raise ValidationError(
                _(
                    "Too many failed attempts for this email. Wait %(minutes)d minutes, or reset "
                    "your password."
                )
                % {"minutes": settings.LOGIN_LOCKOUT_SECONDS // 60},
                code="locked",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            if email:
                login_throttle.record_failure(email)
            raise
        login_throttle.clear(email)
        return cleaned


class LocalizedPasswordResetForm(PasswordResetForm):
    """Sends the reset email in the account's language, with a link to settings.SITE_URL."""

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
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "language"]


class NoteNumberingForm(forms.ModelForm):
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


class InviteMemberForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.STAFF)


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class SignUpForm(SetPasswordMixin, forms.Form):
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
