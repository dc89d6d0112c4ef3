"""Two-factor log-in's rules (issue 15 item 1, accounts.two_factor): set-up, codes, recovery
codes, throttling, what a company requires."""

from __future__ import annotations

from base64 import b32decode
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from billbridge.accounts import two_factor
from billbridge.accounts.models import Role, SecurityEvent
from tests.factories import MembershipFactory, UserFactory, enable_two_factor, totp_code

pytestmark = pytest.mark.django_db


def kinds(user) -> list[str]:
    return list(SecurityEvent.objects.filter(user=user).values_list("kind", flat=True))


def near_the_limit(device, failures: int | None = None) -> None:
    """As if the account had just under the limit of wrong codes, long enough ago that
    django-otp's own back-off (1, 2, 4 … s) is over."""
    from django.conf import settings

    count = settings.BILLBRIDGE_TWO_FACTOR_FAILURE_LIMIT - 1 if failures is None else failures
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_count=count,
        throttling_failure_timestamp=timezone.now() - timedelta(days=1),
    )


def test_a_started_set_up_is_not_in_force(user):
    two_factor.start_setup(user)
    assert not two_factor.is_enabled(user)
    assert two_factor.pending_setup(user) is not None


def test_the_first_right_code_turns_it_on(user):
    device = two_factor.start_setup(user)
    two_factor.confirm_setup(user, totp_code(device))
    assert two_factor.is_enabled(user)
    assert kinds(user) == [SecurityEvent.Kind.TWO_FACTOR_ADDED]


def test_a_wrong_first_code_leaves_it_off(user):
    device = two_factor.start_setup(user)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    with pytest.raises(two_factor.CodeRefused):
        two_factor.confirm_setup(user, wrong)
    assert not two_factor.is_enabled(user)


def test_turning_it_on_gives_ten_recovery_codes(user):
    _device, codes = enable_two_factor(user)
    assert len(set(codes)) == two_factor.RECOVERY_CODE_COUNT == 10
    assert two_factor.status(user).recovery_codes_left == 10


def test_a_recovery_code_works_once(user):
    _device, codes = enable_two_factor(user)
    assert isinstance(two_factor.verify(user, codes[0].upper()), StaticDevice)
    with pytest.raises(two_factor.CodeRefused):
        two_factor.verify(user, codes[0])
    assert two_factor.status(user).recovery_codes_left == 9
    assert SecurityEvent.Kind.RECOVERY_CODE_USED in kinds(user)


def test_the_apps_code_is_accepted_with_spaces(user):
    device, _codes = enable_two_factor(user)
    code = totp_code(device)
    assert two_factor.verify(user, f"{code[:3]} {code[3:]}") == device


def test_a_code_is_good_once(user):
    device, _codes = enable_two_factor(user)
    code = totp_code(device)
    two_factor.verify(user, code)
    with pytest.raises(two_factor.CodeRefused):
        two_factor.verify(user, code)


def test_a_missing_code_says_a_code_is_needed(user):
    enable_two_factor(user)
    with pytest.raises(two_factor.CodeRefused) as refused:
        two_factor.verify(user, "  ")
    assert refused.value.message == two_factor.code_needed_message()
    assert refused.value.wait is None


def test_a_wrong_code_is_refused_and_logged(user):
    enable_two_factor(user)
    with pytest.raises(two_factor.CodeRefused) as refused:
        two_factor.verify(user, "000000")
    assert refused.value.wait is None
    assert kinds(user)[0] == SecurityEvent.Kind.TWO_FACTOR_FAILED


def test_right_after_a_wrong_code_django_otp_makes_one_wait(user):
    device, _codes = enable_two_factor(user)
    with pytest.raises(two_factor.CodeRefused):
        two_factor.verify(user, "000000")
    with pytest.raises(two_factor.CodeRefused) as refused:
        two_factor.verify(user, totp_code(device))
    assert refused.value.wait is not None
    assert refused.value.retry_after == 1


def test_the_wrong_code_that_reaches_the_limit_locks_codes_out(user, settings):
    device, _codes = enable_two_factor(user)
    near_the_limit(device)
    with pytest.raises(two_factor.CodeRefused) as refused, translation.override("en"):
        two_factor.verify(user, "000000")
    assert refused.value.wait > settings.BILLBRIDGE_TWO_FACTOR_LOCKOUT - timedelta(minutes=1)
    assert refused.value.message == "Too many wrong codes. Try again in 15 minutes."
    assert kinds(user)[0] == SecurityEvent.Kind.TWO_FACTOR_LOCKED_OUT


def test_during_the_lockout_even_the_right_code_is_refused_and_not_counted(user, settings):
    device, _codes = enable_two_factor(user)
    near_the_limit(device)
    with pytest.raises(two_factor.CodeRefused):
        two_factor.verify(user, "000000")
    logged = SecurityEvent.objects.count()
    with pytest.raises(two_factor.CodeRefused) as refused:
        two_factor.verify(user, totp_code(device))
    assert refused.value.wait is not None
    device.refresh_from_db()
    assert device.throttling_failure_count == settings.BILLBRIDGE_TWO_FACTOR_FAILURE_LIMIT
    assert SecurityEvent.objects.count() == logged  # tries refused unchecked: no line each


def test_the_lockout_covers_recovery_codes_too(user):
    device, codes = enable_two_factor(user)
    near_the_limit(device)
    with pytest.raises(two_factor.CodeRefused):
        two_factor.verify(user, "000000")
    with pytest.raises(two_factor.CodeRefused) as refused:
        two_factor.verify(user, codes[0])
    assert refused.value.wait is not None


def test_the_lockout_ends_after_its_time(user, settings):
    device, _codes = enable_two_factor(user)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=5,
        throttling_failure_timestamp=timezone.now()
        - settings.BILLBRIDGE_TWO_FACTOR_LOCKOUT
        - timedelta(minutes=100),
    )
    assert two_factor.verify(user, totp_code(device)) == device


@pytest.mark.parametrize(
    ("seconds", "language", "words"),
    [
        (1, "en", "Too many wrong codes. Try again in 1 second."),
        (8, "da", "For mange forkerte koder. Prøv igen om 8 sekunder."),
        (61, "da", "For mange forkerte koder. Prøv igen om 2 minutter."),
    ],
)
def test_the_wait_is_said_in_words(seconds, language, words):
    with translation.override(language):
        assert two_factor.wait_message(timedelta(seconds=seconds)) == words


def test_a_right_code_forgives_the_wrong_ones_before_it(user):
    device, codes = enable_two_factor(user)
    near_the_limit(device, failures=3)
    two_factor.verify(user, codes[0])
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_turning_it_off_takes_a_code(user):
    enable_two_factor(user)
    with pytest.raises(two_factor.CodeRefused):
        two_factor.turn_off(user, "")
    assert two_factor.is_enabled(user)


def test_turning_it_off_removes_the_app_and_the_recovery_codes(user):
    device, _codes = enable_two_factor(user)
    two_factor.turn_off(user, totp_code(device))
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    assert kinds(user)[0] == SecurityEvent.Kind.TWO_FACTOR_REMOVED


def test_new_recovery_codes_replace_the_old_ones(user):
    device, old = enable_two_factor(user)
    new = two_factor.new_recovery_codes(user, totp_code(device))
    assert not set(old) & set(new)
    with pytest.raises(two_factor.CodeRefused):
        two_factor.verify(user, old[0])


def test_the_secret_text_is_the_apps_key(user):
    device = two_factor.start_setup(user)
    text = two_factor.secret_text(device)
    assert b32decode(text.replace(" ", "") + "=" * (-len(text.replace(" ", "")) % 8)) == (
        device.bin_key
    )


def test_the_qr_code_is_inline_svg_of_the_otpauth_url(user):
    device = two_factor.start_setup(user)
    svg = two_factor.qr_svg(device, "QR")
    assert svg.startswith("<svg") and "<path" in svg
    assert "<script" not in svg and "style=" not in svg
    assert device.config_url.startswith("otpauth://totp/billbridge%3Aowner%40example.com?")


@pytest.mark.parametrize(
    ("role", "required"),
    [(Role.OWNER, True), (Role.ADMIN, True), (Role.ACCOUNTANT, False), (Role.MEMBER, False)],
)
def test_a_company_requires_it_of_owners_and_admins(company, role, required):
    company.require_two_factor = True
    company.save()
    membership = MembershipFactory(user=UserFactory(), company=company, role=role)
    assert two_factor.setup_required(membership) is required


def test_one_with_two_factor_is_not_asked_to_set_it_up(user, company):
    company.require_two_factor = True
    company.save()
    enable_two_factor(user)
    assert not two_factor.setup_required(user.memberships.get())


def test_only_one_with_two_factor_may_require_it(user, company):
    with pytest.raises(two_factor.CodeRefused):
        two_factor.set_company_requirement(company, True, user)
    enable_two_factor(user)
    two_factor.set_company_requirement(company, True, user)
    company.refresh_from_db()
    assert company.require_two_factor
    assert kinds(user)[0] == SecurityEvent.Kind.TWO_FACTOR_REQUIRED


def test_the_managers_without_it_are_listed(user, company):
    admin = UserFactory(email="admin@example.com")
    MembershipFactory(user=admin, company=company, role=Role.ADMIN)
    MembershipFactory(user=UserFactory(), company=company, role=Role.MEMBER)
    enable_two_factor(user)
    assert [m.user for m in two_factor.managers_without(company)] == [admin]
