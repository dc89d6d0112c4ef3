"""The web UI in a real browser: log in, switch company and language, add and pay a bill,
unlock Integrations through Business Products."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_companies(user, company):
    from tests.factories import CompanyFactory, MembershipFactory

    second = CompanyFactory(name="Zeta Byg ApS")
    MembershipFactory(user=user, company=second, role="admin")
    return company, second


def make_pdf(path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text="Faktura 2026-118  Papirhuset A/S  CVR 29403473")
    pdf.ln(10)
    pdf.cell(text="Total inkl. moms: 1.250,00 DKK")
    pdf.output(str(path))


def test_log_in_switch_company_and_language(page, live_server, user, two_companies):
    first, second = two_companies
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Adgangskode").fill("secret-password")
    page.get_by_role("button", name="Log ind").click()
    expect(page).to_have_url(re.compile(rf"/c/{first.pk}/bills/$"))
    expect(page.get_by_role("heading", name="Regninger")).to_be_visible()

    page.get_by_test_id("company-switcher").locator("summary").click()
    page.get_by_role("link", name="Zeta Byg ApS").click()
    expect(page).to_have_url(re.compile(rf"/c/{second.pk}/bills/$"))
    expect(page.locator(".company-name")).to_have_text("Zeta Byg ApS")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Bills")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/c/{second.pk}/bills/$"))
    page.get_by_role("button", name="Dansk").click()
    expect(page.get_by_role("heading", name="Regninger")).to_be_visible()

    page.goto("/")  # the company used last
    expect(page).to_have_url(re.compile(rf"/c/{second.pk}/bills/$"))
    page.get_by_role("button", name="Log ud").click()
    expect(page).to_have_url(re.compile(r"/login/"))


def test_add_a_bill_with_a_pdf_see_it_and_pay_it(page, login_as, user, company, tmp_path):
    from tests.factories import BillFactory, PaymentMethodFactory

    PaymentMethodFactory(company=company, name="Firmakort", type="debit_card")
    BillFactory(company=company, supplier__name="Elselskabet A/S", invoice_number="E-9")
    pdf = tmp_path / "faktura-118.pdf"
    make_pdf(pdf)

    login_as(user).goto(f"/c/{company.pk}/bills/")
    page.get_by_role("link", name="Tilføj regning").click()
    page.get_by_label("Dokument").set_input_files(str(pdf))
    page.get_by_label("Leverandør", exact=True).fill("Papirhuset A/S")
    page.get_by_label("Leverandørens CVR-nummer").fill("29403473")
    page.get_by_label("Fakturanummer").fill("2026-118")
    page.get_by_label("Fakturadato").fill("2026-11-22")
    page.get_by_label("Total inkl. moms").fill("1.250,00")
    page.get_by_label("Moms", exact=True).fill("250,00")
    page.get_by_role("button", name="Tilføj regning").click()

    expect(page.get_by_text("Regningen er tilføjet.")).to_be_visible()
    expect(page.get_by_test_id("bill-total")).to_have_text("1.250,00\xa0kr.")
    frame = page.get_by_test_id("document-frame")
    expect(frame).to_be_visible()
    document_url = frame.get_attribute("src")
    response = page.request.get(document_url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body() == pdf.read_bytes()

    page.get_by_role("link", name="← Regninger").click()
    row = page.get_by_role("row").filter(has_text="2026-118")
    expect(row).to_contain_text("Papirhuset A/S")
    expect(row).to_contain_text("22.11.2026")
    expect(row).to_contain_text("Kommende")

    # Filter as you type (htmx): only the matching bill stays, without a page load.
    expect(page.get_by_role("row")).to_have_count(3)
    page.get_by_role("searchbox").fill("papir")
    expect(page.get_by_role("row")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"q=papir"))

    page.get_by_role("link", name="Papirhuset A/S").click()
    expect(page.get_by_test_id("document-frame")).to_be_visible()
    page.get_by_role("link", name="Markér som betalt").click()
    expect(page.get_by_label("Beløb")).to_have_value("1250,00")
    page.get_by_label("Betalingsmetode").select_option(label="Firmakort")
    page.get_by_role("button", name="Markér som betalt").click()
    expect(page.get_by_text("Regningen er markeret som betalt.")).to_be_visible()
    expect(page.locator(".page-head .badge")).to_have_text("Betalt")
    expect(page.get_by_test_id("payment")).to_contain_text("Firmakort")


def test_business_products_unlock_integrations(page, login_as, user, company):
    login_as(user).goto(f"/c/{company.pk}/bills/")
    menu = page.get_by_role("navigation", name="Hovedmenu")
    expect(menu.get_by_role("link", name="Regninger")).to_be_visible()
    expect(menu.get_by_role("link", name="Integrationer")).to_have_count(0)

    page.goto(f"/c/{company.pk}/integrations/")
    expect(page.get_by_test_id("needs-integrate")).to_contain_text("Business Products")
    page.get_by_test_id("needs-integrate").get_by_role("link", name="Business Products").click()
    page.get_by_role("button", name="Tilføj Integrate").click()
    expect(page.get_by_text("Integrate er tilføjet.")).to_be_visible()

    menu.get_by_role("link", name="Integrationer").click()
    expect(page.get_by_role("heading", name="Integrationer")).to_be_visible()
    expect(page.get_by_test_id("state-dinero")).to_have_text("Ikke forbundet")
    expect(page.get_by_test_id("state-economic")).to_have_text("Ikke forbundet")
    expect(page.locator("[data-provider=dinero] h2")).to_have_text("Dinero")
    expect(page.locator("[data-provider=economic] h2")).to_have_text("e-conomic")
