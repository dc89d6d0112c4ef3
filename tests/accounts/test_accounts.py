"""Users, companies, memberships and API tokens (issue 2 item 1; security)."""

from __future__ import annotations

import pytest
from django.http import Http404

from billbridge.accounts.models import ApiToken, Product
from billbridge.accounts.services import add_product, membership_or_404, remove_product
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_a_member_reaches_their_company(user, company):
    assert membership_or_404(user, company.pk).company == company


def test_a_company_the_user_is_not_in_answers_404(user, company):
    with pytest.raises(Http404):
        membership_or_404(user, CompanyFactory().pk)


def test_email_login_is_case_insensitive_on_creation(db):
    from billbridge.accounts.models import User

    assert User.objects.create_user("Anne@Example.COM", "pw-123456").email == "anne@example.com"


def test_api_token_is_stored_only_as_a_hash(user):
    token, raw = ApiToken.objects.issue(user, "cli")
    assert raw not in (token.key_hash, token.prefix)
    assert ApiToken.objects.authenticate(raw) == user


def test_an_unknown_api_token_authenticates_no_one(user):
    ApiToken.objects.issue(user)
    assert ApiToken.objects.authenticate("bb_not-a-token") is None


def test_a_deactivated_user_cannot_use_their_token(user):
    _, raw = ApiToken.objects.issue(user)
    user.is_active = False
    user.save()
    assert ApiToken.objects.authenticate(raw) is None


def test_adding_integrate_twice_keeps_one_product(user, company):
    add_product(company, Product.INTEGRATE, by=user)
    add_product(company, Product.INTEGRATE, by=user)
    assert company.products.count() == 1
    assert company.has_product(Product.INTEGRATE)


def test_removing_integrate_hides_it(user, company):
    add_product(company, Product.INTEGRATE, by=user)
    remove_product(company, Product.INTEGRATE)
    assert not company.has_product(Product.INTEGRATE)
