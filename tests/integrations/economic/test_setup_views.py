"""The web set-up (S-e2…S-e10) with Django's test client, following e-conomic's grant pages
(the emulator's) over real HTTP."""

from __future__ import annotations

from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

from billbridge.accounts.models import CompanyProduct, Product
from billbridge.integrations.models import Integration, IntegrationState
from tests.factories import (
    CategoryFactory,
    CompanyFactory,
    MembershipFactory,
    PaymentMethodFactory,
)
from tests.integrations.economic.conftest import HAVNEN, NORDLYS, grant_token

pytestmark = pytest.mark.django_db


def follow_grant(url: str, username: str, agreement: int | None = None) -> str:
    """Walk e-conomic's pages like a browser: an accountant (`agreement` given) first logs in
    to e-conomic and clicks *Administrer* on that client's agreement (economic.md §10.3); then
    the installation URL → login (unless logged in already) → Tilføj app.

    Returns the URL e-conomic sends the browser back to (our callback with `token=`)."""
    home = urljoin(url, "/secure/")
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        if agreement is not None:
            answer = browser.post(home, data={"action": "login", "username": username,
                                              "password": "demo"})  # fmt: skip
            assert answer.status_code == 302
            answer = browser.post(home, data={"action": "administer", "agreement": str(agreement)})
            assert answer.status_code == 302
        page = browser.get(url)
        if 'name="password"' in page.text:  # the login page
            answer = browser.post(url, data={"action": "login", "username": username,
                                             "password": "demo"})  # fmt: skip
            assert answer.status_code == 302
            page = browser.get(url)
        assert "Tilføj app" in page.text, page.text
        done = browser.post(url, data={"action": "approve"})
        assert done.status_code == 302
        return done.headers["Location"]


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


@pytest.fixture
def integrate(company):
    CompanyProduct.objects.create(company=company, code=Product.INTEGRATE)
    return company


@pytest.fixture
def en_client(logged_in_client):
    logged_in_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return logged_in_client


def base(company) -> str:
    return f"/c/{company.pk}/integrations/economic/"


def start(client, company, access: str = "one") -> str:
    answer = client.post(base(company) + "connect/", {"access": access})
    assert answer.status_code == 302 and answer["Location"].endswith("/authenticate/")
    page = client.get(answer["Location"])
    assert b"OK" in page.content
    answer = client.post(answer["Location"])
    assert answer.status_code == 302
    return answer["Location"]


def test_without_integrate_the_page_sends_you_to_integrations(en_client, company):
    answer = en_client.get(base(company))
    assert answer.status_code == 302 and answer["Location"].endswith("/integrations/")


def test_one_company_walk(en_client, integrate, economic, remote):
    company = integrate
    card = PaymentMethodFactory(company=company, name="Firmakort", type="debit_card",
                                account_number="")  # fmt: skip
    visa = PaymentMethodFactory(company=company, name="Visa", type="credit_card",
                                account_number="")  # fmt: skip
    category = CategoryFactory(company=company, name="Telefoni", account_number="2710")
    page = en_client.get(base(company))
    assert b"Prerequisites" in page.content and b"CONNECT E-CONOMIC" in page.content
    assert page.content.count(b'data-met="unknown"') == 2
    grant = start(en_client, company)
    assert grant.startswith(economic.base_url + "/secure/api1/requestaccess.aspx")
    query = parse_qs(urlsplit(grant).query)
    assert query["appPublicToken"] == [economic.credentials()["app_public_token"]]
    back = follow_grant(grant, "nordlys@example.com")
    assert "token=" in back and "state=" in back
    answer = en_client.get(local(back))
    assert answer.status_code == 302 and answer["Location"].endswith("/loading/")
    loading = en_client.get(answer["Location"])
    assert b'data-testid="economic-loading"' in loading.content and b"hx-post" in loading.content
    fetched = en_client.post(base(company) + "fetch/", HTTP_HX_REQUEST="true")
    assert fetched.status_code == 204 and fetched["HX-Redirect"].endswith("/setup/")
    form = en_client.get(base(company) + "setup/")
    html = form.content.decode()
    for label in (
        "Creditor invoice / Leverandørfaktura",
        "Creditor payment / Leverandørbetaling",
        "Payment methods / Betalingsmetoder",
        "Bill categories / Regningskategorier",
        "Default account",
        "SAVE",
        "CANCEL",
        "6700 (6600)",
        'data-testid="refresh"',
    ):
        assert label in html, label  # fmt: skip
    assert html.count('data-met="yes"') == 2
    assert grant_token(economic) not in html  # never shown
    ctx = form.context["form"]
    assert ctx["creditor_invoice_journal"].initial == 2  # restricted to supplier invoices
    assert ctx[f"pm_{card.pk}"].initial == 5810 and ctx[f"pm_{visa.pk}"].initial == 6710
    assert ctx[f"cat_{category.pk}"].initial == 2710
    saved = en_client.post(base(company) + "setup/", {
        "creditor_invoice_journal": 2, "creditor_payment_journal": 3, "default_account": 2800,
        f"pm_{card.pk}": 5830, f"pm_{visa.pk}": 6720, f"cat_{category.pk}": 2710,
    })  # fmt: skip
    assert saved.status_code == 302
    integ = Integration.objects.get(company=company, provider="economic")
    assert integ.state == IntegrationState.CONNECTED
    assert integ.settings["payment_method_accounts"] == {str(card.pk): 5830, str(visa.pk): 6720}
    assert integ.settings["category_accounts"] == {str(category.pk): 2710}
    assert integ.credentials["agreement_grant_token"] == grant_token(economic)
    assert grant_token(economic) not in integ.encrypted_credentials
    page = en_client.get(base(company))
    assert b"701001" in page.content and grant_token(economic).encode() not in page.content


def test_state_mismatch_is_refused(en_client, integrate, economic):
    grant = start(en_client, integrate)
    back = follow_grant(grant, "nordlys@example.com")
    forged = back.replace("state=", "state=x")
    answer = en_client.get(local(forged))
    assert answer.status_code == 400 and b"security check" in answer.content
    assert not Integration.objects.filter(company=integrate).exists()


def test_cancel_in_economic_changes_nothing(en_client, integrate, economic):
    grant = start(en_client, integrate)
    parts = parse_qs(urlsplit(grant).query)
    back = parts["redirectUrl"][0] + "&error=access_denied"
    answer = en_client.get(local(back))
    assert answer.status_code == 302
    assert not Integration.objects.filter(company=integrate).exists()


def test_prerequisites_not_met_are_shown(en_client, integrate, economic):
    economic.client.post(f"/_emulator/agreements/{NORDLYS}", json={"indscanning": False})
    back = follow_grant(start(en_client, integrate), "nordlys@example.com")
    en_client.get(local(back))
    en_client.post(base(integrate) + "fetch/")
    html = en_client.get(base(integrate) + "setup/").content.decode()
    assert 'data-testid="prerequisite-indscanning" data-met="no"' in html
    assert "Add-on modules" in html


def test_refresh_fetches_again(en_client, integrate, economic):
    back = follow_grant(start(en_client, integrate), "nordlys@example.com")
    en_client.get(local(back))
    en_client.post(base(integrate) + "fetch/")
    assert b"2810 Faglitteratur" in en_client.get(base(integrate) + "setup/").content
    economic.client.delete(f"/_emulator/agreements/{NORDLYS}/accounts/2810").raise_for_status()
    CategoryFactory(company=integrate, name="Ny kategori")
    answer = en_client.post(base(integrate) + "refresh/")
    assert answer.status_code == 302
    html = en_client.get(base(integrate) + "setup/").content.decode()
    assert "2810 Faglitteratur" not in html and "Ny kategori" in html


def test_accountant_maps_each_agreement_to_own_company(en_client, integrate, user, economic,
                                                        outsider):  # fmt: skip
    cafe = CompanyFactory(name="Havnens Café ApS", cvr="42345678")
    MembershipFactory(user=user, company=cafe, role="admin")
    CompanyProduct.objects.create(company=cafe, code=Product.INTEGRATE)
    grant = start(en_client, integrate, access="several")
    back = follow_grant(grant, "revisor@example.com", agreement=HAVNEN)
    answer = en_client.get(local(back))
    assert answer.status_code == 302 and answer["Location"].endswith("/agreements/")
    page = en_client.get(answer["Location"])
    html = page.content.decode()
    assert "Havnens Café ApS" in html and "Andet Firma" not in html  # only own companies
    assert page.context["rows"][0]["form"]["company"].initial == cafe.pk  # matched by CVR
    answer = en_client.post(answer["Location"], {"grant": "0", "g0-company": cafe.pk})
    assert answer["Location"] == f"/c/{cafe.pk}/integrations/economic/loading/"
    en_client.post(f"/c/{cafe.pk}/integrations/economic/fetch/")
    integ = Integration.objects.get(company=cafe, provider="economic")
    assert integ.remote_data["agreement"]["number"] == HAVNEN
    assert integ.credentials["agreement_grant_token"] == grant_token(economic, HAVNEN)
    assert not Integration.objects.filter(company=integrate).exists()
    # a company of someone else cannot be chosen
    grant = start(en_client, integrate, access="several")
    en_client.get(local(follow_grant(grant, "revisor@example.com", agreement=NORDLYS)))
    other = outsider.memberships.first().company
    answer = en_client.post(base(integrate) + "agreements/", {"grant": "0",
                                                               "g0-company": other.pk})  # fmt: skip
    assert answer.status_code == 200
    assert not Integration.objects.filter(company=other).exists()


def test_member_cannot_set_up(client, integrate, economic):
    from tests.factories import UserFactory

    member = UserFactory()
    MembershipFactory(user=member, company=integrate, role="member")
    client.force_login(member)
    assert client.get(base(integrate) + "connect/").status_code == 403


def test_fetch_failure_on_the_loading_page_does_not_hang(en_client, integrate, economic):
    back = follow_grant(start(en_client, integrate), "nordlys@example.com")
    en_client.get(local(back))
    economic.client.post(f"/_emulator/agreements/{NORDLYS}/revoke").raise_for_status()
    answer = en_client.post(base(integrate) + "fetch/", HTTP_HX_REQUEST="true")
    assert answer.status_code == 204 and answer["HX-Redirect"] == base(integrate)
    page = en_client.get(base(integrate))
    assert b"did not accept the agreement grant token" in page.content


def test_revoked_grant_shows_attention_and_api_prereq_not_met(
    en_client, integration, integrate, economic
):
    from billbridge.integrations.economic.provider import EconomicProvider
    from billbridge.sync import engine
    from tests.factories import BillFactory

    economic.client.post(f"/_emulator/agreements/{NORDLYS}/revoke").raise_for_status()
    engine.record_bill_change(BillFactory(company=integrate))
    engine.process(integration.pk)
    html = en_client.get(base(integrate)).content.decode()
    assert 'data-testid="economic-attention"' in html
    assert 'data-testid="prerequisite-api_access" data-met="no"' in html
    assert EconomicProvider  # the provider is what the engine used


def test_connect_page_tells_accountants_to_click_administrer_first(en_client, integrate):
    # issue 10 item 3; S-e11: e-conomic grants the agreement being administered, no chooser
    html = en_client.get(base(integrate) + "connect/").content.decode()
    assert "click Administrer on the client's agreement" in html


def test_authenticate_page_for_several_companies_says_administer_before_ok(
    logged_in_client, integrate
):
    logged_in_client.post(base(integrate) + "connect/", {"access": "several"})
    html = logged_in_client.get(base(integrate) + "authenticate/").content.decode()
    assert "Klik på Administrer ud for klientens aftale i e-conomic, før du trykker OK" in html


def test_no_page_tells_users_to_switch_api_access_on(en_client, integration, integrate, economic):
    # issue 10 item 3; economic.md §10.4: there is no "API access" switch on an agreement
    from billbridge.sync import engine
    from tests.factories import BillFactory

    economic.client.post(f"/_emulator/agreements/{NORDLYS}/revoke").raise_for_status()
    engine.record_bill_change(BillFactory(company=integrate))
    engine.process(integration.pk)
    html = en_client.get(base(integrate)).content.decode()
    assert "API access" not in html
    assert "Alle indstillinger → Udvidelser → Apps" in html


def test_the_page_offers_to_send_the_bills_added_before(
    en_client, integration, integrate, economic, django_capture_on_commit_callbacks
):
    """R-4 on e-conomic's page as on Dinero's: the demo's Havnens Café connected with two
    bills it had before, and the page said nothing of them (they stayed 'not sent')."""
    from billbridge.sync.models import SyncRecord
    from tests.factories import BillFactory

    BillFactory.create_batch(2, company=integrate)
    html = en_client.get(base(integrate)).content.decode()
    assert "2 bills were added before e-conomic was connected and have not been sent." in html
    backfill = f"/c/{integrate.pk}/sync/backfill/economic/"
    assert f'hx-post="{backfill}"' in html
    with django_capture_on_commit_callbacks(execute=False):
        en_client.post(backfill, HTTP_HX_REQUEST="true")
    assert SyncRecord.objects.filter(company=integrate, provider="economic").count() == 2
    assert "were added before" not in en_client.get(base(integrate)).content.decode()


def test_the_bills_added_before_are_counted_in_danish(logged_in_client, integration, integrate):
    from tests.factories import BillFactory

    BillFactory.create_batch(2, company=integrate)
    logged_in_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "da"
    html = logged_in_client.get(base(integrate)).content.decode()
    assert "2 regninger blev tilføjet, før e-conomic blev forbundet, og er ikke sendt." in html
    assert "Send de 2 regninger, der blev tilføjet før" in html


def test_the_connect_page_asks_for_the_type_of_access_once(logged_in_client, integrate):
    """S-e4: the question was asked twice, a paragraph and the choice's own legend above it."""
    logged_in_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "da"
    html = logged_in_client.get(base(integrate) + "connect/").content.decode()
    assert html.count("adgang har du til e-conomic?") == 1


def test_the_default_account_names_the_status_new_bills_have_in_billbridge():
    """S-e8's Default account, for new bills "(status UPCOMING)" in the seed: billbridge's own
    name of that status (Kommende / Upcoming), not an English word in the Danish page."""
    from django.utils import translation

    from billbridge.bills.models import BillStatus
    from billbridge.integrations.economic.forms import SetupForm

    for language in ("da", "en"):
        with translation.override(language):
            words = str(SetupForm.base_fields["default_account"].help_text)
            assert f"(status {BillStatus.UPCOMING.label})" in words


def test_the_accountants_company_choice_starts_with_words_not_dashes(user):
    """The agreement's company drop-down began with Django's '---------' on the Danish page."""
    from django.utils import translation

    from billbridge.integrations.economic.forms import AgreementCompanyForm

    with translation.override("da"):
        html = str(AgreementCompanyForm(user=user)["company"])
    assert "Vælg en virksomhedskonto" in html and "-----" not in html
