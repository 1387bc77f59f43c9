"""Content-Security-Policy without inline script or style; external images only from allowed hosts;
the language cookie Secure in production."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from brands.scoping import brand_scope
from tests.factories import DeliveryNoteFactory, DeliveryNoteLineFactory
from tests.infra.test_deploy_check import BASE_DIR, production_env

TEMPLATES = Path(BASE_DIR) / "templates"
# Email bodies are not web pages: mail clients need inline styles and ignore the site's policy.
EMAIL_TEMPLATES = re.compile(r"(^|/)emails?/|^notifications/[^/]+/body\.html$")
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.I)


def web_templates() -> list[Path]:
    return [
        path
        for path in TEMPLATES.rglob("*.html")
        if not EMAIL_TEMPLATES.search(path.relative_to(TEMPLATES).as_posix())
    ]


def test_no_template_has_inline_script_style_or_event_handler():
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0).strip()}"
        for path in web_templates()
        for match in INLINE.finditer(path.read_text())
    ]
    assert len(web_templates()) > 30
    assert found == []


def policy(response) -> dict[str, list[str]]:
    directives = [d.split() for d in response["Content-Security-Policy"].split(";")]
    return {d[0]: d[1:] for d in directives if d}


def test_every_page_sends_a_policy_without_unsafe_inline(admin_client, brand):
    for url in [reverse("login"), reverse("note_list", kwargs={"brand_slug": brand.slug})]:
        csp = policy(admin_client.get(url))
        assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
        assert csp["default-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"]
        assert "unsafe-inline" not in json.dumps(csp)


@pytest.fixture
def note_with_images(brand):
    with brand_scope(brand):
        note = DeliveryNoteFactory(brand=brand, number="DN-IMG")
        DeliveryNoteLineFactory(note=note, position=0, image_url="https://cdn.shop.example/mug.jpg")
        DeliveryNoteLineFactory(note=note, position=1, image_url="https://tracker.example/t.gif")
    return note


def test_a_lines_image_loads_only_from_hosts_the_brand_allows(
    admin_client, brand, note_with_images
):
    url = reverse("note_detail", kwargs={"brand_slug": brand.slug, "pk": note_with_images.pk})

    page = admin_client.get(url)
    html = page.content.decode()
    assert "<img" not in html  # by default no page contacts a third party
    assert 'href="https://cdn.shop.example/mug.jpg"' in html
    assert policy(page)["img-src"] == ["'self'", "data:"]

    brand.allowed_image_hosts = "*.shop.example"
    brand.save()
    page = admin_client.get(url)
    html = page.content.decode()
    assert '<img src="https://cdn.shop.example/mug.jpg"' in html
    assert '<img src="https://tracker.example/t.gif"' not in html
    assert 'href="https://tracker.example/t.gif"' in html
    assert policy(page)["img-src"] == ["'self'", "data:", "https://*.shop.example"]


def test_admins_edit_the_allowed_image_hosts(admin_client, brand):
    url = reverse("brand_settings", kwargs={"brand_slug": brand.slug})
    bad = admin_client.post(url, {"allowed_image_hosts": "cdn.example.com; script-src *"})
    assert "is not a host name" in bad.content.decode()

    pasted = "https://CDN.example.com/images/a.jpg\n*.shopify.com\ncdn.example.com"
    assert admin_client.post(url, {"allowed_image_hosts": pasted}).status_code == 302
    brand.refresh_from_db()
    assert brand.image_hosts() == ["cdn.example.com", "*.shopify.com"]


def test_staff_cannot_edit_brand_settings(staff_client, brand):
    url = reverse("brand_settings", kwargs={"brand_slug": brand.slug})
    assert staff_client.get(url).status_code == 403


PRODUCTION_PROBE = """
import django, json
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("collectstatic", "--noinput", verbosity=0)
client = Client(HTTP_HOST="hakobu.example.com")
login = client.get("/accounts/login/", secure=True)
language = client.post("/i18n/setlang/", {"language": "ja"}, secure=True)
print(json.dumps({
    "status": login.status_code,
    "csp": login.get("Content-Security-Policy", ""),
    "language_cookie_secure": bool(language.cookies["django_language"]["secure"]),
}))
"""


def test_production_responses_carry_the_policy_and_a_secure_language_cookie(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=BASE_DIR,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["status"] == 200
    assert "default-src 'self'" in probe["csp"] and "script-src 'self'" in probe["csp"]
    assert "unsafe-inline" not in probe["csp"]
    assert probe["language_cookie_secure"] is True
