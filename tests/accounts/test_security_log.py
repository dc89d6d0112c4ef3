"""The security log: logins, failures and lockouts, readable by the company's owners
(issue 15 item 1)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from billbridge.accounts.models import SecurityEvent
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def kinds() -> list[str]:
    return list(SecurityEvent.objects.order_by("pk").values_list("kind", flat=True))


def test_a_failed_web_login_is_logged_with_address_and_way_in(client, user):
    client.post("/login/", {"username": user.email, "password": "nope"}, REMOTE_ADDR="10.1.2.3")
    event = SecurityEvent.objects.get()
    assert (event.kind, event.via, event.user, event.email, event.ip_address) == (
        "login_failed", "web", user, user.email, "10.1.2.3",
    )  # fmt: skip


def test_a_successful_api_login_is_logged(client, user):
    client.post(
        "/api/v1/auth/token",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )
    event = SecurityEvent.objects.get(kind="login_succeeded")
    assert (event.via, event.user) == ("api", user)


def test_a_try_at_an_unknown_address_is_logged_with_that_address(client, db):
    client.post("/login/", {"username": "Nobody@Example.com", "password": "x"})
    event = SecurityEvent.objects.get()
    assert (event.kind, event.user, event.email) == ("login_failed", None, "nobody@example.com")


def test_the_lockout_is_logged_once_not_each_refused_try(client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        client.post("/login/", {"username": user.email, "password": "nope"})
    limit = settings.AXES_FAILURE_LIMIT
    assert kinds() == ["login_failed"] * (limit - 1) + ["locked_out"]


def test_the_owner_reads_the_log_of_the_company_members_only(client, user, company, outsider):
    client.post("/login/", {"username": user.email, "password": "nope"}, REMOTE_ADDR="10.7.7.7")
    client.post("/login/", {"username": outsider.email, "password": "nope"})
    client.force_login(user)
    response = client.get(reverse("web:security_log", args=[company.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "10.7.7.7" in html and user.email in html
    assert outsider.email not in html


@pytest.mark.parametrize("role", ["admin", "accountant", "member"])
def test_other_roles_may_not_read_the_security_log(client, company, role):
    person = UserFactory()
    MembershipFactory(user=person, company=company, role=role)
    client.force_login(person)
    assert client.get(reverse("web:security_log", args=[company.pk])).status_code == 403


def test_the_menu_links_the_security_log_for_owners(logged_in_client, company):
    html = logged_in_client.get(reverse("web:products", args=[company.pk])).content.decode()
    assert reverse("web:security_log", args=[company.pk]) in html
