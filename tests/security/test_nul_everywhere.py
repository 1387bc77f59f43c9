"""A NUL character in any URL, query string, cookie or form value is a 400 or a form error, never a
server error (PostgreSQL refuses NUL in text). Walks every URL pattern and every form class."""

from __future__ import annotations

import importlib
import pkgutil
from urllib.parse import quote

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import get_resolver
from django.urls.converters import IntConverter, SlugConverter, UUIDConverter

from brands.scoping import scopes_disabled
from tests.test_tenant_isolation import walk

pytestmark = pytest.mark.django_db

NUL_TEXT = "a\x00b"
PROJECT_APPS = ("brands", "delivery_notes", "notifications", "integrations")


def sample(name: str, converter, brand_slug: str, *, nul: bool) -> object:
    if name == "brand_slug":
        return brand_slug
    if isinstance(converter, IntConverter):
        return 1
    if isinstance(converter, UUIDConverter):
        return "00000000-0000-0000-0000-000000000000"
    if isinstance(converter, SlugConverter) or not nul:
        return "x"
    return quote(NUL_TEXT)  # str, path and regex parameters can carry NUL


def paths(brand_slug: str, *, nul: bool) -> list[str]:
    built = []
    for pattern in walk(get_resolver().url_patterns):
        converters = pattern.converters
        if nul and all(
            isinstance(c, IntConverter | SlugConverter | UUIDConverter) for c in converters.values()
        ):
            continue  # no parameter of this pattern can hold NUL (the query is tested below)
        kwargs = {n: sample(n, c, brand_slug, nul=nul) for n, c in converters.items()}
        path = pattern.path(kwargs)
        if path is not None:
            built.append(path)
    return built


def server_errors(client: Client, requests: list[tuple[str, str, dict]]) -> list[str]:
    client.raise_request_exception = False
    found = []
    for method, path, data in requests:
        response = getattr(client, method)(path, data)
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None)
            cause = repr(error[1]) if error else "500"
            found.append(f"{method.upper()} {path} {data!r}: {cause}")
    return found


@pytest.mark.parametrize("logged_in", [False, True])
def test_nul_in_every_url_pattern_query_and_form_value_is_refused(client, admin_member, logged_in):
    if logged_in:
        client.force_login(admin_member.user)
    slug = admin_member.brand.slug
    # Every field name of every form of the project gets NUL, whichever form a page has.
    values = {name: NUL_TEXT for form in project_form_classes() for name in form.base_fields}
    requests = [(m, path, {}) for path in paths(slug, nul=True) for m in ("get", "post")]
    for path in paths(slug, nul=False):
        requests += [("get", path, {"q": NUL_TEXT}), ("post", path, values)]
    assert len(requests) > 50

    assert server_errors(client, requests) == []


def test_the_invitation_link_with_nul_is_a_clear_400(client, db):
    response = client.get("/accounts/invitations/%00/")

    assert response.status_code == 400
    assert "character that is not allowed" in response.content.decode()


def test_a_nul_cookie_is_refused_before_the_session_is_looked_up(client, db):
    client.cookies["sessionid"] = NUL_TEXT
    assert client.get("/accounts/login/").status_code == 400


def project_form_classes() -> list[type[forms.BaseForm]]:
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if "migrations" not in module.name and "management" not in module.name:
                importlib.import_module(module.name)
    found, pending = set(), [forms.BaseForm]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.startswith(PROJECT_APPS):
                found.add(subclass)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def test_every_field_of_every_form_refuses_nul_without_crashing(brand):
    classes = project_form_classes()
    assert len(classes) >= 10
    crashes, accepted = [], []
    with scopes_disabled():
        for form_class in classes:
            for name, field in form_class.base_fields.items():
                value = [NUL_TEXT] if isinstance(field, forms.MultipleChoiceField) else NUL_TEXT
                try:
                    field.clean(value)
                except ValidationError:
                    continue
                except Exception as exc:  # noqa: BLE001 - any other exception is a server error
                    crashes.append(f"{form_class.__qualname__}.{name}: {exc!r}")
                    continue
                if isinstance(field, forms.CharField):
                    accepted.append(f"{form_class.__qualname__}.{name}")
    assert crashes == []
    assert accepted == []
