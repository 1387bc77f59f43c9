"""Forms of the catalogue pages: product, customer and its addresses, list filters."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from brands.validators import SingleLineFieldsMixin
from delivery_notes.catalogue.models import Customer, CustomerAddress, Product
from delivery_notes.countries import normalize_country_code
from delivery_notes.forms import clean_currency_code, search_field
from delivery_notes.line_options import format_options, parse_options

PAGE_SIZE = 50


def _helper(*rows) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*rows)
    return helper


class ProductFilterForm(SingleLineFieldsMixin, forms.Form):
    q = search_field(_("SKU, style, name or location"))
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Active and inactive")), ("1", _("Active")), ("0", _("Inactive"))],
    )
    style = forms.CharField(label=_("Style code"), required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {"q": ""}
        data = self.cleaned_data
        active = {"1": True, "0": False}.get(data["active"])
        return {"q": data["q"], "active": active, "style": data["style"].strip()}


class CustomerFilterForm(SingleLineFieldsMixin, forms.Form):
    q = search_field(_("Code, company, contact, email or phone"))


class ProductForm(SingleLineFieldsMixin, forms.ModelForm):
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "カラー=ホワイト; サイズ=M"}),
        help_text=_("name=value pairs separated by semicolons (colour, size, design…)."),
    )
    image_url = forms.URLField(
        label=_("Image URL"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Product
        fields = [
            "sku",
            "name",
            "style_code",
            "options",
            "unit_price",
            "currency",
            "weight_grams",
            "hs_code",
            "country_of_origin",
            "image_url",
            "warehouse_location",
            "is_active",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["options"] = format_options(self.instance.options)
        self.helper = _helper(
            Row(Column("sku"), Column("style_code")),
            "name",
            "options",
            Row(Column("unit_price"), Column("currency"), Column("weight_grams")),
            Row(Column("hs_code"), Column("country_of_origin"), Column("warehouse_location")),
            "image_url",
            "is_active",
        )

    def clean_sku(self) -> str:
        sku = self.cleaned_data["sku"].strip()
        # Product.objects is brand-scoped: this looks at this brand's SKUs only.
        if Product.objects.filter(sku=sku).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("A product with SKU “%(sku)s” already exists."), params={"sku": sku}
            )
        return sku

    def clean_options(self) -> dict:
        return parse_options(self.cleaned_data["options"])

    def clean_currency(self) -> str:
        return clean_currency_code(self.cleaned_data["currency"])

    def clean_country_of_origin(self) -> str:
        value = self.cleaned_data["country_of_origin"]
        return normalize_country_code(value) if value.strip() else ""


class CustomerForm(SingleLineFieldsMixin, forms.ModelForm):
    class Meta:
        model = Customer
        fields = [
            "code",
            "company",
            "contact_name",
            "email",
            "phone",
            "delivery_terms",
            "requested_carrier",
            "requested_service",
            "payment_method",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requested_carrier"].widget.attrs["list"] = "carrier-codes"
        self.helper = _helper(
            Row(Column("code"), Column("company"), Column("contact_name")),
            Row(Column("email"), Column("phone")),
            Fieldset(
                _("Defaults for delivery notes"),
                Row(
                    Column("requested_carrier"),
                    Column("requested_service"),
                    Column("delivery_terms"),
                    Column("payment_method"),
                ),
            ),
        )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if Customer.objects.filter(code=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("A customer with code “%(code)s” already exists."), params={"code": code}
            )
        return code

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("company") or data.get("contact_name")):
            self.add_error("company", _("Enter a company or a contact name."))
        return data


class AddressForm(SingleLineFieldsMixin, forms.ModelForm):
    class Meta:
        model = CustomerAddress
        fields = [
            "label",
            "recipient_company",
            "recipient_name",
            "postal_code",
            "country_code",
            "prefecture",
            "city",
            "address_line1",
            "address_line2",
            "phone",
            "is_default",
        ]

    def clean_country_code(self) -> str:
        return normalize_country_code(self.cleaned_data["country_code"])


class BaseAddressFormSet(forms.BaseInlineFormSet):
    default_error_messages = {"too_few_forms": _("Add at least one shipping address.")}

    def clean(self) -> None:
        super().clean()
        kept = [
            f
            for f in self.forms
            if f.is_valid() and f not in self.deleted_forms and (f.instance.pk or f.has_changed())
        ]
        defaults = [f for f in kept if f.cleaned_data.get("is_default")]
        if len(defaults) > 1:
            raise forms.ValidationError(_("Mark only one address as the default."))
        if kept and not defaults:
            # The first address is the default unless another one is marked.
            kept[0].cleaned_data["is_default"] = True
            kept[0].instance.is_default = True


AddressFormSet = forms.inlineformset_factory(
    Customer,
    CustomerAddress,
    form=AddressForm,
    formset=BaseAddressFormSet,
    extra=1,
    can_delete=True,
)


def address_form_helper() -> FormHelper:
    """One address as a card's fields (the formset is rendered form by form)."""
    helper = _helper(
        Row(Column("label"), Column("recipient_company"), Column("recipient_name")),
        Row(Column("postal_code"), Column("country_code"), Column("prefecture")),
        Row(Column("city"), Column("address_line1"), Column("address_line2")),
        Row(Column("phone"), Column("is_default"), Column("DELETE")),
    )
    helper.disable_csrf = True
    return helper
