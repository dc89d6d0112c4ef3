"""Password reset by e-mail through Django's views and the mail settings (issue 15 item 1)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail

from billbridge.accounts.models import SecurityEvent

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-new-long-password"


def reset_link(client, email: str) -> str:
    response = client.post("/password-reset/", {"email": email}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"
    (message,) = mail.outbox
    return re.search(r"http://testserver(/password-reset/\S+/)", message.body).group(1)


def test_the_login_page_links_the_reset(client, db):
    assert 'href="/password-reset/"' in client.get("/login/").content.decode()


def test_a_reset_mail_is_sent_with_a_link_that_sets_the_password(client, user):
    link = reset_link(client, user.email)
    assert mail.outbox[0].to == [user.email]
    assert mail.outbox[0].from_email == settings.DEFAULT_FROM_EMAIL
    form_url = client.get(link)["Location"]  # Django moves the token out of the URL
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/password-reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert (
        client.post("/login/", {"username": user.email, "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_the_link_works_once(client, user):
    link = reset_link(client, user.email)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.get(link, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "This link has been used or has expired" in response.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, db):
    response = client.post("/password-reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and response["Location"] == "/password-reset/sent/"
    assert mail.outbox == []


def test_a_reset_lifts_the_lockout_and_is_logged(client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": user.email, "password": "wrong"})
    link = reset_link(client, user.email)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.post("/login/", {"username": user.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    kinds = set(SecurityEvent.objects.values_list("kind", flat=True))
    assert {"password_reset_requested", "password_reset", "login_succeeded"} <= kinds
