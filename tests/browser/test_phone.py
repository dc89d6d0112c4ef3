"""Every page on a phone (B-8, issue 13 items 6 and 7): Debian's chromium at 390 × 844, the
menu behind a button, tables as lists, nothing wider than the screen, and a bill added from the
camera with its upload's progress."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(page, login_as, user):
    page.set_viewport_size(PHONE)
    return login_as(user)


def fits_the_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def test_the_bill_list_is_a_list_and_the_menu_a_button(phone, company):
    from tests.factories import BillFactory

    for number in range(3):
        BillFactory(company=company, supplier__name=f"Elselskabet {number} A/S")
    phone.goto(f"/c/{company.pk}/bills/")
    fits_the_screen(phone)
    menu = phone.get_by_role("navigation", name="Hovedmenu")
    expect(menu).to_be_hidden()
    phone.get_by_role("button", name="Menu").click()
    expect(menu.get_by_role("link", name="Indbakke")).to_be_visible()
    phone.get_by_role("button", name="Menu").click()
    expect(menu).to_be_hidden()
    expect(phone.locator("table.bills thead")).to_be_hidden()
    cell = phone.locator("table.bills tbody tr td.date").first
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Fakturadato"'  # each cell says what it is
    camera = phone.locator("label.camera-button")
    expect(camera).to_have_text("Tilføj regning")
    assert camera.bounding_box()["height"] >= 44


def test_a_photo_from_the_camera_becomes_a_bill(phone, company):
    from tests.ingest import corpus

    phone.goto(f"/c/{company.pk}/bills/")
    camera = phone.get_by_test_id("camera-input")
    assert camera.get_attribute("capture") == "environment"
    assert camera.get_attribute("accept") == "image/*,application/pdf"
    assert camera.get_attribute("multiple") is not None
    photo = corpus.render_png(corpus.bill_pdf(), dpi=150)
    phone.get_by_label("Tilføj regning").set_input_files(
        files=[{"name": "kvittering.png", "mimeType": "image/png", "buffer": photo}]
    )
    expect(phone.locator("[data-progress]")).to_be_visible()
    expect(phone.get_by_text("1 dokument tilføjet")).to_be_visible(timeout=60_000)
    expect(phone.locator("table.bills tbody tr")).to_have_count(1)
    fits_the_screen(phone)


@pytest.mark.parametrize(
    "path",
    ["integrations/", "integrations/dinero/", "integrations/economic/", "inbox/", "inbox/settings/",
     "bills/new/", "settings/categories/", "settings/payment-methods/", "settings/products/"],
)  # fmt: skip
def test_every_page_fits_a_phone(phone, user, company, path):
    from billbridge.accounts.services import add_product

    add_product(company, "integrate", by=user)
    phone.goto(f"/c/{company.pk}/{path}")
    expect(phone.locator("main.main h1")).to_be_visible()
    fits_the_screen(phone)


def test_a_bills_own_pages_fit_a_phone(phone, company):
    from tests.factories import BillFactory, PaymentMethodFactory

    PaymentMethodFactory(company=company, name="Firmakort", type="debit_card")
    bill = BillFactory(company=company, supplier__name="Elselskabet A/S")
    for path in ("", "edit/", "pay/"):
        phone.goto(f"/c/{company.pk}/bills/{bill.pk}/{path}")
        expect(phone.locator("main.main h1")).to_be_visible()
        fits_the_screen(phone)
    button = phone.get_by_role("button", name="Markér som betalt")
    assert button.bounding_box()["height"] >= 44
