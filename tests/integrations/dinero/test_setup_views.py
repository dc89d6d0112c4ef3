"""The Dinero set-up pages (S-d1…S-d11), through Django's test client, against the Dinero
emulator over real HTTP."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, include, path, resolve
from django.utils import timezone

from billbridge.accounts.services import add_product
from billbridge.integrations.dinero.views import AUTH_TIME_KEY, FLOW_KEY
from billbridge.integrations.models import Consent, Integration
from tests.emulators.conftest import RunningEmulator
from tests.factories import (
    BillFactory,
    CategoryFactory,
    CompanyFactory,
    MembershipFactory,
    SupplierFactory,
    UserFactory,
)
from tests.integrations.emulated import emulator_process, point_product_at

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------ fixtures


emulator = emulator_process("dinero", name="emulator", scope="module")


@pytest.fixture
def dinero(emulator: RunningEmulator, settings) -> RunningEmulator:
    """The emulator, reset, with billbridge's Dinero settings pointed at it."""
    return point_product_at(emulator, settings)


@pytest.fixture
def org(dinero: RunningEmulator) -> dict[str, str]:
    """Nordlys Design ApS (112233) as the emulator seeds it: organization_id, api_key, name."""
    return next(
        o for o in dinero.credentials()["organizations"] if o["organization_id"] == "112233"
    )


@pytest.fixture
def web(client: Client, user, company) -> Client:
    """The owner of `company` (which has Integrate, P-1), logged in just now, reading English."""
    add_product(company, "integrate")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def url(company, step: str = "") -> str:
    return f"/c/{company.pk}/integrations/dinero/{step + '/' if step else ''}"


def radio(company) -> str:
    """How the company step offers a company."""
    return f'name="company" value="{company.pk}"'


def allow(user, company) -> None:
    Consent.objects.get_or_create(user=user, company=company, provider="dinero")


def walk_to_credentials(web: Client, user, company) -> None:
    allow(user, company)
    assert web.get(url(company, "personal"))["Location"] == url(company, "company")
    response = web.post(url(company, "company"), {"company": company.pk})
    assert response["Location"] == url(company, "credentials")


def walk_to_import(web: Client, user, company, org: dict[str, str]) -> None:
    walk_to_credentials(web, user, company)
    response = web.post(
        url(company, "credentials"),
        {"api_key": org["api_key"], "organization_id": org["organization_id"]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == url(company, "accounts")
    response = web.post(
        url(company, "accounts"), {"fallback_account": "99999", "payment_account": "55000"}
    )
    assert response["Location"] == url(company, "import")


# ------------------------------------------------------------------------------ S-d1, S-d2


def test_page_explains_and_offers_connect(web: Client, company) -> None:
    response = web.get(url(company))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not connected" in html
    assert "Pro and Total" in html  # the prerequisite
    assert "CONNECT DINERO" in html
    assert url(company, "connect") in html  # Visma Connect, the recommended way
    assert "Personal integration (for your own company)" in html
    assert url(company, "personal") in html  # the API key


def test_member_sees_the_page_but_cannot_set_up(client: Client, company) -> None:
    member = UserFactory()
    MembershipFactory(user=member, company=company, role="member")
    add_product(company, "integrate")
    client.force_login(member)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get(url(company)).content.decode()
    assert "CONNECT DINERO" not in html
    assert "Only an owner or admin" in html
    for step in ("connect", "personal", "consent", "company", "credentials", "organization",
                 "accounts", "import", "done"):  # fmt: skip
        assert client.get(url(company, step)).status_code == 403, step
    assert client.post(url(company, "company"), {"company": company.pk}).status_code == 403
    assert client.post(url(company, "recheck")).status_code == 403


def test_outsider_gets_404_everywhere(client: Client, company, outsider) -> None:
    client.force_login(outsider)
    for step in ("", "connect", "personal", "consent", "company", "credentials", "organization",
                 "import", "disconnect"):  # fmt: skip
        assert client.get(url(company, step)).status_code == 404, step


def test_anonymous_is_sent_to_login(client: Client, company) -> None:
    response = client.get(url(company, "connect"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


# ------------------------------------------------------------------------------ S-d3 consent


def test_the_personal_integration_asks_for_consent_once_per_user_and_company(
    web: Client, user, company
) -> None:
    response = web.get(url(company, "personal"))
    assert response["Location"] == url(company, "consent")
    page = web.get(url(company, "consent")).content.decode()
    assert "Allow billbridge to connect to your Dinero account?" in page
    assert "Yes, Allow" in page

    response = web.post(url(company, "consent"))
    assert response["Location"] == url(company, "company")
    assert Consent.objects.filter(user=user, company=company, provider="dinero").count() == 1

    # Given once, never asked again for this user and company.
    assert web.get(url(company, "personal"))["Location"] == url(company, "company")
    assert web.get(url(company, "consent"))["Location"] == url(company, "company")

    # Another manager of the same company is asked for their own consent.
    admin = UserFactory()
    MembershipFactory(user=admin, company=company, role="admin")
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.force_login(admin)
    assert other.get(url(company, "personal"))["Location"] == url(company, "consent")


def test_a_stale_login_is_asked_to_log_in_again(web: Client, user, company) -> None:
    session = web.session
    session[AUTH_TIME_KEY] = (timezone.now() - dt.timedelta(hours=2)).isoformat()
    session.save()
    response = web.get(url(company, "connect"))
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url(company, 'connect')}"
    # The stale session is ended: the next page asks for a login too.
    assert web.get(url(company))["Location"].startswith("/login/")


# ------------------------------------------------------------------------------ S-d4 company


def test_company_step_lists_only_the_users_managed_companies(
    web: Client, user, company, outsider
) -> None:
    allow(user, company)
    mine = CompanyFactory(name="Havnens Café ApS")
    MembershipFactory(user=user, company=mine, role="admin")
    read_only = CompanyFactory(name="Kun Medlem ApS")
    MembershipFactory(user=user, company=read_only, role="member")
    foreign = outsider.memberships.get().company

    html = web.get(url(company, "company")).content.decode()
    offered = {c.pk for c in (company, mine, read_only, foreign) if radio(c) in html}
    assert offered == {company.pk, mine.pk}
    assert foreign.name not in html
    assert "another e-mail address" in html
    assert "Log out and switch user" in html

    # A company that is not offered cannot be posted either.
    for other in (foreign, read_only):
        response = web.post(url(company, "company"), {"company": other.pk})
        assert response.status_code == 200
        assert "Pick one of your company accounts." in response.content.decode()
        assert FLOW_KEY not in web.session


def test_picking_another_company_continues_in_it_and_asks_its_consent(
    web: Client, user, company
) -> None:
    allow(user, company)
    other = CompanyFactory(name="Havnens Café ApS")
    MembershipFactory(user=user, company=other, role="owner")
    add_product(other, "integrate")
    web.get(url(company, "personal"))
    response = web.post(url(company, "company"), {"company": other.pk})
    assert response["Location"] == url(other, "consent")
    response = web.post(url(other, "consent"))
    assert response["Location"] == url(other, "credentials")
    assert web.get(url(other, "credentials")).status_code == 200
    # The first company's later steps are not part of this flow.
    assert web.get(url(company, "credentials"))["Location"] == url(company, "company")


# ------------------------------------------------------------------------------ S-d5 credentials


def test_credentials_page_tells_where_to_find_them(web: Client, user, company, dinero) -> None:
    walk_to_credentials(web, user, company)
    html = web.get(url(company, "credentials")).content.decode()
    assert "API key" in html and "Organization ID" in html
    assert "Indstillinger → API" in html
    assert "address bar" in html


def test_a_wrong_api_key_says_so_and_keeps_what_was_typed(
    web: Client, user, company, dinero
) -> None:
    walk_to_credentials(web, user, company)
    response = web.post(
        url(company, "credentials"), {"api_key": "not-a-real-key", "organization_id": "112233"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dinero does not recognise this API key." in html
    assert 'value="112233"' in html
    assert 'value="not-a-real-key"' in html
    assert "credentials" not in web.session[FLOW_KEY]


def test_a_wrong_organization_id_says_so(web: Client, user, company, org) -> None:
    walk_to_credentials(web, user, company)
    response = web.post(
        url(company, "credentials"), {"api_key": org["api_key"], "organization_id": "445566"}
    )
    html = response.content.decode()
    assert "does not give access to a company with this Organization ID" in html
    assert 'value="445566"' in html
    response = web.post(
        url(company, "credentials"), {"api_key": org["api_key"], "organization_id": "11-22"}
    )
    assert "An Organization ID is a number" in response.content.decode()


def test_a_company_without_dinero_pro_is_told_why(web: Client, user, company, dinero) -> None:
    walk_to_credentials(web, user, company)
    lille = next(o for o in dinero.credentials()["organizations"] if not o["is_pro"])
    response = web.post(
        url(company, "credentials"),
        {"api_key": lille["api_key"], "organization_id": lille["organization_id"]},
    )
    assert "API keys need a Dinero subscription on Pro or Total" in response.content.decode()


def test_unavailable_dinero_is_said_in_plain_words(web: Client, user, company, dinero, org):
    walk_to_credentials(web, user, company)
    dinero.faults(fail_next=[{"status": 503, "count": 20}])
    response = web.post(
        url(company, "credentials"),
        {"api_key": org["api_key"], "organization_id": org["organization_id"]},
    )
    dinero.faults(reset=True)
    assert response.status_code == 200
    assert "try again" in response.content.decode()


def test_the_validated_key_stays_out_of_pages_and_plain_session(
    web: Client, user, company, org
) -> None:
    walk_to_credentials(web, user, company)
    web.post(
        url(company, "credentials"),
        {"api_key": org["api_key"], "organization_id": org["organization_id"]},
    )
    state = web.session[FLOW_KEY]
    assert org["api_key"] not in str(state)  # encrypted in the session
    for step in ("accounts", "credentials"):
        assert org["api_key"] not in web.get(url(company, step)).content.decode()


# ------------------------------------------------------------------------------ S-d6, S-d7


def test_accounts_step_offers_the_fetched_accounts_with_the_usual_defaults(
    web: Client, user, company, org
) -> None:
    walk_to_credentials(web, user, company)
    web.post(
        url(company, "credentials"),
        {"api_key": org["api_key"], "organization_id": org["organization_id"]},
    )
    html = web.get(url(company, "accounts")).content.decode()
    fallback, payment = html.split('name="payment_account"')
    payment = payment.split("</select>")[0]
    assert '<option value="99999" selected>' in fallback
    assert '<option value="55000" selected>' in payment
    assert 'value="1000"' in fallback  # an entry account
    assert 'value="1000"' not in payment  # not a deposit account
    response = web.post(
        url(company, "accounts"), {"fallback_account": "99999", "payment_account": "12345"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_accounts_step_offers_the_exchange_difference_account_and_reverse_charge_code(
    web: Client, user, company, org
) -> None:
    """Issue 11 items 1 and 3: chosen in the set-up, the chart's 2400 and IEUY preselected."""
    walk_to_credentials(web, user, company)
    web.post(
        url(company, "credentials"),
        {"api_key": org["api_key"], "organization_id": org["organization_id"]},
    )
    html = web.get(url(company, "accounts")).content.decode()
    exchange = html.split('name="exchange_difference_account"')[1].split("</select>")[0]
    reverse_charge = html.split('name="reverse_charge_vat_code"')[1].split("</select>")[0]
    assert '<option value="2400" selected>' in exchange
    assert '<option value="IEUY" selected>' in reverse_charge
    assert 'value="IVY"' in reverse_charge and 'value="I25"' not in reverse_charge
    web.post(
        url(company, "accounts"),
        {
            "fallback_account": "99999",
            "payment_account": "55000",
            "exchange_difference_account": "2400",
            "reverse_charge_vat_code": "IEUV",
        },
    )
    web.post(url(company, "import"), {"import_chart": "no"})
    chosen = Integration.objects.get(company=company, provider="dinero").settings
    assert chosen["exchange_difference_account"] == "2400"
    assert chosen["reverse_charge_vat_code"] == "IEUV"


def test_import_step_explains_both_choices(web: Client, user, company, org) -> None:
    walk_to_import(web, user, company, org)
    html = web.get(url(company, "import")).content.decode()
    assert "Yes, import the chart of accounts" in html
    assert "No, do not import" in html
    assert "later bills from that supplier get the same category automatically" in html
    assert "link each of them to an account" in html
    assert 'data-testid="import-warning"' not in html
    assert ">Save<" in html


def test_import_step_warns_when_categories_are_in_use(web: Client, user, company, org) -> None:
    category = CategoryFactory(company=company, name="Kontorartikler", account_number="2400")
    supplier = SupplierFactory(company=company, remembered_category=category)
    BillFactory(company=company, supplier=supplier, category=category)
    walk_to_import(web, user, company, org)
    html = web.get(url(company, "import")).content.decode()
    assert 'data-testid="import-warning"' in html
    assert "overwritten" in html and "forgotten" in html


def test_import_step_does_not_warn_about_categories_in_use_it_leaves_unchanged(
    web: Client, user, company, org
) -> None:
    """The warning counts what the plan renames or archives: a category in use that already
    is the chart's account (number and name) is kept as it is, its suppliers remember it."""
    kept = CategoryFactory(
        company=company, name="Kontorartikler og tryksager", account_number="7200",
        vat_code="I25", imported_from="dinero",
    )  # fmt: skip
    supplier = SupplierFactory(company=company, remembered_category=kept)
    BillFactory(company=company, supplier=supplier, category=kept)
    walk_to_import(web, user, company, org)
    html = web.get(url(company, "import")).content.decode()
    assert "Suppliers whose remembered category is forgotten: 0" in html
    assert 'data-testid="import-warning"' not in html


def test_a_refused_import_does_not_warn_that_it_overwrites(web: Client, user, company, org) -> None:
    """Refused (it would archive every category in use), nothing is changed: no warning that
    the categories are overwritten beside the words saying nothing was changed."""
    BillFactory(company=company, category=CategoryFactory(company=company, account_number="1"))
    walk_to_import(web, user, company, org)
    html = web.get(url(company, "import")).content.decode()
    assert 'data-testid="import-refused"' in html
    assert 'data-testid="import-warning"' not in html


def test_a_refused_import_starts_on_do_not_import(web: Client, user, company, org) -> None:
    """The demo's Havnens Café (categories on e-conomic's numbers): the import would be
    refused, yet 'Yes, import' was chosen, so Save only repeated the refusal."""
    BillFactory(company=company, category=CategoryFactory(company=company, account_number="1"))
    walk_to_import(web, user, company, org)
    form = web.get(url(company, "import")).context["form"]
    assert form["import_chart"].value() == "no"


def test_import_step_shows_what_the_import_will_do(web: Client, user, company, org) -> None:
    """S-d7, S-d13, issue 9 item 4: added, renamed, archived, suppliers forgotten, before Save."""
    coffee = CategoryFactory(company=company, name="Kaffe", account_number="2800")
    CategoryFactory(company=company, name="Diverse", account_number="1")
    SupplierFactory(company=company, remembered_category=coffee)
    walk_to_import(web, user, company, org)
    html = web.get(url(company, "import")).content.decode()
    assert 'data-testid="import-plan"' in html
    assert "Categories added:" in html
    assert "2800: Kaffe →" in html
    assert "Diverse (1)" in html
    assert "Suppliers whose remembered category is forgotten: 1" in html


def test_an_import_that_would_archive_every_category_in_use_is_refused_at_save(
    web: Client, user, company, org
) -> None:
    handmade = CategoryFactory(company=company, name="Diverse", account_number="1")
    BillFactory(company=company, category=handmade)
    walk_to_import(web, user, company, org)
    html = web.get(url(company, "import")).content.decode()
    assert 'data-testid="import-refused"' in html and "Nothing was changed" in html
    response = web.post(url(company, "import"), {"import_chart": "yes"})
    assert response.status_code == 200
    assert "would archive every category" in response.content.decode()
    handmade.refresh_from_db()
    assert not handmade.archived
    assert not Integration.objects.filter(company=company, state="connected").exists()
    # Not importing still connects.
    response = web.post(url(company, "import"), {"import_chart": "no"})
    assert response["Location"] == url(company, "done")


# ------------------------------------------------------------------------------ S-d8…S-d11


def test_save_takes_a_few_calls_and_queries_whatever_the_charts_size(
    web: Client, user, company, org, dinero: RunningEmulator
) -> None:
    """S-d8, well under a second: what the Save costs does not grow with the chart (no call to
    Dinero and no database write per account; the bench times it)."""
    walk_to_import(web, user, company, org)
    dinero.client.post("/_emulator/stats/reset")
    with CaptureQueriesContext(connection) as queries:
        web.post(url(company, "import"), {"import_chart": "yes"})
    imported = company.categories.filter(imported_from="dinero").count()
    assert dinero.client.get("/_emulator/stats").json()["requests"] == 0  # read on step 5
    assert imported > 100
    assert len(queries) < 40  # 26 today, for 113 accounts


def test_save_connects_imports_and_confirms(web: Client, user, company, org) -> None:
    walk_to_import(web, user, company, org)
    response = web.post(url(company, "import"), {"import_chart": "yes"})
    assert response["Location"] == url(company, "done")
    integration = Integration.objects.get(company=company, provider="dinero")
    assert integration.state == "connected"
    assert org["api_key"] not in str(integration.settings)
    imported = company.categories.filter(imported_from="dinero").count()
    assert imported > 10
    html = web.get(url(company, "done")).content.decode()
    assert "The integration is saved" in html
    assert f"Your chart of accounts is imported: {imported} categories" in html
    assert "supplier invoice" in html
    assert FLOW_KEY not in web.session
    # S-d10: reloading the confirmation goes straight to the company step.
    assert web.get(url(company, "done"))["Location"] == url(company, "company")

    page = web.get(url(company)).content.decode()
    assert "112233" in page
    assert "99999 Analysekonto" in page and "55000 Bank" in page
    assert "Set up again" in page and "Disconnect" in page
    assert "CONNECT DINERO" not in page


def test_the_accounts_and_done_pages_name_the_dinero_company_with_its_id(
    web: Client, user, company, org
) -> None:
    """S-d6/S-d9: which Dinero company is connected, by the name Dinero gives it."""
    walk_to_import(web, user, company, org)
    accounts = web.get(url(company, "accounts")).content.decode()
    assert "Connected to Dinero company Nordlys Design ApS (112233)." in accounts
    web.post(url(company, "import"), {"import_chart": "no"})
    done = web.get(url(company, "done")).content.decode()
    assert f"{company.name} is now connected to Dinero company Nordlys Design ApS (112233)." in done
    page = web.get(url(company)).content.decode()
    assert '<td data-testid="dinero-org-name">Nordlys Design ApS</td>' in page


def test_save_without_import_leaves_categories_alone(web: Client, user, company, org) -> None:
    walk_to_import(web, user, company, org)
    web.post(url(company, "import"), {"import_chart": "no"})
    integration = Integration.objects.get(company=company, provider="dinero")
    assert integration.is_active
    assert not company.categories.exists()


def test_a_step_reached_without_the_steps_before_resumes_at_the_company_step(
    web: Client, user, company
) -> None:
    allow(user, company)
    for step in ("credentials", "accounts", "import", "done"):
        assert web.get(url(company, step))["Location"] == url(company, "company"), step


def test_set_up_again_walks_the_steps_again_and_keeps_the_org_id(
    web: Client, user, company, org
) -> None:
    walk_to_import(web, user, company, org)
    web.post(url(company, "import"), {"import_chart": "no"})
    walk_to_credentials(web, user, company)
    html = web.get(url(company, "credentials")).content.decode()
    assert 'value="112233"' in html
    assert org["api_key"] not in html


def test_disconnect_asks_first(web: Client, user, company, org) -> None:
    walk_to_import(web, user, company, org)
    web.post(url(company, "import"), {"import_chart": "no"})
    html = web.get(url(company, "disconnect")).content.decode()
    assert "Disconnect Dinero?" in html
    assert Integration.objects.get(company=company).is_active
    response = web.post(url(company, "disconnect"))
    assert response["Location"] == url(company)
    assert not Integration.objects.get(company=company).is_active
    assert "CONNECT DINERO" in web.get(url(company)).content.decode()


def test_the_backfill_offer_counts_the_bills_added_before(web: Client, user, company, org):
    BillFactory.create_batch(3, company=company)
    walk_to_import(web, user, company, org)
    web.post(url(company, "import"), {"import_chart": "no"})
    html = web.get(url(company, "done")).content.decode()
    assert "3 bills were added before" in html


# ------------------------------------------------------------------------------ Danish


def test_the_pages_speak_danish(web: Client, user, company) -> None:
    web.defaults["HTTP_ACCEPT_LANGUAGE"] = "da"
    html = web.get(url(company)).content.decode()
    assert "Forudsætninger" in html
    assert "CONNECT DINERO" in html  # the seed guide's own label
    walk_to_credentials(web, user, company)
    html = web.get(url(company, "credentials")).content.decode()
    assert "API-nøgle" in html and "Firma ID" in html


def test_needs_attention_says_why_and_what_to_do(web: Client, company) -> None:
    Integration.objects.create(
        company=company,
        provider="dinero",
        state="needs_attention",
        attention_code="invalid_api_key",
        settings={"organization_id": "112233", "fallback_account": "99999"},
    )
    html = web.get(url(company)).content.decode()
    assert 'data-testid="dinero-attention"' in html
    assert "Dinero did not accept the API key" in html
    assert "Set up again" in html and url(company, "personal") in html  # the way it came


def test_a_company_that_lost_pro_gets_check_again_and_resumes_on_it(
    web: Client, user, company, org, dinero, django_capture_on_commit_callbacks
) -> None:
    """Issue 9 item 2: no Pro is Dinero's block, not a wrong key; Check again resumes."""
    from billbridge.integrations.dinero import setup
    from tests.integrations.dinero.fixtures import bill

    integration = setup.connect(company, user, api_key=org["api_key"], organization_id="112233",
                                import_chart_of_accounts=False)  # fmt: skip
    dinero.client.post("/_emulator/organizations/112233/pro", json={"is_pro": False})
    with django_capture_on_commit_callbacks(execute=True):
        bill(company)
    integration.refresh_from_db()
    assert integration.attention_code == "dinero_pro_required"
    html = web.get(url(company)).content.decode()
    assert "Dinero Pro" in html and 'data-testid="dinero-recheck"' in html
    assert "with a new API key" not in html  # the key is fine

    response = web.post(url(company, "recheck"), follow=True)
    assert "Dinero still refuses" in response.content.decode()
    dinero.client.post("/_emulator/organizations/112233/pro", json={"is_pro": True})
    with django_capture_on_commit_callbacks(execute=True):
        html = web.post(url(company, "recheck"), follow=True).content.decode()
    assert "The waiting bills are sent now" in html
    integration.refresh_from_db()
    assert integration.state == "connected"
    assert len(dinero.client.get("/_emulator/organizations/112233/ledgeritems").json()) == 1


def test_every_string_of_the_set_up_pages_has_danish() -> None:
    from tests.web.test_translations import danish_catalog, python_msgids, template_msgids

    src = Path(__file__).resolve().parents[3] / "src" / "billbridge" / "integrations"
    templates = sorted((src / "dinero" / "templates" / "dinero").glob("*.html"))
    python = [src / "dinero" / "views.py", src / "dinero" / "forms.py"]
    msgids = set().union(*map(template_msgids, templates), *map(python_msgids, python))
    assert {"CONNECT DINERO", "Yes, Allow", "Save", "API key"} <= msgids
    catalog = danish_catalog()
    assert not sorted(m for m in msgids if m not in catalog)


def test_an_empty_form_says_what_is_missing(web: Client, user, company) -> None:
    walk_to_credentials(web, user, company)
    html = web.post(url(company, "credentials"), {}).content.decode()
    assert html.count("This field is required.") == 2


# The sync pages' URLs, for as long as the project's URLconf does not mount them yet.
urlpatterns = [
    path("c/<int:company_id>/sync/", include("billbridge.sync.urls")),
    path("", include("billbridge.urls")),
]


@pytest.fixture
def sync_mounted(settings) -> None:
    """/c/<id>/sync/… as the sync engine's README says it is mounted."""
    try:
        resolve("/c/1/sync/backfill/dinero/")
    except Resolver404:
        settings.ROOT_URLCONF = __name__


def test_the_backfill_sends_the_bills_added_before_with_progress(
    sync_mounted, web: Client, user, company, org, dinero, django_capture_on_commit_callbacks
) -> None:
    BillFactory.create_batch(3, company=company)
    walk_to_import(web, user, company, org)
    web.post(url(company, "import"), {"import_chart": "no"})
    html = web.get(url(company)).content.decode()
    assert "Send the 3 bills added before" in html
    backfill = f"/c/{company.pk}/sync/backfill/dinero/"
    assert f'hx-post="{backfill}"' in html

    with django_capture_on_commit_callbacks(execute=True):  # the queue runs at once in tests
        fragment = web.post(backfill, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="sync-progress"' in fragment
    assert "of 3 entries sent to Dinero" in fragment
    progress = web.get(f"{backfill}progress/").content.decode()
    assert "3 of 3 entries sent to Dinero" in progress
    assert len(dinero.client.get("/_emulator/organizations/112233/ledgeritems").json()) == 3
    assert "Send the" not in web.get(url(company)).content.decode()
