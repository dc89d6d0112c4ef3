"""The decorators other pages build on: login, membership (404), manager role (403)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from billbridge.web.decorators import (
    SESSION_COMPANY_KEY,
    CompanyViewMixin,
    ManagerViewMixin,
    company_view,
    manager_required,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@company_view
def plain(request, company_id):
    return HttpResponse(f"{request.company.name}|{request.membership.role}|{company_id}")


@manager_required
def managers_only(request, company_id):
    return HttpResponse("ok")


class PlainView(CompanyViewMixin):
    def get(self, request, company_id):
        return HttpResponse(request.company.name)


class ManagerView(ManagerViewMixin):
    def get(self, request, company_id):
        return HttpResponse("ok")


def _request(user):
    request = RequestFactory().get("/c/x/")
    request.user = user
    request.session = SessionStore()
    return request


def test_company_view_sets_company_and_membership_and_remembers_it(user, company):
    response = plain(_request(user), company_id=company.pk)
    assert response.content.decode() == f"Nordlys Design ApS|owner|{company.pk}"
    request = _request(user)
    PlainView.as_view()(request, company_id=company.pk)
    assert request.session[SESSION_COMPANY_KEY] == company.pk


def test_company_view_is_404_outside_and_login_for_anonymous(outsider, company):
    with pytest.raises(Http404):
        plain(_request(outsider), company_id=company.pk)
    with pytest.raises(Http404):
        PlainView.as_view()(_request(outsider), company_id=company.pk)
    response = plain(_request(AnonymousUser()), company_id=company.pk)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("owner", True), ("admin", True), ("member", False), ("accountant", False)],
)
def test_manager_required(company, role, allowed):
    from tests.factories import UserFactory

    person = UserFactory()
    MembershipFactory(user=person, company=company, role=role)
    for view in (managers_only, ManagerView.as_view()):
        if allowed:
            assert view(_request(person), company_id=company.pk).status_code == 200
        else:
            with pytest.raises(PermissionDenied):
                view(_request(person), company_id=company.pk)


def test_manager_required_is_404_not_403_outside(outsider, company):
    with pytest.raises(Http404):
        managers_only(_request(outsider), company_id=company.pk)
