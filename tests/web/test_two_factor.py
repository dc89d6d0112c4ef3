"""Two-factor log-in on the web (issue 15 item 1): the log-in's code step, the account page,
and a company that requires it of its owners and admins."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from billbridge.accounts import two_factor
from billbridge.accounts.models import Role, SecurityEvent
from billbridge.web.views.two_factor import PENDING_KEY, PENDING_SECONDS
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, UserFactory, enable_two_factor, totp_code

pytestmark = pytest.mark.django_db
LOGIN = "/login/"
CODE = "/login/code/"
ACCOUNT = "/account/two-factor/"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def password_step(client, user, next_url=""):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_password_alone_does_not_log_in_an_account_with_two_factor(client, user, company):
    enable_two_factor(user)
    response = password_step(client, user)
    assert response.status_code == 302 and response["Location"] == CODE
    assert not is_logged_in(client)


def test_an_account_without_two_factor_logs_in_with_the_password(client, user, company):
    response = password_step(client, user)
    assert response.status_code == 302 and response["Location"] != CODE
    assert is_logged_in(client)


def test_the_right_code_logs_in_and_goes_on_to_the_page_asked_for(client, user, company):
    device, _codes = enable_two_factor(user)
    target = f"/c/{company.pk}/bills/"
    password_step(client, user, next_url=target)
    response = client.post(CODE, {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == target
    assert is_logged_in(client)
    assert PENDING_KEY not in client.session
    assert SecurityEvent.objects.filter(user=user, kind="login_succeeded").exists()


def test_a_recovery_code_logs_in(client, user, company):
    _device, codes = enable_two_factor(user)
    password_step(client, user)
    client.post(CODE, {"code": codes[0]})
    assert is_logged_in(client)


def test_a_wrong_code_is_refused_on_the_code_page(client, user, company):
    enable_two_factor(user)
    password_step(client, user)
    response = client.post(CODE, {"code": "000000"})
    assert response.status_code == 422
    assert "Wrong two-factor code." in response.content.decode()
    assert not is_logged_in(client)


def test_codes_locked_out_answer_429_with_the_wait(client, user, company):
    device, _codes = enable_two_factor(user)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=5, throttling_failure_timestamp=timezone.now()
    )
    password_step(client, user)
    response = client.post(CODE, {"code": totp_code(device)})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 60
    assert "Too many wrong codes. Try again in 15 minutes." in response.content.decode()
    assert not is_logged_in(client)


def test_the_code_page_without_a_password_goes_to_the_log_in(client, user):
    response = client.get(CODE)
    assert response.status_code == 302 and response["Location"] == LOGIN


def test_a_code_given_too_late_starts_the_log_in_over(client, user, company):
    device, _codes = enable_two_factor(user)
    password_step(client, user)
    session = client.session
    session[PENDING_KEY]["at"] -= PENDING_SECONDS + 1
    session.save()
    response = client.post(CODE, {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert not is_logged_in(client)


def test_the_account_page_shows_the_qr_code_and_the_key_once_set_up_starts(client, user):
    client.force_login(user)
    response = client.post(ACCOUNT, {"action": "start"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg width="' in html and 'data-testid="qr"' in html
    assert two_factor.secret_text(two_factor.pending_setup(user)) in html


def test_the_account_page_turns_it_on_with_the_first_code(client, user):
    client.force_login(user)
    client.post(ACCOUNT, {"action": "start"})
    code = totp_code(two_factor.pending_setup(user))
    response = client.post(ACCOUNT, {"action": "confirm", "code": code})
    assert response.status_code == 200
    assert two_factor.is_enabled(user)
    assert 'data-testid="recovery-codes"' in response.content.decode()


def test_the_account_page_does_not_turn_it_off_without_a_code(client, user):
    client.force_login(user)
    enable_two_factor(user)
    response = client.post(ACCOUNT, {"action": "off", "code": "000000"})
    assert response.status_code == 422
    assert two_factor.is_enabled(user)


def test_the_account_page_turns_it_off_with_a_code(client, user):
    client.force_login(user)
    device, _codes = enable_two_factor(user)
    response = client.post(ACCOUNT, {"action": "off", "code": totp_code(device)})
    assert response.status_code == 302
    assert not two_factor.is_enabled(user)


@pytest.fixture
def requiring(company):
    company.require_two_factor = True
    company.save()
    return company


def test_an_owner_without_two_factor_is_sent_to_set_it_up(client, user, requiring):
    client.force_login(user)
    page = f"/c/{requiring.pk}/bills/"
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"] == f"{ACCOUNT}?next=%2Fc%2F{requiring.pk}%2Fbills%2F"


def test_an_admin_without_two_factor_is_sent_to_set_it_up(client, requiring):
    admin = UserFactory()
    MembershipFactory(user=admin, company=requiring, role=Role.ADMIN)
    client.force_login(admin)
    assert client.get(f"/c/{requiring.pk}/bills/")["Location"].startswith(ACCOUNT)


def test_a_member_is_not_sent_to_set_it_up(client, requiring):
    member = UserFactory()
    MembershipFactory(user=member, company=requiring, role=Role.MEMBER)
    client.force_login(member)
    assert client.get(f"/c/{requiring.pk}/bills/").status_code == 200


def test_an_owner_with_two_factor_uses_the_company_pages(client, user, requiring):
    enable_two_factor(user)
    client.force_login(user)
    assert client.get(f"/c/{requiring.pk}/bills/").status_code == 200


def test_the_company_page_requires_it_for_an_owner_with_two_factor(client, user, company):
    enable_two_factor(user)
    client.force_login(user)
    url = f"/c/{company.pk}/settings/two-factor/"
    response = client.post(url, {"require_two_factor": "on"})
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.require_two_factor


def test_the_company_page_refuses_to_require_it_of_one_without(client, user, company):
    client.force_login(user)
    response = client.post(f"/c/{company.pk}/settings/two-factor/", {"require_two_factor": "on"})
    assert response.status_code == 422
    company.refresh_from_db()
    assert not company.require_two_factor


def test_the_company_page_lists_owners_and_admins_without_it(client, user, company):
    enable_two_factor(user)
    admin = UserFactory(email="admin-without@example.com")
    MembershipFactory(user=admin, company=company, role=Role.ADMIN)
    client.force_login(user)
    response = client.get(f"/c/{company.pk}/settings/two-factor/")
    assert [m.user.email for m in response.context["without"]] == ["admin-without@example.com"]
    assert "admin-without@example.com" in response.content.decode()


def test_starting_the_set_up_again_keeps_the_app_in_force(client, user):
    device, _codes = enable_two_factor(user)
    client.force_login(user)
    client.post(ACCOUNT, {"action": "start"})
    assert TOTPDevice.objects.filter(user=user, confirmed=True).get() == device


def test_an_htmx_request_is_sent_to_set_it_up_as_a_whole_page(client, user, requiring):
    client.force_login(user)
    response = client.post(f"/c/{requiring.pk}/bills/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == ACCOUNT
