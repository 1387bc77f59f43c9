"""The Japanese catalog is complete, compiled, and actually served to users who chose Japanese.

The compiled .mo is committed because a fresh machine may lack gettext; these tests catch a .po
edited without recompiling, untranslated or fuzzy entries, and placeholders lost in translation.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from brands.models import Role
from brands.scoping import scopes_disabled
from brands.services import member_joined_data
from notifications.services import notify
from tests.factories import DeliveryNoteFactory, MembershipFactory, UserFactory

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file (header included), enough of the format for gettext's own output."""
    entries: list[Entry] = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry, fields, current = Entry(), {}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[current] += ast.literal_eval(line)
            else:
                current, _, value = line.partition(" ")
                fields[current] = ast.literal_eval(value)
        entry.msgid = fields["msgid"]
        entry.msgctxt = fields.get("msgctxt")
        entry.msgid_plural = fields.get("msgid_plural")
        entry.msgstrs = [value for key, value in fields.items() if key.startswith("msgstr")]
        entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return [entry for entry in parse_po(LC_MESSAGES / "django.po") if entry.msgid]


@pytest.fixture(autouse=True)
def english_afterwards():
    """Requests activate the user's language; don't let Japanese leak into later tests."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_every_entry_is_translated_and_none_is_fuzzy(entries):
    assert len(entries) > 100
    untranslated = [e.msgid for e in entries if not all(e.msgstrs)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []
    # Japanese has one plural form; a second msgstr would never be used.
    assert [e.msgid for e in entries if e.msgid_plural and len(e.msgstrs) != 1] == []


def test_translations_keep_placeholders_and_html_tags(entries):
    broken = []
    for entry in entries:
        source = entry.msgid_plural or entry.msgid
        for msgstr in entry.msgstrs:
            if set(PLACEHOLDER.findall(msgstr)) != set(PLACEHOLDER.findall(source)):
                broken.append((entry.msgid, msgstr))
            if sorted(HTML_TAG.findall(msgstr)) != sorted(HTML_TAG.findall(entry.msgid)):
                broken.append((entry.msgid, msgstr))
    assert broken == []


def test_compiled_catalog_matches_the_po_file(entries):
    with (LC_MESSAGES / "django.mo").open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    expected = {}
    for entry in entries:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural is None:
            expected[key] = entry.msgstrs[0]
        else:
            expected.update({(key, n): msgstr for n, msgstr in enumerate(entry.msgstrs)})
    compiled = {key: value for key, value in catalog.items() if key != ""}  # "" is the header
    assert compiled == expected, "locale/ja is stale: run `manage.py compilemessages`"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected", "unexpected"),
    [
        ("ja", ["ダッシュボード", "出荷ステータス", "未出荷", "システム連携"], ["Dashboard"]),
        (
            "en",
            ["Dashboard", "Shipping status", "Unshipped", "System Integration"],
            ["ダッシュボード"],
        ),
    ],
)
def test_dashboard_speaks_the_users_language(
    client, brand, admin_member, language, expected, unexpected
):
    admin_member.user.language = language
    admin_member.user.save(update_fields=["language"])
    client.force_login(admin_member.user)

    response = client.get(reverse("dashboard", kwargs={"brand_slug": brand.slug}))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    for text in expected:
        assert text in html
    for text in unexpected:
        assert text not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected", "unexpected"),
    [
        ("ja", ["納品書", "未出荷", "発行日", "お届け先"], ["Delivery Notes", "Unshipped"]),
        ("en", ["Delivery Notes", "Unshipped", "Issue date", "Recipient"], ["納品書", "未出荷"]),
    ],
)
def test_delivery_note_list_speaks_the_users_language(
    client, brand, admin_member, language, expected, unexpected
):
    with scopes_disabled():
        DeliveryNoteFactory(brand=brand, number="DN-1")
    admin_member.user.language = language
    admin_member.user.save(update_fields=["language"])
    client.force_login(admin_member.user)

    response = client.get(reverse("note_list", kwargs={"brand_slug": brand.slug}))

    assert response.status_code == 200
    html = response.content.decode()
    assert "DN-1" in html
    for text in expected:
        assert text in html
    for text in unexpected:
        assert text not in html


@pytest.mark.django_db
def test_each_notification_member_is_told_in_their_own_language(brand, admin_member):
    japanese = MembershipFactory(
        brand=brand, user=UserFactory(name="山田", language="ja"), role=Role.STAFF
    )
    english = MembershipFactory(
        brand=brand, user=UserFactory(name="Ann", language="en"), role=Role.STAFF
    )
    admin_member.user.name = "Ken"
    admin_member.user.save(update_fields=["name"])

    with scopes_disabled():
        sent = notify(
            brand=brand,
            members=[japanese, english],
            event="member_joined",
            data=member_joined_data(admin_member),
        )

    subjects = {n.recipient.language: n.subject for n in sent}
    assert subjects == {"ja": "KenさんがBrand Aに参加しました", "en": "Ken joined Brand A"}
    body = {n.recipient.language: n.body for n in sent}["ja"]
    assert "管理者として" in body
