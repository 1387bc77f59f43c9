"""Users, brands (the tenants) and the memberships that join them."""

from __future__ import annotations

import re
import secrets
import zoneinfo
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brands.scoping import BrandOwned
from brands.validators import validate_single_line


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person; logs in by email. Belongs to brands through Membership."""

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(
        _("name"), max_length=150, blank=True, validators=[validate_single_line]
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email


IMAGE_HOST = re.compile(
    r"(\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+"
)
TIME_ZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]


class Brand(models.Model):
    """A tenant: a maker who sells wholesale. Everything brand-owned points here."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Asia/Tokyo"
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="ja"
    )
    allowed_image_hosts = models.TextField(
        _("allowed image hosts"),
        blank=True,
        help_text=_(
            "Host names whose product images the delivery-note pages may show, one per line (for "
            "example cdn.shopify.com, or *.example.com for every subdomain). Images from other "
            "hosts are shown as links, so opening a page never contacts a third party."
        ),
    )
    # A new note's suggested number: prefix + the next number, zero-padded to `digits`
    # (DN-00042). Numbers typed by hand stay as typed; see delivery_notes.numbering.
    note_number_prefix = models.CharField(
        _("number prefix"),
        max_length=20,
        blank=True,
        default="DN-",
        help_text=_("Letters before the running number, e.g. DN- or 2026-. May be empty."),
    )
    note_number_digits = models.PositiveSmallIntegerField(
        _("digits"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("The running number is padded with zeros to this many digits."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def image_hosts(self) -> list[str]:
        """The allowed image hosts, lower-case (a leading "*." allows subdomains).

        Anything that is not a plain host name is dropped: the hosts go into the
        Content-Security-Policy header, where a ";" would start a directive of its own.
        """
        hosts = (host.lower() for host in self.allowed_image_hosts.split())
        return [host for host in hosts if IMAGE_HOST.fullmatch(host)]

    def allows_image(self, url: str) -> bool:
        """True when `url` is an https image on one of the allowed hosts."""
        parts = urlsplit(url or "")
        host = (parts.hostname or "").lower()
        if parts.scheme != "https" or not host:
            return False
        return any(
            host == allowed or (allowed.startswith("*.") and host.endswith(allowed[1:]))
            for allowed in self.image_hosts()
        )


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    STAFF = "staff", _("Staff")
    VIEWER = "viewer", _("Viewer")


# Higher rank includes everything a lower rank may do.
ROLE_RANK = {Role.VIEWER: 1, Role.STAFF: 2, Role.ADMIN: 3}


class Membership(BrandOwned):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [models.UniqueConstraint(fields=["brand", "user"], name="unique_membership")]
        ordering = ["user__email"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.brand_id} ({self.role})"

    def has_role(self, role: str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(BrandOwned):
    """An emailed link that turns its holder into a member; expires."""

    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # None while an email is due: the sending task claims it, so a retried task never sends twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    @property
    def expires_at(self) -> datetime:
        return self.created_at + timedelta(days=settings.INVITATION_MAX_AGE_DAYS)

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


def _logo_path(instance: BrandProfile, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"brands/{instance.brand_id}/logo-{secrets.token_hex(6)}.{extension}"


class BrandProfile(BrandOwned):
    """The sender: letterhead of the brand's documents and ship-from address of its labels.

    One place for both, so a label never ships from an address the delivery note does not show.
    """

    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    prefecture = models.CharField(_("prefecture / state"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address_line1 = models.CharField(_("address line 1"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    country_code = models.CharField(_("country code"), max_length=2, default="JP")
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    logo = models.FileField(_("logo"), upload_to=_logo_path, blank=True)
    registration_number = models.CharField(
        _("registration number"),
        max_length=40,
        blank=True,
        help_text=_("For example your qualified invoice issuer number (T + 13 digits)."),
    )
    footer_text = models.TextField(_("footer text"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What a carrier needs to ship from this address.
    SHIP_FROM_FIELDS = ("company_name", "postal_code", "city", "address_line1", "phone")

    class Meta:
        verbose_name = _("brand profile")
        verbose_name_plural = _("brand profiles")
        constraints = [models.UniqueConstraint(fields=["brand"], name="one_profile_per_brand")]

    def __str__(self) -> str:
        return self.company_name or str(self.brand_id)

    @property
    def missing_ship_from_fields(self) -> list[str]:
        """Verbose names of the fields a ship-from address still lacks (empty when complete)."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.SHIP_FROM_FIELDS
            if not getattr(self, name)
        ]

    @property
    def can_ship_from(self) -> bool:
        return not self.missing_ship_from_fields
