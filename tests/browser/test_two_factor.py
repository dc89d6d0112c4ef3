"""Two-factor log-in in a real browser (issue 15 item 1): turn it on from the account page with
the QR code's key in an authenticator app (pyotp, as a phone computes it), log out, log in with
password and code. Under the Content-Security-Policy (the page fixture fails on any refusal)."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from billbridge.accounts import two_factor
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_turn_on_two_factor_and_log_in_with_a_code(login_as, user, company):
    page = login_as(user)
    page.goto("/account/two-factor/")
    page.get_by_role("button", name="Opsæt totrinslogin").click()

    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible()
    secret = page.get_by_test_id("secret").inner_text().replace(" ", "")
    app = pyotp.TOTP(secret)  # the phone's authenticator app, given the key
    page.get_by_label("Kode").fill(app.now())
    page.get_by_role("button", name="Slå til").click()

    expect(page.get_by_text("Totrinslogin er slået til.")).to_be_visible()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    assert two_factor.is_enabled(user)

    page.get_by_role("button", name="Log ud").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()

    expect(page).to_have_url(re.compile(r"/login/code/$"))
    page.get_by_label("Kode").fill("000000")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_test_id("code-error")).to_have_text("Forkert totrinskode.")

    # The code the app shows next (the one used to turn it on is spent), once django-otp's
    # one-second wait after a wrong code is over.
    page.wait_for_timeout(1100)
    page.get_by_label("Kode").fill(app.at(time.time() + app.interval))
    page.get_by_role("button", name="Log ind").click()
    expect(page).to_have_url(re.compile(rf"/c/{company.pk}/bills/$"))
    expect(page.get_by_test_id("current-user")).to_have_text(user.email)
