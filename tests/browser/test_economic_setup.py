"""The e-conomic seed guide (001) walked in a real browser, in Danish as the guide is written,
against the live server and the e-conomic emulator (its own login and Tilføj app pages):

Integrationer → e-conomic → Prerequisites → CONNECT E-CONOMIC → access type → Authenticate →
the login notice → OK → e-conomic login → Tilføj app → loading → the set-up form (journals,
payment methods with the 5800 / 6700 (6600) hint, categories, Default account) → refresh top
right → SAVE. Both access types: one company, and an accountant who first clicks *Administrer*
on the client's agreement in e-conomic — there is no agreement chooser on e-conomic's grant page
(economic.md §10.3, issue 10 items 3 and 7) — and maps that agreement to one of their
companies; and the accountant who forgot to, whom e-conomic tells to administer first."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from billbridge.accounts.services import add_product
from billbridge.integrations.models import Integration, IntegrationState
from tests.emulators.conftest import RunningEmulator
from tests.factories import CategoryFactory, CompanyFactory, MembershipFactory, PaymentMethodFactory
from tests.integrations.emulated import emulator_process, point_product_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


emulator = emulator_process("economic", name="emulator", scope="module")


@pytest.fixture
def economic(emulator: RunningEmulator, settings: Any) -> RunningEmulator:
    return point_product_at(emulator, settings)


def snap(page: Page, name: str) -> None:
    if folder := os.environ.get("BILLBRIDGE_SCREENSHOTS"):
        page.screenshot(path=os.path.join(folder, f"economic-{name}.png"), full_page=True)


def open_economic_page(page: Page, company: Any) -> None:
    page.goto(f"/c/{company.pk}/bills/")
    page.locator("nav.menu").get_by_role("link", name=re.compile("^Integration")).click()
    page.locator("[data-provider=economic] h2").get_by_role("link", name="e-conomic").click()
    expect(page.get_by_role("heading", name="e-conomic", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Prerequisites")).to_be_visible()
    expect(page.get_by_text("Tillægsmodulet Indscanning")).to_be_visible()
    # issue 10 item 3: no "API access" switch (economic.md §10.4); the app added is the access
    expect(page.get_by_text("billbridge skal være tilføjet som app")).to_be_visible()


def authenticate(page: Page, access: str, username: str) -> None:
    page.get_by_role("link", name="CONNECT E-CONOMIC").click()
    page.get_by_label(access).check()
    snap(page, "2-access")
    page.get_by_role("button", name="Authenticate").click()
    expect(page.get_by_test_id("login-notice")).to_contain_text("sendt videre til e-conomic")
    snap(page, "3-notice")
    page.get_by_role("button", name="OK").click()
    # e-conomic's own pages (the emulator's): log in.
    page.locator("#username").fill(username)
    page.locator("#password").fill("demo")
    page.get_by_role("button", name="Log ind").click()


def fill_setup(page: Page, card: Any, visa: Any, category: Any) -> None:
    expect(page.get_by_test_id("economic-setup-form")).to_be_visible()
    for label in (
        "Creditor invoice / Leverandørfaktura",
        "Creditor payment / Leverandørbetaling",
        "Payment methods / Betalingsmetoder",
        "Bill categories / Regningskategorier",
        "Default account",
    ):
        expect(page.locator("label, h2").filter(has_text=label).first).to_be_visible()
    expect(page.get_by_test_id("payment-hint")).to_contain_text("6700 (6600)")
    expect(page.get_by_test_id("payment-hint")).to_contain_text("5800")
    expect(page.locator('[data-testid="prerequisite-indscanning"][data-met="yes"]')).to_be_visible()
    snap(page, "5-setup")
    # The refresh control, top right: both systems fetched again; a new category shows up.
    CategoryFactory(company=category.company, name="Ny kategori fra i dag")
    page.get_by_test_id("refresh").click()
    expect(page.get_by_label("Ny kategori fra i dag")).to_be_visible()
    page.get_by_label("Creditor invoice / Leverandørfaktura").select_option("2")
    page.get_by_label("Creditor payment / Leverandørbetaling").select_option("3")
    page.get_by_label(card.name).select_option("5830")
    page.get_by_label(visa.name).select_option("6720")
    page.get_by_label(category.name).select_option("2710")
    page.locator("#id_default_account").select_option("2800")
    page.get_by_role("button", name="SAVE").click()
    expect(page.get_by_text("Integrationen til e-conomic er gemt.")).to_be_visible()
    snap(page, "6-saved")


def world(user: Any, company: Any) -> tuple[Any, Any, Any]:
    add_product(company, "integrate", by=user)
    card = PaymentMethodFactory(company=company, name="Debetkort", type="debit_card",
                                account_number="")  # fmt: skip
    visa = PaymentMethodFactory(company=company, name="Visa kreditkort", type="credit_card",
                                account_number="")  # fmt: skip
    category = CategoryFactory(company=company, name="Telefoni", account_number="")
    return card, visa, category


def test_one_company(page: Page, login_as: Any, economic: RunningEmulator, user: Any,
                     company: Any) -> None:  # fmt: skip
    card, visa, category = world(user, company)
    login_as(user)
    open_economic_page(page, company)
    snap(page, "1-page")
    authenticate(page, "Jeg administrerer kun én virksomhed", "nordlys@example.com")
    expect(page.get_by_role("heading", name="Tilføj app")).to_be_visible()
    snap(page, "4-add-app")
    page.get_by_role("button", name="Tilføj app").click()
    fill_setup(page, card, visa, category)
    integration = Integration.objects.get(company=company, provider="economic")
    assert integration.state == IntegrationState.CONNECTED
    assert integration.remote_data["agreement"]["number"] == 701001
    assert integration.settings["default_account"] == 2800
    token = integration.credentials["agreement_grant_token"]
    assert token not in page.content()
    expect(page.get_by_test_id("economic-agreement")).to_contain_text("701001")


def administer_in_economic(page: Page, emulator: RunningEmulator, name: str) -> None:
    """In e-conomic (the emulator's own pages): log in as the accountant and click
    *Administrer* on the client's agreement."""
    page.goto(f"{emulator.base_url}/secure/")
    page.locator("#username").fill("revisor@example.com")
    page.locator("#password").fill("demo")
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("row", name=re.compile(name)).get_by_role("button", name="Administrer").click()
    expect(page.get_by_test_id("active-agreement")).to_contain_text(name)
    snap(page, "accountant-administrer")


def connect_as_accountant(page: Page, company: Any) -> None:
    open_economic_page(page, company)
    page.get_by_role("link", name="CONNECT E-CONOMIC").click()
    expect(page.get_by_test_id("administer-first")).to_contain_text("klik på Administrer")
    page.get_by_label("Jeg administrerer flere virksomheder (revisor eller administrator)").check()
    page.get_by_role("button", name="Authenticate").click()
    expect(page.get_by_test_id("administer-first")).to_contain_text("Klik på Administrer")
    page.get_by_role("button", name="OK").click()


def map_to_company_and_set_up(page: Page, cafe: Any, card: Any, visa: Any, category: Any) -> None:
    # Back in billbridge: which of my companies is this agreement?
    expect(page.get_by_role("heading", name="Hvilken virksomhed er det?")).to_be_visible()
    row = page.get_by_test_id("agreement-701002")
    expect(row.get_by_role("combobox")).to_have_value(str(cafe.pk))  # matched by CVR
    snap(page, "accountant-company")
    row.get_by_role("button", name="Fortsæt").click()
    fill_setup(page, card, visa, category)


def accountant_world(user: Any, company: Any) -> tuple[Any, Any, Any, Any]:
    cafe = CompanyFactory(name="Havnens Café ApS", cvr="42345678")
    MembershipFactory(user=user, company=cafe, role="admin")
    card, visa, category = world(user, cafe)
    add_product(company, "integrate", by=user)
    return cafe, card, visa, category


def test_accountant_administers_the_client_agreement_first(page: Page, login_as: Any,
                                                          economic: RunningEmulator, user: Any,
                                                          company: Any) -> None:  # fmt: skip
    cafe, card, visa, category = accountant_world(user, company)
    login_as(user)
    administer_in_economic(page, economic, "Havnens Café ApS")
    connect_as_accountant(page, company)
    # Logged in to e-conomic already: the grant is for the agreement being administered.
    expect(page.get_by_role("heading", name="Tilføj app")).to_be_visible()
    expect(page.get_by_text("Havnens Café ApS (701002)")).to_be_visible()
    expect(page.get_by_role("heading", name="Vælg aftale")).to_have_count(0)  # no chooser
    page.get_by_role("button", name="Tilføj app").click()
    map_to_company_and_set_up(page, cafe, card, visa, category)
    integration = Integration.objects.get(company=cafe, provider="economic")
    assert integration.state == IntegrationState.CONNECTED
    assert integration.remote_data["agreement"]["number"] == 701002
    assert not Integration.objects.filter(company=company, provider="economic").exists()


def test_accountant_who_did_not_administer_is_told_to_by_economic(page: Page, login_as: Any,
                                                                 economic: RunningEmulator,
                                                                 user: Any,
                                                                 company: Any) -> None:  # fmt: skip
    cafe, card, visa, category = accountant_world(user, company)
    login_as(user)
    connect_as_accountant(page, company)
    page.locator("#username").fill("revisor@example.com")
    page.locator("#password").fill("demo")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_test_id("not-administering")).to_contain_text(
        "Du skal aktivt administrere en aftale"
    )
    snap(page, "accountant-not-administering")
    page.get_by_role("link", name="Gå til administration").click()
    page.get_by_role("row", name=re.compile("Havnens Café ApS")).get_by_role(
        "button", name="Administrer"
    ).click()
    page.get_by_role("link", name="Følg app-linket igen").click()
    page.get_by_role("button", name="Tilføj app").click()
    map_to_company_and_set_up(page, cafe, card, visa, category)
    integration = Integration.objects.get(company=cafe, provider="economic")
    assert integration.remote_data["agreement"]["number"] == 701002
