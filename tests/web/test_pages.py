"""Every page renders for a member; the layout, menus, switchers and formats are right."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from billbridge.accounts.services import add_product
from billbridge.web.decorators import SESSION_COMPANY_KEY
from billbridge.web.templatetags.bb_format import format_day, format_money
from tests.factories import BillFactory, CompanyFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("web:bill_list", ()),
    ("web:bill_new", ()),
    ("web:bill_detail", ("bill",)),
    ("web:bill_edit", ("bill",)),
    ("web:bill_pay", ("bill",)),
    ("web:products", ()),
    ("web:categories", ()),
    ("web:payment_methods", ()),
    ("web:integrations", ()),
]


def _url(name: str, world, *objects: str) -> str:
    return reverse(name, args=[world["company"].pk, *(world[o].pk for o in objects)])


@pytest.mark.parametrize("role", ["owner", "member", "accountant"])
@pytest.mark.parametrize(("name", "objects"), PAGES)
def test_each_page_renders_for_a_member(client, world, role, name, objects):
    from tests.factories import UserFactory

    person = UserFactory()
    MembershipFactory(user=person, company=world["company"], role=role)
    client.force_login(person)
    response = client.get(_url(name, world, *objects))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nordlys Design ApS" in html  # the company switcher
    assert 'name="csrfmiddlewaretoken"' in html  # log-out and language forms at least


def test_login_page_and_log_in(client, user, company):
    assert client.get("/login/").status_code == 200
    response = client.post("/login/", {"username": user.email, "password": "secret-password"})
    assert response.status_code == 302
    assert client.get("/").url == reverse("web:bill_list", args=[company.pk])


def test_wrong_password_keeps_the_email(client, user):
    response = client.post("/login/", {"username": user.email, "password": "nope"})
    assert response.status_code == 200
    assert f'value="{user.email}"' in response.content.decode()


def test_logout_is_a_post(logged_in_client):
    assert logged_in_client.get("/logout/").status_code == 405
    assert logged_in_client.post("/logout/").status_code == 302
    assert logged_in_client.get("/").status_code == 302  # back to log in


def test_home_opens_the_company_used_last(client, user, company):
    second = CompanyFactory(name="Zeta ApS")
    MembershipFactory(user=user, company=second, role="member")
    client.force_login(user)
    assert client.get("/").url == reverse("web:bill_list", args=[company.pk])  # first by name
    client.get(reverse("web:bill_list", args=[second.pk]))
    assert client.session[SESSION_COMPANY_KEY] == second.pk
    assert client.get("/").url == reverse("web:bill_list", args=[second.pk])


def test_home_without_any_company(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 200
    assert "No company account" in response.content.decode() or "Ingen virksomhedskonto" in (
        response.content.decode()
    )


def test_company_switcher_lists_only_the_users_companies(logged_in_client, company, outsider):
    response = logged_in_client.get(reverse("web:bill_list", args=[company.pk]))
    html = response.content.decode()
    assert "Nordlys Design ApS" in html
    assert "Andet Firma ApS" not in html


def test_integrations_menu_only_with_integrate(logged_in_client, company):
    url = reverse("web:bill_list", args=[company.pk])
    integrations_url = reverse("web:integrations", args=[company.pk])
    assert f'href="{integrations_url}"' not in logged_in_client.get(url).content.decode()
    page = logged_in_client.get(integrations_url).content.decode()
    assert "Business Products" in page and reverse("web:products", args=[company.pk]) in page
    add_product(company, "integrate")
    assert f'href="{integrations_url}"' in logged_in_client.get(url).content.decode()


def test_integrations_list_shows_each_provider_with_its_state(logged_in_client, world):
    add_product(world["company"], "integrate")
    response = logged_in_client.get(
        reverse("web:integrations", args=[world["company"].pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    rows = {row["info"].key: row for row in response.context["rows"]}
    assert set(rows) == {"dinero", "economic"}
    assert rows["dinero"]["state"] == "connected"
    assert rows["economic"]["state"] == "not_connected"
    html = response.content.decode()
    assert "Dinero" in html and "e-conomic" in html
    # A provider links to its own page only once that page exists.
    for key, row in rows.items():
        if row["url"]:
            assert logged_in_client.get(row["url"]).status_code in (200, 302), key


def test_business_products_add_and_remove_by_owner(logged_in_client, company):
    url = reverse("web:products", args=[company.pk])
    logged_in_client.post(url, {"product": "integrate", "action": "add"})
    assert company.has_product("integrate")
    logged_in_client.post(url, {"product": "integrate", "action": "remove"})
    assert not company.has_product("integrate")


def test_business_products_are_read_only_for_members(client, company):
    from tests.factories import UserFactory

    member = UserFactory()
    MembershipFactory(user=member, company=company, role="member")
    client.force_login(member)
    url = reverse("web:products", args=[company.pk])
    assert "Add Integrate" not in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert client.post(url, {"product": "integrate", "action": "add"}).status_code == 403
    assert not company.has_product("integrate")


def test_unknown_product_is_refused(logged_in_client, company):
    url = reverse("web:products", args=[company.pk])
    assert logged_in_client.post(url, {"product": "teleport"}).status_code == 403


def test_language_switch_sets_english(logged_in_client, company):
    url = reverse("web:bill_list", args=[company.pk])
    assert "Regninger" in logged_in_client.get(url).content.decode()  # Danish by default
    response = logged_in_client.post("/i18n/", {"language": "en", "next": url})
    assert response.status_code == 302 and response.url == url
    html = logged_in_client.get(url).content.decode()
    assert "Bills" in html and "Regninger" not in html


def test_status_labels_are_danish(logged_in_client, world):
    html = logged_in_client.get(_url("web:bill_list", world)).content.decode()
    assert "Kommende" in html and "Dublet" in html


def test_bill_list_shows_danish_amounts_and_dates(logged_in_client, world):
    html = logged_in_client.get(_url("web:bill_list", world)).content.decode()
    assert "1.250,00\xa0kr." in html
    assert "22.11.2026" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "papir"}, 2),
        ({"q": "F-1001"}, 2),
        ({"q": "nothing-like-this"}, 0),
        ({"status": "DUPLICATE"}, 1),
        ({"status": "PAID"}, 0),
        ({"status": "bogus"}, 2),  # an invalid filter is ignored, not an error
    ],
)
def test_bill_list_filters(logged_in_client, world, query, expected):
    response = logged_in_client.get(_url("web:bill_list", world), query)
    assert response.status_code == 200
    assert len(response.context["bills"]) == expected


def test_bill_list_filters_by_supplier_and_category(logged_in_client, world):
    other = BillFactory(company=world["company"])
    url = _url("web:bill_list", world)
    by_supplier = logged_in_client.get(url, {"supplier": other.supplier_id}).context["bills"]
    assert list(by_supplier) == [other]
    by_category = logged_in_client.get(url, {"category": world["category"].pk}).context["bills"]
    assert list(by_category) == [world["bill"]]


def test_htmx_filter_returns_only_the_results(logged_in_client, world):
    response = logged_in_client.get(
        _url("web:bill_list", world),
        {"q": "papir"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="bill-results",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="bill-results">')
    assert "<aside" not in html


def test_bill_list_is_paginated(logged_in_client, company):
    BillFactory.create_batch(30, company=company)
    url = reverse("web:bill_list", args=[company.pk])
    first = logged_in_client.get(url, {"status": "UPCOMING"})
    assert len(first.context["bills"]) == 25
    html = first.content.decode()
    assert "page=2" in html and "status=UPCOMING" in html
    assert len(logged_in_client.get(url, {"page": 2}).context["bills"]) == 5


def test_detail_shows_fields_document_sync_state_and_duplicate_notice(logged_in_client, world):
    html = logged_in_client.get(_url("web:bill_detail", world, "bill")).content.decode()
    document_url = _url("web:bill_document", world, "bill")
    assert f'<iframe class="document-frame" src="{document_url}"' in html
    assert "F-1001" in html and "Papirhuset A/S" in html and "Kontorartikler" in html
    assert "Dinero" in html and "42" in html  # the posted voucher
    duplicate = logged_in_client.get(_url("web:bill_detail", world, "duplicate")).content
    assert "Ikke en dublet" in duplicate.decode()


def test_document_is_served_inline_and_as_download(logged_in_client, world):
    url = _url("web:bill_document", world, "bill")
    inline = logged_in_client.get(url)
    assert inline.status_code == 200
    assert inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"].startswith("inline")
    assert inline["X-Content-Type-Options"] == "nosniff"
    assert b"".join(inline.streaming_content).startswith(b"%PDF")
    download = logged_in_client.get(url, {"download": "1"})
    assert download["Content-Disposition"].startswith("attachment")


def test_an_xml_or_unknown_document_is_never_served_inline(logged_in_client, world):
    from django.core.files.base import ContentFile

    bill = world["duplicate"]
    xml = b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script/></html>'
    bill.document.save("evil.xml", ContentFile(xml), save=True)
    response = logged_in_client.get(_url("web:bill_document", world, "duplicate"))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    detail = logged_in_client.get(_url("web:bill_detail", world, "duplicate")).content.decode()
    assert "&lt;script/&gt;" in detail  # shown as text on the page, escaped


def test_a_bill_without_document_has_no_document_url(logged_in_client, world):
    url = _url("web:bill_document", world, "duplicate")
    assert logged_in_client.get(url).status_code == 404


def test_money_and_day_formats():
    with translation.override("da"):
        assert format_money(Decimal("1250"), "DKK") == "1.250,00\xa0kr."
        assert format_money(Decimal("1250.5"), "EUR") == "1.250,50\xa0EUR"
        assert format_money(Decimal("-1234567.89"), "DKK") == "-1.234.567,89\xa0kr."
        assert format_day(dt.date(2026, 11, 22)) == "22.11.2026"
    with translation.override("en"):
        assert format_money(Decimal("1250"), "DKK") == "DKK\xa01,250.00"
        assert format_day(dt.date(2026, 11, 22)) == "22 Nov 2026"
    assert format_money(None) == ""


def test_save_buttons_are_danish_whatever_other_catalogs_say(logged_in_client, world):
    """A provider catalog may keep "Save" in English (the seed's label); ours has a context."""
    html = logged_in_client.get(_url("web:categories", world)).content.decode()
    assert ">Gem</button>" in html


def test_the_list_searches_through_the_one_bill_search(logged_in_client, company):
    """Issue 16 item 3: the web list finds what the API finds (bills.search), CVR included."""
    from tests.factories import SupplierFactory

    supplier = SupplierFactory(company=company, name="Rengøringsfirmaet ApS", cvr="19283746")
    wanted = BillFactory(company=company, supplier=supplier)
    BillFactory(company=company)
    for q in ("928374", "rengøringsfirma"):
        response = logged_in_client.get(reverse("web:bill_list", args=[company.pk]), {"q": q})
        assert [b.pk for b in response.context["bills"]] == [wanted.pk]


def test_page_links_still_reach_every_page(logged_in_client, company):
    """Issue 16 item 3: pages by number (an index-only walk to the page) in the list order."""
    from billbridge.web.views.bills import PAGE_SIZE

    made = [BillFactory(company=company, issue_date=dt.date(2026, 1, 1) + dt.timedelta(days=n))
            for n in range(PAGE_SIZE + 3)]  # fmt: skip
    url = reverse("web:bill_list", args=[company.pk])
    second = logged_in_client.get(url, {"page": 2})
    assert [b.pk for b in second.context["bills"]] == [b.pk for b in made[:3]][::-1]
    assert second.context["page"].paginator.count == PAGE_SIZE + 3


def test_a_page_that_does_not_exist_says_so_in_the_users_language(logged_in_client):
    """Was Django's bare English "Not Found – The requested resource was not found on this
    server." on a Danish app (another company's id, an old link)."""
    response = logged_in_client.get("/c/99999/bills/", HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-testid="error-page"' in page and "Siden findes ikke" in page


def test_a_refused_page_says_why_in_plain_words(client, company):
    from tests.factories import UserFactory

    member = UserFactory()
    MembershipFactory(user=member, company=company, role="member")
    client.force_login(member)
    url = reverse("web:products", args=[company.pk])
    response = client.post(
        url, {"product": "integrate", "action": "add"}, HTTP_ACCEPT_LANGUAGE="da"
    )
    assert response.status_code == 403
    assert (
        "Din rolle i denne virksomhedskonto giver ikke lov til dette." in response.content.decode()
    )


def test_the_server_error_page_renders_without_a_request():
    """Django renders 500.html with no context processors: the page must not need them."""
    from django.template.loader import render_to_string

    with translation.override("da"):
        page = render_to_string("500.html")
    assert "Noget gik galt" in page


def test_the_menu_tells_the_companys_two_factor_rule_from_the_users_own(logged_in_client, company):
    """Settings listed 'Totrinslogin' and so did the foot of the menu, for two pages: the
    company's requirement and the user's own app."""
    page = logged_in_client.get(
        reverse("web:bill_list", args=[company.pk]), HTTP_ACCEPT_LANGUAGE="da"
    ).content.decode()
    policy = reverse("web:two_factor_policy", args=[company.pk])
    assert f'href="{policy}">Krav om totrinslogin</a>' in page
    assert f'href="{reverse("web:two_factor")}">Totrinslogin</a>' in page
