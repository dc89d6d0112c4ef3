"""The API tokens page (issue 15 item 3): list with last use, make one, revoke one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from billbridge.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_the_page_lists_the_users_tokens_with_their_last_use(logged_in_client, user, outsider):
    token, _ = ApiToken.objects.issue(user, "regnskab")
    token.touch()
    ApiToken.objects.issue(outsider, "fremmed")
    html = logged_in_client.get(reverse("web:tokens"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "regnskab" in html and token.prefix in html
    assert "fremmed" not in html
    assert "not yet" not in html  # its last use is shown


def test_a_token_made_on_the_page_is_shown_once_and_works(logged_in_client, client, user):
    response = logged_in_client.post(
        reverse("web:tokens"), {"name": "eksport", "expires_in_days": "30"}
    )
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw in response.content.decode()
    assert ApiToken.objects.authenticate(raw) == user
    assert raw not in logged_in_client.get(reverse("web:tokens")).content.decode()


def test_a_token_without_a_name_is_refused_on_the_page(logged_in_client):
    response = logged_in_client.post(reverse("web:tokens"), {"name": "", "expires_in_days": "30"})
    assert response.status_code == 422
    assert ApiToken.objects.count() == 0


def test_revoking_on_the_page_stops_the_token(logged_in_client, user):
    token, raw = ApiToken.objects.issue(user, "cli")
    response = logged_in_client.post(reverse("web:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert ApiToken.objects.authenticate(raw) is None


def test_another_users_token_is_404_on_the_page(logged_in_client, outsider):
    theirs, raw = ApiToken.objects.issue(outsider, "theirs")
    assert logged_in_client.post(reverse("web:token_revoke", args=[theirs.pk])).status_code == 404
    assert ApiToken.objects.authenticate(raw) == outsider


def test_the_tokens_page_needs_a_login(client, db):
    assert client.get(reverse("web:tokens")).status_code == 302
