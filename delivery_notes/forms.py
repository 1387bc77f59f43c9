"""Forms of the delivery-note pages: list filters, note + lines, manual shipment, CSV upload."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brands.models import Brand, User
from brands.validators import SingleLineFieldsMixin
from delivery_notes.catalogue.models import Customer, Product
from delivery_notes.countries import normalize_country_code
from delivery_notes.line_options import format_options, parse_options
from delivery_notes.models import HAKOBU, DeliveryNote, DeliveryNoteLine, ShippingStatus
from delivery_notes.services import lock_note, log_note_saved
from delivery_notes.tracking import CARRIERS, carrier_choices
from integrations.registry import platforms

PAGE_SIZES = (25, 50, 100)


def _date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def search_field(placeholder: str) -> forms.CharField:
    """The free-text search box of a list's filter form (the note list, the catalogue's)."""
    return forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": placeholder}),
    )


class NoteFilterForm(SingleLineFieldsMixin, forms.Form):
    """The list's GET parameters; `delivery_notes.selectors.filter_notes` applies them."""

    q = search_field(_("Number, recipient, order or tracking no."))
    status = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=ShippingStatus.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    issued_from = forms.DateField(label=_("Issued from"), required=False, widget=_date_input())
    issued_to = forms.DateField(label=_("Issued to"), required=False, widget=_date_input())
    platform = forms.ChoiceField(
        label=_("Platform"),
        required=False,
        choices=lambda: [
            ("", _("All platforms")),
            (HAKOBU, _("Hakobu (no platform shipment)")),
            *[(spec.platform, spec.label) for spec in platforms()],
        ],
    )
    # The link of a "shipments synced" email: the notes it told about (an announcement's id).
    announcement = forms.IntegerField(
        label=_("Notification email"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        widget=forms.HiddenInput,
    )
    per_page = forms.TypedChoiceField(
        label=_("Per page"),
        required=False,
        choices=[(size, size) for size in PAGE_SIZES],
        coerce=int,
        empty_value=PAGE_SIZES[0],
    )

    def page_size(self) -> int:
        if self.is_valid():
            return self.cleaned_data["per_page"]
        return PAGE_SIZES[0]

    def announcement_id(self) -> int | None:
        """The announcement the list is filtered to (None when absent or invalid)."""
        self.is_valid()
        return self.cleaned_data.get("announcement")


def clean_currency_code(value: str) -> str:
    """A currency typed in a form: three letters, upper-cased."""
    currency = value.strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise forms.ValidationError(_("Enter a three-letter currency code (e.g. JPY)."))
    return currency


def _catalogue_link(model) -> forms.ModelChoiceField:
    """A hidden link to a catalogue row; its (brand-scoped) queryset is set per form instance."""
    return forms.ModelChoiceField(
        queryset=model._base_manager.none(), required=False, widget=forms.HiddenInput
    )


class NoteForm(SingleLineFieldsMixin, forms.ModelForm):
    customer = _catalogue_link(Customer)
    total_amount = forms.DecimalField(
        label=_("Total amount"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text=_("Empty: the sum of the lines."),
    )
    total_weight_grams = forms.IntegerField(
        label=_("Total weight (g)"),
        required=False,
        min_value=0,
        help_text=_("Empty: the sum of the lines."),
    )

    class Meta:
        model = DeliveryNote
        fields = [
            "number",
            "issue_date",
            "order_reference",
            "recipient_company",
            "recipient_name",
            "postal_code",
            "country_code",
            "prefecture",
            "city",
            "address_line1",
            "address_line2",
            "phone",
            "email",
            "requested_carrier",
            "requested_service",
            "delivery_terms",
            "payment_method",
            "discount_code",
            "is_gift",
            "gift_message",
            "customer_notes",
            "internal_notes",
            "currency",
            "total_amount",
            "total_weight_grams",
            "customer",
        ]
        widgets = {
            "issue_date": _date_input(),
            "gift_message": forms.Textarea(attrs={"rows": 2}),
            "customer_notes": forms.Textarea(attrs={"rows": 2}),
            "internal_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def _line_sums(self) -> dict[str, Decimal | int]:
        """What each total is when it follows the saved lines."""
        lines = (
            list(self.instance.lines.values_list("quantity", "unit_price", "weight_grams"))
            if self.instance.pk
            else []
        )
        return {
            "total_amount": sum((q * price for q, price, _w in lines), Decimal(0)),
            "total_weight_grams": sum(q * weight for q, _p, weight in lines),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A total left empty is the sum of the lines: show it empty when it is that sum (or the
        # note is new), so editing the lines keeps it right; a total typed by hand stays.
        for name, line_sum in self._line_sums().items():
            if self.instance.pk is None or getattr(self.instance, name) == line_sum:
                self.initial.pop(name, None)
        self._carrier_picker()
        # Picked with the customer type-ahead; scoped: only this brand's customers are valid.
        self.fields["customer"].queryset = Customer.objects.all()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("number"), Column("issue_date"), Column("order_reference")),
            Fieldset(
                _("Recipient"),
                Row(Column("recipient_company"), Column("recipient_name")),
                Row(Column("postal_code"), Column("country_code"), Column("prefecture")),
                Row(Column("city"), Column("address_line1"), Column("address_line2")),
                Row(Column("phone"), Column("email")),
            ),
            Fieldset(
                _("Delivery and payment"),
                Row(
                    Column("requested_carrier"),
                    Column("requested_service"),
                    Column("delivery_terms"),
                ),
                Row(Column("payment_method"), Column("discount_code")),
                Row(Column("is_gift"), Column("gift_message")),
                Row(Column("customer_notes"), Column("internal_notes")),
            ),
            Fieldset(
                _("Totals"),
                Row(Column("currency"), Column("total_amount"), Column("total_weight_grams")),
            ),
        )

    def _carrier_picker(self) -> None:
        """The requested carrier from the known ones (a note's unknown code stays offered), and
        its services as suggestions (static/js/note-form.js follows the chosen carrier)."""
        current = (self.instance.requested_carrier or "").strip()
        choices = [("", _("No preference")), *carrier_choices()]
        if current and current.lower() not in CARRIERS:
            choices.append((current, current))
        field = self.fields["requested_carrier"]
        field.widget = forms.Select(
            choices=choices, attrs={"data-service-input": "id_requested_service"}
        )
        self._carrier_codes = {code for code, _label in choices}
        chosen = (
            self.data.get(self.add_prefix("requested_carrier")) if self.is_bound else current
        ) or ""
        self.fields["requested_service"].widget.attrs["list"] = (
            f"services-{chosen.lower() or 'none'}"
        )

    def clean_requested_carrier(self) -> str:
        carrier = self.cleaned_data["requested_carrier"].strip()
        if carrier not in self._carrier_codes:
            raise forms.ValidationError(_("Choose one of the listed carriers."))
        return carrier

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip()
        # DeliveryNote.objects is brand-scoped: this looks at this brand's numbers only.
        taken = DeliveryNote.objects.filter(number=number).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("A delivery note with number “%(number)s” already exists."),
                params={"number": number},
                code="duplicate_number",
            )
        return number

    def clean_country_code(self) -> str:
        return normalize_country_code(self.cleaned_data["country_code"])

    def clean_currency(self) -> str:
        return clean_currency_code(self.cleaned_data["currency"])

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("recipient_company") or data.get("recipient_name")):
            self.add_error("recipient_company", _("Enter a company or a contact name."))
        return data


# Line numbers people often leave empty: empty means 0.
OPTIONAL_NUMBERS = ("unit_price", "weight_grams")


class LineForm(SingleLineFieldsMixin, forms.ModelForm):
    product = _catalogue_link(Product)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "color=natural; size=M"}),
    )
    image_url = forms.URLField(
        label=_("Image URL"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = DeliveryNoteLine
        fields = [
            "sku",
            "name",
            "options",
            "quantity",
            "unit_price",
            "weight_grams",
            "warehouse_location",
            "image_url",
            "product",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Set by the SKU/name type-ahead; scoped: only this brand's products are valid.
        self.fields["product"].queryset = Product.objects.all()
        if self.instance.pk:
            self.initial["options"] = format_options(self.instance.options)
        self.fields["quantity"].widget.attrs["min"] = 1
        for name in OPTIONAL_NUMBERS:
            self.fields[name].required = False

    def clean_unit_price(self) -> Decimal:
        return self.cleaned_data["unit_price"] or Decimal(0)

    def clean_weight_grams(self) -> int:
        return self.cleaned_data["weight_grams"] or 0

    def clean_options(self) -> dict:
        return parse_options(self.cleaned_data["options"])

    def clean(self) -> dict:
        data = super().clean()
        product = data.get("product")
        if product is not None and data.get("sku", "") != product.sku:
            data["product"] = None  # the SKU was changed after picking: no longer that product
            self.instance.product = None
        return data

    def clean_quantity(self) -> int:
        quantity = self.cleaned_data["quantity"]
        if quantity < 1:
            raise forms.ValidationError(_("At least 1."))
        return quantity


class BaseLineFormSet(forms.BaseInlineFormSet):
    # Django's default ("Please submit at least 1 form.") speaks of forms, not of lines.
    default_error_messages = {"too_few_forms": _("Add at least one line.")}


LineFormSet = forms.inlineformset_factory(
    DeliveryNote,
    DeliveryNoteLine,
    form=LineForm,
    formset=BaseLineFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    can_delete=True,
)


def line_formset_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.template = "bootstrap5/table_inline_formset.html"
    return helper


@transaction.atomic
def save_note(
    form: NoteForm, lines: forms.BaseInlineFormSet, *, brand: Brand, actor: User
) -> DeliveryNote:
    """Save a valid note form and its lines (in form order) and log the change."""
    created = form.instance.pk is None
    note = form.save(commit=False)
    if created:
        note.brand = brand
    else:
        lock_note(note)  # keep the status as committed (the sync may have just shipped it)
    totals_given = {
        "total_amount": form.cleaned_data.get("total_amount"),
        "total_weight_grams": form.cleaned_data.get("total_weight_grams"),
    }
    note.total_amount = totals_given["total_amount"] or Decimal(0)
    note.total_weight_grams = totals_given["total_weight_grams"] or 0
    note.save()
    saved = []
    for line_form in lines.forms:
        if line_form in lines.deleted_forms:
            if line_form.instance.pk:
                line_form.instance.delete()
            continue
        if not (line_form.instance.pk or line_form.has_changed()):
            continue
        line = line_form.save(commit=False)
        line.note = note
        line.brand_id = note.brand_id
        line.position = len(saved)
        line.save()
        saved.append(line)
    if totals_given["total_amount"] is None:
        note.total_amount = sum((line.quantity * line.unit_price for line in saved), Decimal(0))
    if totals_given["total_weight_grams"] is None:
        note.total_weight_grams = sum(line.quantity * line.weight_grams for line in saved)
    note.save(update_fields=["total_amount", "total_weight_grams", "updated_at"])
    # Field names, not labels: the activity is worded in each reader's language.
    changed = [*form.changed_data, *(["lines"] if lines.has_changed() else [])]
    log_note_saved(note, created=created, changed=changed, actor=actor)
    return note


class ShipmentForm(SingleLineFieldsMixin, forms.Form):
    """A manual shipment: some or all of the quantities not shipped yet."""

    carrier = forms.CharField(
        label=_("Carrier"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"list": "carrier-codes", "data-service-input": "id_service"}),
        help_text=_("A carrier code (yamato, sagawa…) links tracking numbers to its site."),
    )
    service = forms.CharField(
        label=_("Service"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"list": "services-none"}),
    )
    tracking_numbers = forms.CharField(
        label=_("Tracking numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line (or separated by commas)."),
    )
    shipped_on = forms.DateField(label=_("Shipped date"), widget=_date_input())

    def __init__(self, *args, lines: list[DeliveryNoteLine], remaining: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipped_on"].initial = timezone.localdate()
        carrier = (self.initial.get("carrier") or "").strip().lower()
        if carrier:
            self.fields["service"].widget.attrs["list"] = f"services-{carrier}"
        self.line_fields = []
        for line in lines:
            left = remaining.get(line.pk, 0)
            if not left:
                continue
            name = f"line_{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=_("%(line)s (%(left)d not shipped)") % {"line": line, "left": left},
                min_value=0,
                max_value=left,
                initial=left,
            )
            self.line_fields.append((name, line.pk))

    def clean_carrier(self) -> str:
        carrier = self.cleaned_data["carrier"].strip()
        return carrier.lower() if carrier.lower() in CARRIERS else carrier

    def clean_tracking_numbers(self) -> list[str]:
        text = self.cleaned_data["tracking_numbers"].replace(",", "\n")
        return [number.strip() for number in text.splitlines() if number.strip()]

    def clean(self) -> dict:
        data = super().clean()
        if not any(data.get(name) for name, _pk in self.line_fields):
            raise forms.ValidationError(_("Enter a quantity for at least one line."))
        return data

    def line_quantity_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _pk in self.line_fields]

    def quantities(self) -> dict[int, int]:
        return {
            pk: self.cleaned_data[name] for name, pk in self.line_fields if self.cleaned_data[name]
        }


class ShipmentRequestForm(forms.Form):
    """A planned parcel: how many of each line go in it (what is left and not planned yet)."""

    def __init__(self, *args, lines: list[DeliveryNoteLine], plannable: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.line_fields = []
        for line in lines:
            left = plannable.get(line.pk, 0)
            if not left:
                continue
            name = f"request_line_{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=_("%(line)s (%(left)d to plan)") % {"line": line, "left": left},
                min_value=0,
                max_value=left,
                initial=0,
                required=False,  # an empty box is none of that line
            )
            self.line_fields.append((name, line.pk))

    def clean(self) -> dict:
        data = super().clean()
        if not any(data.get(name) for name, _pk in self.line_fields):
            raise forms.ValidationError(_("Enter a quantity for at least one line."))
        return data

    def quantities(self) -> dict[int, int]:
        return {
            pk: self.cleaned_data[name] for name, pk in self.line_fields if self.cleaned_data[name]
        }


IMPORT_MAX_MEGABYTES = 10


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 or Shift_JIS, one row per line; see the columns below."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_MEGABYTES * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB. Split it into smaller files."),
                params={"size": IMPORT_MAX_MEGABYTES},
            )
        return upload
