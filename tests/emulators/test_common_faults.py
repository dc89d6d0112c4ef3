"""common.Faults: the shared fault configuration both emulators use (in-process, no server)."""

from __future__ import annotations

import pytest

from billbridge.emulators import common


def test_daily_limit_is_a_shared_fault_key():
    assert common.Faults().configure({"daily_limit": 5})["daily_limit"] == 5


def test_daily_limit_defaults_to_none():
    assert common.Faults().snapshot()["daily_limit"] is None


def test_negative_daily_limit_is_rejected():
    with pytest.raises(ValueError):
        common.Faults().configure({"daily_limit": -1})


def test_unknown_fault_key_is_still_rejected():
    with pytest.raises(ValueError):
        common.Faults().configure({"daily_limt": 5})


def test_every_fault_key_is_documented_in_the_module_docstring():
    assert all(f"`{key}`" in common.__doc__ for key in [*common.FAULT_DEFAULTS, "reset"])


def test_amounts_are_formatted_the_danish_way():
    assert common.format_amount_da(-1250) == "-1.250,00"
