"""The Dinero seed guide walked in a real browser (Debian's chromium through Playwright),
against the live server and the Dinero emulator, in Danish as the guide is written, both ways:
- the personal integration (API key): log in → Integrationer → Dinero → Personlig integration
  → Yes, Allow → the company → API-nøgle and Firma ID (a wrong key first) → 99999 / 55000 →
  import the chart → Save → the confirmation; then a bill lands in the kassekladde (S-d11);
- Visma Connect (recommended, issue 9 item 3): CONNECT DINERO → the emulated Visma Connect
  login and its "Yes, Allow" → the company → the organisation (one without Pro not
  selectable) → 99999 / 55000 → the import's plan → Save → a bill lands in the kassekladde."""

from __future__ import annotations

import os
import re
import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from billbridge.accounts.services import add_product
from tests.conftest import PASSWORD
from tests.emulators.conftest import RunningEmulator
from tests.integrations.emulated import emulator_process, point_product_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


emulator = emulator_process("dinero", name="emulator", scope="module")


@pytest.fixture
def dinero(emulator: RunningEmulator, settings: Any) -> RunningEmulator:
    return point_product_at(emulator, settings)


def snap(page: Page, name: str) -> None:
    """A screenshot per step when BILLBRIDGE_SCREENSHOTS names a folder (for people to see)."""
    if folder := os.environ.get("BILLBRIDGE_SCREENSHOTS"):
        page.screenshot(path=os.path.join(folder, f"dinero-{name}.png"), full_page=True)


def kassekladde(emulator: RunningEmulator, org: str) -> list[dict[str, Any]]:
    response = emulator.client.get(f"/_emulator/organizations/{org}/ledgeritems")
    response.raise_for_status()
    return list(response.json())


def test_the_seed_guide_walked_in_a_browser(
    live_server: Any, page: Page, dinero: RunningEmulator, user: Any, company: Any
) -> None:
    """`page` (tests/browser/conftest.py) is Debian's chromium in Danish (locale da-DK)."""
    add_product(company, "integrate", by=user)
    org = next(o for o in dinero.credentials()["organizations"] if o["organization_id"] == "112233")
    continue_button = page.get_by_role("button", name=re.compile("^(Fortsæt|Continue)$"))

    # Log in.
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^(Log ind|Log in)$")).click()
    page.wait_for_url(re.compile(r"/c/\d+/"))

    # 1-3. Integrationer → Dinero → the Dinero page.
    page.locator("nav.menu").get_by_role("link", name=re.compile("^Integration")).click()
    page.locator("[data-provider=dinero] h2").get_by_role("link", name="Dinero").click()
    expect(page.get_by_role("heading", name="Dinero", exact=True)).to_be_visible()
    expect(page.get_by_text("Forudsætninger")).to_be_visible()

    # 4. The personal integration (CONNECT DINERO is Visma Connect, walked below). 5. Yes, Allow.
    snap(page, "1-page")
    page.get_by_test_id("dinero-personal").click()
    expect(page.get_by_role("heading", name="Må billbridge forbindes med din Dinero-konto?"))
    snap(page, "2-consent")
    page.get_by_role("button", name="Yes, Allow").click()

    # 6. The company account; the hint about another e-mail address is there.
    expect(page.get_by_test_id("company-hint")).to_contain_text("anden emailadresse")
    snap(page, "3-company")
    page.get_by_label("Nordlys Design ApS").check()
    continue_button.click()

    # 7. API-nøgle and Firma ID: first a wrong key, then the right one.
    api_key = page.get_by_label("API-nøgle")
    org_id = page.get_by_label("Firma ID")
    api_key.fill("forkert-noegle")
    org_id.fill(org["organization_id"])
    continue_button.click()
    expect(page.get_by_text("Dinero kender ikke denne API-nøgle.")).to_be_visible()
    expect(page.get_by_label("Firma ID")).to_have_value(org["organization_id"])
    snap(page, "4-credentials-wrong-key")
    page.get_by_label("API-nøgle").fill(org["api_key"])
    continue_button.click()

    # 8. Fallback account 99999, counter account 55000.
    expect(page.get_by_label("Standardkonto")).to_have_value("99999")
    expect(page.get_by_label("Modkonto for betalinger")).to_have_value("55000")
    assert org["api_key"] not in page.content()
    snap(page, "5-accounts")
    page.get_by_label("Standardkonto").select_option("99999")
    page.get_by_label("Modkonto for betalinger").select_option("55000")
    continue_button.click()

    # 9. Import the chart. 10. Save (S-d8's "well under a second": no call to Dinero and a
    # few queries whatever the chart's size, tests/integrations/dinero/test_setup_views.py).
    # 11. The confirmation.
    snap(page, "6-import")
    page.get_by_label("Ja, importér kontoplanen").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("Integrationen er gemt"))).to_be_visible()
    snap(page, "7-saved")
    assert company.categories.filter(imported_from="dinero").exists()

    # 11. "…or reload the page and go straight to step 6": the company step again.
    page.reload()
    expect(page.get_by_role("heading", name="Vælg din virksomhedskonto")).to_be_visible()

    # The Dinero page: connected to 112233, with Set up again and Disconnect.
    page.goto(f"{live_server.url}/c/{company.pk}/integrations/dinero/")
    expect(page.get_by_test_id("dinero-org")).to_have_text("112233")
    expect(page.get_by_role("link", name="Opsæt igen")).to_be_visible()
    expect(page.get_by_role("link", name="Afbryd forbindelsen")).to_be_visible()
    snap(page, "8-connected")

    # S-d11: a bill added now lands in Dinero's kassekladde.
    page.goto(f"{live_server.url}/c/{company.pk}/bills/new/")
    page.locator("#id_supplier_name").fill("Papirhuset A/S")
    page.locator("#id_invoice_number").fill("PH-4711")
    page.locator("#id_issue_date").fill("2026-11-20")
    page.locator("#id_total").fill("1.250,00")
    page.locator("#id_vat_amount").fill("250,00")
    page.locator("#id_text").fill("Kontorartikler")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()

    deadline = time.monotonic() + 15
    rows: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        rows = [r for r in kassekladde(dinero, "112233") if "PH-4711" in (r["Description"] or "")]
        if rows:
            break
        time.sleep(0.25)
    assert len(rows) == 1, kassekladde(dinero, "112233")
    assert rows[0]["Amount"] in (1250, 1250.0, -1250, -1250.0)
    assert {rows[0]["AccountNumber"], rows[0]["BalancingAccountNumber"]} == {99999, 55000}


def _wait_for_row(emulator: RunningEmulator, org: str, text: str) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 15
    rows: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        rows = [r for r in kassekladde(emulator, org) if text in (r["Description"] or "")]
        if rows:
            break
        time.sleep(0.25)
    return rows


def test_visma_connect_walked_in_a_browser(
    live_server: Any, page: Page, dinero: RunningEmulator, user: Any, company: Any
) -> None:
    """CONNECT DINERO → Visma Connect's login and consent (S-d3) → back with a code (PKCE)
    → company → organisation, only Pro ones selectable → accounts → import plan → Save."""
    add_product(company, "integrate", by=user)
    continue_button = page.get_by_role("button", name=re.compile("^(Fortsæt|Continue)$"))
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^(Log ind|Log in)$")).click()
    page.wait_for_url(re.compile(r"/c/\d+/"))
    page.goto(f"{live_server.url}/c/{company.pk}/integrations/dinero/")
    expect(page.get_by_test_id("dinero-ways")).to_contain_text("Visma Connect")
    page.get_by_role("link", name="CONNECT DINERO").click()

    # Visma Connect (emulated): log in, then "Yes, Allow".
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert page.url.startswith(dinero.base_url + "/connect/authorize")
    snap(page, "visma-1-login")
    page.get_by_label("E-mail").fill("revisor@example.com")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Allow access")).to_be_visible()
    snap(page, "visma-2-consent")
    page.get_by_role("button", name="Yes, Allow").click()

    # Back in billbridge: the company, then the organisation.
    expect(page.get_by_role("heading", name="Vælg din virksomhedskonto")).to_be_visible()
    page.get_by_label("Nordlys Design ApS").check()
    continue_button.click()
    expect(page.get_by_role("heading", name="Vælg din Dinero-virksomhed")).to_be_visible()
    no_pro = page.locator("input[name=organization][value='778899']")
    expect(no_pro).to_be_disabled()
    expect(page.get_by_text("kræver Dinero Pro")).to_be_visible()
    snap(page, "visma-3-organisation")
    page.locator("input[name=organization][value='112233']").check()
    continue_button.click()

    expect(page.get_by_label("Standardkonto")).to_have_value("99999")
    continue_button.click()
    expect(page.get_by_test_id("import-plan")).to_contain_text("Kategorier tilføjet")
    snap(page, "visma-4-import")
    page.get_by_label("Ja, importér kontoplanen").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("Integrationen er gemt"))).to_be_visible()

    page.goto(f"{live_server.url}/c/{company.pk}/integrations/dinero/")
    expect(page.get_by_test_id("dinero-way")).to_have_text("Visma Connect")
    expect(page.get_by_test_id("dinero-org")).to_have_text("112233")
    snap(page, "visma-5-connected")

    page.goto(f"{live_server.url}/c/{company.pk}/bills/new/")
    page.locator("#id_supplier_name").fill("Visma Papir A/S")
    page.locator("#id_invoice_number").fill("VP-1")
    page.locator("#id_issue_date").fill("2026-11-20")
    page.locator("#id_total").fill("500,00")
    page.locator("#id_vat_amount").fill("100,00")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert len(_wait_for_row(dinero, "112233", "VP-1")) == 1
