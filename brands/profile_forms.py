"""Settings → Brand: the sender's company, address and documents' letterhead."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from brands.models import BrandProfile
from brands.validators import SingleLineFieldsMixin

LOGO_MAX_BYTES = 2 * 1024 * 1024
# Signatures of the image formats every PDF library draws without extra codecs.
LOGO_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


def logo_kind(upload: UploadedFile) -> str | None:
    """ "png" or "jpg" when the file's bytes (not its name) say so, else None."""
    head = upload.read(8)
    upload.seek(0)
    return next((kind for sig, kind in LOGO_SIGNATURES.items() if head.startswith(sig)), None)


class BrandProfileForm(SingleLineFieldsMixin, forms.ModelForm):
    class Meta:
        model = BrandProfile
        fields = [
            "company_name",
            "postal_code",
            "prefecture",
            "city",
            "address_line1",
            "address_line2",
            "country_code",
            "phone",
            "email",
            "logo",
            "registration_number",
            "footer_text",
        ]
        widgets = {"footer_text": forms.Textarea(attrs={"rows": 3}), "logo": forms.FileInput}

    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.logo:
            del self.fields["remove_logo"]

    def clean_country_code(self) -> str:
        code = self.cleaned_data["country_code"].strip().upper()
        if len(code) != 2 or not code.isalpha():
            raise forms.ValidationError(_("Use the two-letter country code, for example JP."))
        return code

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not isinstance(logo, UploadedFile):
            return logo
        if logo.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("The logo must be 2 MB or smaller."))
        if logo_kind(logo) is None:
            raise forms.ValidationError(_("The logo must be a PNG or JPEG image."))
        return logo

    def save(self, commit: bool = True) -> BrandProfile:
        if self.cleaned_data.get("remove_logo") and "logo" not in self.files:
            self.instance.logo.delete(save=False)
            self.instance.logo = ""
        return super().save(commit)
