"""Tenant isolation: no URL of the project lets a member of brand A see or change brand B's data.

The test discovers everything itself, so URL patterns and brand-owned models added later are
covered with no edit here:

* it walks every URL pattern of the root URLconf and fills each path parameter with brand B's
  values (every B row has the primary key `B_PK`, which no row of brand A has, so a 404 is never a
  coincidence);
* it builds one row of every concrete `BrandOwned` model for brand B, filling fields generically
  (text fields carry the `MARKER`). A model the generic filler cannot build makes the test fail:
  add an entry to `FACTORIES` below. A path parameter it cannot fill makes the test fail too: add
  an entry to `KWARG_VALUES`.

Logged in as brand A's Admin it then requests every URL with GET, POST and DELETE (with and
without htmx headers) and checks:
  (a) `/b/<B's slug>/...` answers 404, whatever the method;
  (b) `/b/<A's slug>/...` with every other parameter naming one of B's objects answers 403, 404 or
      405 (never a page, never a redirect);
  (c) no response of any URL (brand pages, account pages, invitation links) contains the marker;
  (d) brand B's rows, memberships and users are exactly as before.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from types import ModuleType
from urllib.parse import quote

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import models
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve, reverse
from django.urls.converters import IntConverter
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from brands.models import Brand, Invitation, Membership, Role
from brands.scoping import BrandOwned, scopes_disabled
from tests.factories import BrandFactory, UserFactory

MARKER = "BRAND-B-SECRET"
B_PK = 900_001
B_SLUG = "brand-b"


@dataclass
class BrandB:
    """Brand B and one row of every brand-owned model, as the generic builder made them."""

    brand: Brand
    user: models.Model
    rows: dict[type[models.Model], models.Model] = field(default_factory=dict)


# Field values for models the generic filler cannot build (or builds unrealistically), by model
# label: a function of brand B's data returning field values; the other fields stay generic.
FACTORIES: dict[str, Callable[[BrandB], dict]] = {
    "integrations.Integration": lambda b: {
        "platform": "shipandco",
        "status": "integrated",
        "credentials": {"access_token": "brand-b-token"},
    },
}

# Values for path parameters that are not ids, tokens or slugs of brand B's rows.
KWARG_VALUES: dict[str, Callable[[BrandB], list]] = {
    "uidb64": lambda b: [urlsafe_base64_encode(force_bytes(b.user.pk))],
}

# Patterns this test cannot request, each with the reason. Anything else that cannot be built
# from the values above fails the test, so no pattern escapes silently.
UNREACHABLE_ALLOWED = [
    r"^static/(?P<path>.*)$",  # static files served by runserver/whitenoise: no brand data
    r"^media/(?P<path>.*)$",  # uploaded files in DEBUG: served by the web server in production
]

METHODS = [
    ("get", {}),
    ("post", {}),
    ("delete", {}),
    ("get", {"HTTP_HX_REQUEST": "true"}),
    ("post", {"HTTP_HX_REQUEST": "true"}),
]
ISOLATED_STATUSES = {403, 404, 405}
ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
KEY_FIELD_NAMES = {"token", "slug", "number", "code", "reference", "external_id", "uuid", "key"}


class CannotBuild(Exception):
    pass


# --- brand B's data ------------------------------------------------------------------------------


def brand_owned_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, BrandOwned) and not model._meta.proxy and not model._meta.swapped
    ]


def generic_text(model: type[models.Model], model_field: models.Field) -> str:
    name = f"{model.__name__}-{model_field.name}".lower()
    if isinstance(model_field, models.EmailField):
        return f"{MARKER.lower()}-{name}@b.example"
    if isinstance(model_field, models.URLField):
        return f"https://b.example/{MARKER.lower()}/{name}"
    if isinstance(model_field, models.SlugField):
        return f"{MARKER.lower()}-{name}".replace("_", "-")[: model_field.max_length]
    return f"{MARKER}-{name}"[: model_field.max_length or None]


SIMPLE_VALUES: list[tuple[type[models.Field], Callable[[], object]]] = [
    (models.BooleanField, lambda: False),
    (models.IntegerField, lambda: 1),  # includes the positive/small/big variants
    (models.DecimalField, lambda: Decimal("1")),
    (models.FloatField, lambda: 1.0),
    (models.DateTimeField, timezone.now),  # before DateField: it is a subclass
    (models.DateField, date.today),
    (models.TimeField, lambda: time(12)),
    (models.DurationField, timedelta),
    (models.UUIDField, uuid.uuid4),
    (models.JSONField, dict),
    (models.BinaryField, bytes),
    (models.GenericIPAddressField, lambda: "192.0.2.1"),
    (models.FileField, lambda: ContentFile(b"x", name=f"{MARKER}.txt")),
]

SKIP = object()


def field_value(
    model: type[models.Model], model_field: models.Field, b: BrandB, building: set
) -> object:
    """A value for `model_field` of brand B's row: relations point at brand B's rows, text carries
    the marker, the rest keeps its default or gets a plain valid value."""
    if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
        return SKIP
    if model_field.is_relation:
        target = model_field.related_model
        if target is Brand:
            return b.brand
        if target is get_user_model():
            return b.user
        if issubclass(target, BrandOwned):
            row = build_row(target, b, building)
            if row is not None or model_field.null:
                return row
            raise CannotBuild(f"{model_field.name} is part of a required relation cycle")
        if model_field.null or model_field.has_default():
            return SKIP
        raise CannotBuild(f"{model_field.name} points at {target._meta.label}, not brand-owned")
    if model_field.choices:
        return SKIP if model_field.has_default() else model_field.choices[0][0]
    if isinstance(model_field, models.CharField | models.TextField):
        default = model_field.get_default() if model_field.has_default() else ""
        return SKIP if default else generic_text(model, model_field)
    if model_field.has_default() or model_field.null:
        return SKIP
    for field_class, make in SIMPLE_VALUES:
        if isinstance(model_field, field_class):
            return make()
    raise CannotBuild(f"no generic value for {model_field.name} ({type(model_field).__name__})")


def build_row(model: type[models.Model], b: BrandB, building: set) -> models.Model | None:
    """Brand B's row of `model` (pk B_PK), building the rows it points at first."""
    if model in b.rows:
        return b.rows[model]
    if model in building:
        return None  # a relation cycle: the nullable side stays empty
    building.add(model)
    label = model._meta.label
    try:
        values = {model._meta.pk.attname: B_PK, **FACTORIES.get(label, lambda _b: {})(b)}
        for model_field in model._meta.concrete_fields:
            if model_field.primary_key or model_field.name in values:
                continue
            value = field_value(model, model_field, b, building)
            if value is not SKIP:
                values[model_field.name] = value
        with scopes_disabled():
            row = model(**values)
            row.save(force_insert=True)
            for m2m in model._meta.many_to_many:
                target = m2m.remote_field.model
                if m2m.remote_field.through._meta.auto_created and issubclass(target, BrandOwned):
                    getattr(row, m2m.name).set([build_row(target, b, building)])
    except Exception as exc:
        raise AssertionError(
            f"Cannot build a row of {label} for brand B generically ({exc!r}). Add an entry "
            f'"{label}": lambda b: {{...field values...}} to FACTORIES at the top of '
            "tests/test_tenant_isolation.py."
        ) from exc
    b.rows[model] = row
    return row


def build_brand_b() -> BrandB:
    brand = BrandFactory(pk=B_PK, name=f"{MARKER} Brand", slug=B_SLUG)
    user = UserFactory(pk=B_PK, email=f"{MARKER.lower()}-owner@b.example", name=f"{MARKER} Owner")
    b = BrandB(brand=brand, user=user)
    for model in brand_owned_models():
        build_row(model, b, set())
    return b


def is_key_field(model: type[models.Model], model_field: models.Field) -> bool:
    """Fields whose values name a row (what a URL would carry): unique, or named like a key."""
    unique_sets = [set(fields) for fields in model._meta.unique_together] + [
        set(c.fields)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.fields
    ]
    return (
        model_field.unique
        or model_field.name in KEY_FIELD_NAMES
        or any(model_field.name in fields for fields in unique_sets)
    )


def brand_b_values(b: BrandB) -> list[tuple[object, bool]]:
    """(value, names-a-B-object) pairs for path parameters: B's ids, slug, tokens, numbers.

    A choice value (e.g. a platform) is not specific to brand B, so a page for it may exist in
    brand A: such values are tried, but do not demand a 404.
    """
    values: dict[object, bool] = {B_PK: True, b.brand.slug: True}
    for model, row in b.rows.items():
        values[row.pk] = True
        for model_field in model._meta.concrete_fields:
            if not isinstance(model_field, models.CharField | models.UUIDField):
                continue
            value = getattr(row, model_field.attname)
            if value and not model_field.is_relation and is_key_field(model, model_field):
                values.setdefault(str(value), not model_field.choices)
    return list(values.items())


def snapshot(b: BrandB) -> dict:
    """A fingerprint of every row brand B owns, its brand row and its members' accounts."""

    def digest(values: list) -> str:
        return hashlib.sha256(repr(values).encode()).hexdigest()

    state: dict = {}
    with scopes_disabled():
        for model in brand_owned_models():
            rows = {}
            for row in model._default_manager.filter(brand=b.brand):
                values = [str(getattr(row, f.attname)) for f in model._meta.concrete_fields]
                for m2m in model._meta.many_to_many:
                    values.append(sorted(getattr(row, m2m.name).values_list("pk", flat=True)))
                rows[row.pk] = digest(values)
            state[model._meta.label] = rows
        brand = Brand.objects.get(pk=b.brand.pk)
        state["brand"] = digest([str(getattr(brand, f.attname)) for f in Brand._meta.fields])
        members = get_user_model().objects.filter(memberships__brand=b.brand).order_by("pk")
        state["users"] = [
            digest([u.pk, u.email, u.password, u.name, u.language, u.is_active]) for u in members
        ]
    return state


# --- URL patterns ------------------------------------------------------------------------------


@dataclass
class Pattern:
    parts: tuple  # RoutePattern / RegexPattern of each level, outermost first
    name: str

    @property
    def route(self) -> str:
        return "".join(str(part) for part in self.parts)

    @property
    def converters(self) -> dict:
        found: dict = {}
        for part in self.parts:
            if isinstance(part, RoutePattern):
                found.update(part.converters)
            else:
                found.update(dict.fromkeys(part.regex.groupindex))
        return found

    def path(self, kwargs: dict) -> str | None:
        """The URL path for `kwargs`, or None when a level cannot be written from parameters."""
        built = ""
        for part in self.parts:
            if isinstance(part, RoutePattern):
                built += ROUTE_PARAMETER.sub(
                    lambda m, part=part: str(
                        part.converters[m["parameter"]].to_url(kwargs[m["parameter"]])
                    ),
                    str(part),
                )
            elif isinstance(part, RegexPattern):
                literal = str(part).removeprefix("^").removesuffix("$").removesuffix(r"\Z")
                if not re.fullmatch(r"[\w\-./]*", literal):
                    return None
                built += literal
            else:
                return None
        return "/" + built


def walk(patterns: list, parts: tuple = (), namespace: str = "") -> Iterator[Pattern]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, (*parts, entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield Pattern((*parts, entry.pattern), f"{namespace}{entry.name or '(unnamed)'}")


def candidates(name: str, converter, b: BrandB, pool: list) -> list[tuple[object, bool]]:
    """Values of brand B to try for one path parameter, as (value, names-a-B-object)."""
    if name in KWARG_VALUES:
        return [(value, True) for value in KWARG_VALUES[name](b)]
    if converter is None:
        return []
    fitting = []
    for value, specific in pool:
        if isinstance(converter, IntConverter) and not isinstance(value, int):
            continue
        try:
            written = str(converter.to_url(value))
            converter.to_python(written)
        except (ValueError, TypeError):
            continue
        if re.fullmatch(converter.regex, written):
            fitting.append((value, specific))
    return fitting


# --- the test --------------------------------------------------------------------------------------


@dataclass
class Probe:
    client: object
    user: object
    exercised: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def request(self, path: str, echoed: list[str], expect: set[int] | None) -> None:
        for method, headers in METHODS:
            self.client.force_login(self.user)  # a POST to log out must not end the tour
            response = getattr(self.client, method)(path, **headers)
            label = f"{method.upper()}{' (htmx)' if headers else ''} {path}"
            self.exercised.add(path)
            if response.status_code >= 500:
                error = getattr(response, "exc_info", None)
                cause = repr(error[1]) if error else response.status_code
                self.problems.append(f"{label}: server error ({cause})")
            elif expect is not None and response.status_code not in expect:
                self.problems.append(
                    f"{label}: answered {response.status_code}, expected one of {sorted(expect)}"
                )
            if self.shows_brand_b(response, [path, *echoed]):
                self.problems.append(f"{label}: the response shows brand B's data ({MARKER})")

    def shows_brand_b(self, response, echoed: list[str]) -> bool:
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode("utf-8", "replace")
        text = body + repr(sorted(response.items()))
        for value in echoed:  # a page may repeat the URL it was asked for: that is no leak
            for form in {value, quote(value), html.escape(value)}:
                text = text.replace(form, "")
        return MARKER.lower() in text.lower()


@dataclass
class Tour:
    b: BrandB
    probe: Probe
    unreachable: list[str]
    b_changed: bool
    joined_b: bool


def tour(client, admin_member: Membership, url_patterns: list) -> Tour:
    """Request every pattern as brand A's Admin with brand B's values, recording what went wrong."""
    brand_a = admin_member.brand
    b = build_brand_b()
    before = snapshot(b)
    pool = brand_b_values(b)
    client.raise_request_exception = False  # a crash is reported with the other problems
    probe = Probe(client=client, user=admin_member.user)
    unreachable = []

    for pattern in walk(url_patterns):
        allowed = any(re.fullmatch(reason, pattern.route) for reason in UNREACHABLE_ALLOWED)
        converters = pattern.converters
        others = [name for name in converters if name != "brand_slug"]
        options = {name: candidates(name, converters[name], b, pool) for name in others}
        missing = [name for name, values in options.items() if not values]
        if missing:
            if not allowed:
                unreachable.append(f"{pattern.route} ({pattern.name}): no value for {missing}")
            continue
        slugs = [B_SLUG, brand_a.slug] if "brand_slug" in converters else [None]
        reached = False
        for combination, slug in itertools.product(itertools.product(*options.values()), slugs):
            kwargs = {name: value for name, (value, _s) in zip(others, combination, strict=True)}
            echoed = [str(value) for value in kwargs.values()]
            if slug == B_SLUG:
                expect = {404}  # another brand's pages do not exist for A's members
            elif slug and others and all(specific for _value, specific in combination):
                expect = ISOLATED_STATUSES  # every parameter names one of B's objects
            else:
                expect = None  # A's own page, or no brand in the URL: check contents only
            if slug:
                kwargs["brand_slug"] = slug
            path = pattern.path(kwargs)
            if path is None:
                break
            try:
                if resolve(path).route != pattern.route:
                    continue  # an earlier pattern answers this path; it is tested on its own
            except Resolver404:
                continue
            reached = True
            probe.request(path, echoed, expect)
        if not reached and not allowed:
            unreachable.append(f"{pattern.route} ({pattern.name}): no built URL resolves to it")

    with scopes_disabled():
        joined_b = Membership.objects.filter(brand=b.brand, user=admin_member.user).exists()
    return Tour(b, probe, unreachable, snapshot(b) != before, joined_b)


def test_no_url_leaks_or_changes_another_brands_data(client, admin_member):
    result = tour(client, admin_member, get_resolver().url_patterns)

    print(f"\nTenant isolation: {len(result.probe.exercised)} URLs exercised:")
    print("\n".join(sorted(result.probe.exercised)))
    assert not result.unreachable, (
        "These URL patterns cannot be requested by the tenant isolation test. Add their "
        "parameters to KWARG_VALUES (or, for a pattern with no brand data, to "
        "UNREACHABLE_ALLOWED with a reason):\n" + "\n".join(result.unreachable)
    )
    assert len(result.probe.exercised) > 0
    b_invitation = result.b.rows[Invitation]
    assert reverse("invitation_accept", args=[b_invitation.token]) in result.probe.exercised
    problems = result.probe.problems
    assert not problems, f"{len(problems)} brand isolation problems:\n" + "\n".join(problems[:80])
    assert not result.b_changed, "A request as brand A's Admin changed brand B's data."
    assert not result.joined_b, "Brand A's Admin became a member of brand B."


# The tour must be able to fail: a view that reads and writes outside the brand scope is caught.


def _leaky_view(request, brand_slug: str, pk: int) -> HttpResponse:
    with scopes_disabled():
        invitation = Invitation.objects.get(pk=pk)
        if request.method == "POST":
            invitation.role = Role.ADMIN if invitation.role != Role.ADMIN else Role.VIEWER
            invitation.save()
    return HttpResponse(invitation.email)


def test_the_tour_catches_a_view_that_ignores_the_brand(client, admin_member, settings):
    leaky_urls = ModuleType("leaky_urls")
    leaky_urls.urlpatterns = [path("b/<slug:brand_slug>/leak/<int:pk>/", _leaky_view)]
    settings.ROOT_URLCONF = leaky_urls
    result = tour(client, admin_member, get_resolver().url_patterns)

    leak = f"/b/brand-a/leak/{B_PK}/"
    assert result.probe.exercised == {leak, f"/b/{B_SLUG}/leak/{B_PK}/"}
    assert f"GET {leak}: answered 200, expected one of [403, 404, 405]" in result.probe.problems
    assert f"GET {leak}: the response shows brand B's data ({MARKER})" in result.probe.problems
    assert result.b_changed
