"""The print dialog: which document, whose language, and the gift variant."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from delivery_notes.documents.delivery_note import (
    LANGUAGE_BRAND,
    LANGUAGE_RECIPIENT,
    DeliveryNoteOptions,
)
from delivery_notes.models import DocumentJob


class PrintForm(forms.Form):
    """Field names carry a `document_` prefix: the list's bulk form holds other actions' fields."""

    document_kind = forms.ChoiceField(
        label=_("Document"),
        choices=DocumentJob.Kind.choices,
        initial=DocumentJob.Kind.DELIVERY_NOTES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    document_language = forms.ChoiceField(
        label=_("Language of the delivery note"),
        choices=[
            (LANGUAGE_BRAND, _("The brand's language")),
            (
                LANGUAGE_RECIPIENT,
                _("The recipient's (Japanese for addresses in Japan, else English)"),
            ),
        ],
        initial=LANGUAGE_BRAND,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    document_gift = forms.BooleanField(
        label=_("Gift variant: no prices on gifts"),
        required=False,
        help_text=_("Notes marked as a gift print without unit prices, amounts or totals."),
    )

    def __init__(self, *args, brand_language: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if brand_language:
            name = dict(settings.LANGUAGES).get(brand_language, brand_language)
            self.fields["document_language"].choices = [
                (LANGUAGE_BRAND, _("The brand's language (%(language)s)") % {"language": name}),
                self.fields["document_language"].choices[1],
            ]

    @property
    def kind(self) -> str:
        return self.cleaned_data["document_kind"]

    @property
    def options(self) -> DeliveryNoteOptions:
        return DeliveryNoteOptions(
            language=self.cleaned_data["document_language"],
            gift_variant=self.cleaned_data["document_gift"],
        )
