"""Fixtures shared by all tests: compiled translations, a user who owns a company, an outsider."""

from __future__ import annotations

import pytest

from tests.integrations.emulated import emulator_process, point_product_at

# Django-dependent imports live inside the fixtures: the emulator and parser tests run
# without Django at all.

PASSWORD = "secret-password"


def pytest_configure(config: pytest.Config) -> None:
    """The .mo files are build output; tests must not depend on `make` having run first.

    Compiled here, before collection and — under pytest-xdist — in the controller before any
    worker starts: Django keeps a process's catalogue once loaded, and a worker that loaded
    Danish while the other was still compiling (or before it had) read English words for the
    whole session (the "Danish tests flaky under load" of earlier runs).
    """
    from tools.compile_translations import compile_all

    compile_all()


@pytest.fixture(autouse=True)
def _fresh_pacing() -> None:
    """Each test starts with no tenant paced or paused by an earlier one (integrations.pacing
    keeps both for the life of a process, as a worker needs)."""
    try:
        from billbridge.integrations import pacing
    except Exception:  # the suites that run without Django
        return
    pacing.reset()


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory(email="owner@example.com")


@pytest.fixture
def company(user):
    from tests.factories import CompanyFactory, MembershipFactory

    company = CompanyFactory(name="Nordlys Design ApS", cvr="12345678")
    MembershipFactory(user=user, company=company, role="owner")
    return company


@pytest.fixture
def outsider(db):
    """A user of another company, who must never see `company`."""
    from tests.factories import CompanyFactory, MembershipFactory, UserFactory

    other = UserFactory(email="outsider@example.com")
    MembershipFactory(user=other, company=CompanyFactory(name="Andet Firma ApS"), role="owner")
    return other


@pytest.fixture
def logged_in_client(client, user, company):
    client.force_login(user)
    return client


@pytest.fixture
def api_token(user, company) -> str:
    from billbridge.accounts.models import ApiToken

    _, raw = ApiToken.objects.issue(user, "test")
    return raw


@pytest.fixture
def api_headers(api_token) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token}"}


@pytest.fixture(autouse=True)
def dinero_traffic_follows_the_openapi_file(monkeypatch):
    """Every request billbridge's Dinero client sends in the suite (and every 2xx answer it
    gets) is validated against dinero-openapi.json with openapi-core; a violation fails the
    test (issue 9 item 2). Installed as httpx event hooks on each client's connection pool."""
    from billbridge.integrations.dinero.client import DineroClient
    from tests.contracts.dinero_openapi import Watch

    watch = Watch()
    original = DineroClient.__init__

    def watched(self, *args, **kwargs):
        original(self, *args, **kwargs)
        watch.install(self.http)

    monkeypatch.setattr(DineroClient, "__init__", watched)
    yield watch
    assert not watch.violations, "\n".join(watch.violations)


@pytest.fixture(autouse=True)
def economic_traffic_follows_the_official_schemas(monkeypatch):
    """Every request body billbridge's e-conomic client sends in the suite, and every 2xx
    answer to its GETs, is validated against e-conomic's official JSON schema of that call
    (tests/contracts/economic_traffic.py); a violation fails the test."""
    from billbridge.integrations.economic.client import EconomicClient
    from tests.contracts.economic_traffic import Watch

    watch = Watch()
    original = EconomicClient.__init__

    def watched(self, *args, **kwargs):
        original(self, *args, **kwargs)
        watch.install(self.http)

    monkeypatch.setattr(EconomicClient, "__init__", watched)
    yield watch
    assert not watch.violations, "\n".join(watch.violations)


# The official exchange rates (billbridge.fx) come from the rates emulator in every test that
# needs them: one process per test session, reset before each use.
rates_process = emulator_process("rates", name="rates_process")


@pytest.fixture
def rates(rates_process, settings):
    """The rates emulator, reset (its request counts too), the product's BILLBRIDGE_FX_URL on it."""
    return point_product_at(rates_process, settings)
