"""The registry of accounting systems is a typed, checked contract (issue 12 item 1)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from billbridge.integrations import registry
from billbridge.integrations.base import AccountingError, ErrorKind
from billbridge.integrations.dinero.provider import DineroProvider
from billbridge.integrations.economic.provider import EconomicProvider
from billbridge.sync import engine

ROOT = Path(__file__).resolve().parents[2]


def _broken(**changes: object) -> registry.ProviderInfo:
    return dataclasses.replace(registry.get("dinero"), **changes)


def test_the_shipped_registry_has_no_problems():
    assert registry.problems(registry.PROVIDERS.values()) == []


def test_the_engine_takes_the_system_class_from_the_registry():
    assert registry.get("dinero").system_class() is DineroProvider
    assert registry.get("economic").system_class() is EconomicProvider


def test_the_engine_takes_batch_size_and_payment_entries_from_the_registry(settings):
    settings.SYNC_BATCH_SIZE = None
    assert engine.batch_size("economic") == registry.get("economic").batch_size == 500
    assert engine.separate_payment_entries("economic") is True
    assert engine.separate_payment_entries("dinero") is False


def test_a_missing_module_is_an_import_error_not_a_silent_none():
    with pytest.raises(ImportError):
        _broken(urls="no_such_urls").module("no_such_urls")


def test_a_misspelt_module_is_named_in_the_problems():
    found = registry.problems([_broken(urls="ulrs")])
    assert any("billbridge.integrations.dinero.ulrs cannot be imported" in p for p in found)


def test_a_system_class_that_does_not_exist_is_named():
    found = registry.problems([_broken(system="provider:NoSuchProvider")])
    assert found == [
        "integrations.registry entry 'dinero': billbridge.integrations.dinero.provider has no "
        "NoSuchProvider."
    ]


def test_a_system_class_of_another_key_is_refused():
    found = registry.problems([_broken(system="provider:DineroProvider", key="dinerox")])
    assert any("key is 'dinero', not 'dinerox'" in p for p in found)


def test_a_batch_size_below_one_is_refused():
    assert any("batch_size" in p for p in registry.problems([_broken(batch_size=0)]))


def test_an_unknown_emulator_is_refused():
    found = registry.problems([_broken(emulator="dineroo")])
    assert any("no emulator 'dineroo'" in p for p in found)


def test_a_key_used_twice_is_refused():
    info = registry.get("dinero")
    assert any("used twice" in p for p in registry.problems([info, info]))


def test_validate_stops_with_every_problem_in_one_message():
    with pytest.raises(ImproperlyConfigured) as caught:
        registry.validate([_broken(urls="ulrs", batch_size=0)])
    assert "ulrs" in str(caught.value) and "batch_size" in str(caught.value)


def test_a_wrong_entry_stops_django_start_up(tmp_path):
    """Start-up itself (IntegrationsConfig.ready) refuses a registry with a wrong entry."""
    script = textwrap.dedent(
        """
        import dataclasses, django, os
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "billbridge.settings")
        from billbridge.integrations import registry
        registry.PROVIDERS["dinero"] = dataclasses.replace(
            registry.PROVIDERS["dinero"], system="provider:Dinero")
        django.setup()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT / "src"),
            "BILLBRIDGE_DATA_DIR": str(tmp_path),
            "HOME": str(tmp_path),
        },  # fmt: skip
        timeout=120,
    )
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "billbridge.integrations.dinero.provider has no Dinero." in done.stderr


def test_a_declared_setting_has_its_shipped_default_without_a_line_in_settings(settings):
    info = dataclasses.replace(registry.get("dinero"), settings={"DINERO_SOMETHING_NEW": "42"})
    registry.install_settings([info])
    assert settings.DINERO_SOMETHING_NEW == "42"
    assert info.setting("DINERO_SOMETHING_NEW") == "42"


def test_accounting_error_carries_its_words_parameters():
    err = AccountingError(ErrorKind.REJECTED, "unknown_account", params={"account": "1010"})
    assert err.params == {"account": "1010"}
    assert AccountingError(ErrorKind.REJECTED, "x").params == {}


def test_a_providers_settings_have_one_source_the_registry_entry():
    """Issue 12 item 1/4: settings.py names no provider's setting; the descriptor's default is
    what Django's settings hold unless the environment says otherwise."""
    import os
    from pathlib import Path

    from django.conf import settings as django_settings

    import billbridge.settings
    from billbridge.integrations.registry import PROVIDERS

    text = Path(billbridge.settings.__file__).read_text()
    for info in PROVIDERS.values():
        for name, default in info.settings.items():
            assert f"\n{name} =" not in text, name
            if name not in os.environ and name == "DINERO_CONNECT_URL":
                assert getattr(django_settings, name) == default
