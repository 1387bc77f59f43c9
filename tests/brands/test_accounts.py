"""Logging in by email, logging out, resetting and changing the password."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.factories import UserFactory


def test_login_form_asks_for_email(client, db):
    response = client.get(reverse("login"))

    assert response.context["form"].fields["username"].label == "Email"
    assert 'type="email"' in response.content.decode()


def test_login_by_email_in_any_case(client, db):
    user = UserFactory(email="kim@example.com")

    response = client.post(
        reverse("login"), {"username": " Kim@Example.COM ", "password": "password"}
    )

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session[SESSION_KEY] == str(user.pk)


def test_wrong_password_is_refused(client, db):
    UserFactory(email="kim@example.com")

    response = client.post(reverse("login"), {"username": "kim@example.com", "password": "nope"})

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert response.context["form"].errors


def test_logout_is_a_post(admin_client):
    assert admin_client.get(reverse("logout")).status_code == 405

    response = admin_client.post(reverse("logout"))

    assert response.status_code == 302
    assert SESSION_KEY not in admin_client.session


def test_password_reset_email_in_users_language_sets_new_password(client, db):
    user = UserFactory(email="aiko@example.com", language="ja")

    response = client.post(reverse("password_reset"), {"email": "Aiko@example.com"})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aiko@example.com"]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="ja">' in html
    link = next(word for word in message.body.split() if word.startswith(settings.SITE_URL))
    assert link in html

    # The emailed link swaps its token for a session and shows the new-password form.
    form_page = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url,
        {"new_password1": "A-new-long-passphrase", "new_password2": "A-new-long-passphrase"},
    )
    assert done.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("A-new-long-passphrase")


def test_password_reset_for_unknown_email_sends_nothing_and_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})

    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_password_change(admin_client, admin_member):
    response = admin_client.post(
        reverse("password_change"),
        {
            "old_password": "password",
            "new_password1": "Another-long-passphrase",
            "new_password2": "Another-long-passphrase",
        },
    )

    assert response.url == reverse("password_change_done")
    admin_member.user.refresh_from_db()
    assert admin_member.user.check_password("Another-long-passphrase")


def test_repeated_wrong_passwords_lock_that_email_for_a_while(client, admin_member, settings):
    cache.clear()
    settings.LOGIN_MAX_FAILURES = 3
    login = reverse("login")
    email = admin_member.user.email
    for _attempt in range(3):
        response = client.post(login, {"username": email.upper(), "password": "wrong"})
        assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated

    # Even the right password is refused now, with a message that says what to do.
    response = client.post(login, {"username": email, "password": "password"})
    assert not response.wsgi_request.user.is_authenticated
    assert "Too many failed attempts" in response.content.decode()

    # Another email is not affected; once the window has passed, the right password works again.
    other = UserFactory(email="other@a.example")
    assert client.post(login, {"username": other.email, "password": "password"}).status_code == 302
    client.logout()
    cache.clear()  # the counter's expiry
    assert client.post(login, {"username": email, "password": "password"}).status_code == 302


def test_a_successful_login_resets_the_failure_count(client, admin_member, settings):
    cache.clear()
    settings.LOGIN_MAX_FAILURES = 2
    login = reverse("login")
    email = admin_member.user.email
    client.post(login, {"username": email, "password": "wrong"})
    assert client.post(login, {"username": email, "password": "password"}).status_code == 302
    client.logout()
    client.post(login, {"username": email, "password": "wrong"})
    assert client.post(login, {"username": email, "password": "password"}).status_code == 302
