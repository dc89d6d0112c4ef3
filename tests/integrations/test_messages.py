"""Error codes become plain words; a provider's own words win over the shared ones (R-3)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from billbridge.integrations.messages import MESSAGES, Words, message_for, words_of
from billbridge.integrations.registry import PROVIDERS


def test_a_providers_own_code_is_worded_by_the_provider():
    with translation.override("en"):
        words = message_for("no_account", system="e-conomic", provider="economic")
    assert "default account" in words


def test_a_shared_code_is_worded_for_the_named_system():
    with translation.override("en"):
        words = message_for("unavailable", system="Dinero", provider="dinero")
    assert "Dinero" in words


def test_provider_words_are_danish_in_danish():
    with translation.override("da"):
        danish = message_for("no_account", system="e-conomic", provider="economic")
    with translation.override("en"):
        english = message_for("no_account", system="e-conomic", provider="economic")
    assert danish != english


def test_an_unknown_code_still_says_who_refused():
    with translation.override("en"):
        assert "Dinero" in message_for("something_new", system="Dinero", provider="dinero")


def test_every_shared_code_has_danish_words():
    """Bad input gets plain Danish and English (issue 11: the VAT and rate words included)."""
    missing = []
    for code, words in MESSAGES.items():
        with translation.override("en"):
            english = str(words)
        with translation.override("da"):
            danish = str(words)
        if danish == english:
            missing.append(code)
    assert missing == []


def _catalogues():
    yield "shared", MESSAGES
    for key, info in PROVIDERS.items():
        module = info.optional(info.messages)
        yield key, getattr(module, "MESSAGES", {})


@pytest.mark.parametrize(("owner", "catalogue"), list(_catalogues()), ids=lambda v: str(v)[:9])
def test_every_code_has_english_and_danish_beside_each_other(owner, catalogue):
    """Issue 12 item 4: one catalogue, each code's words in both languages side by side, with
    the same placeholders (a Danish text that drops %(account)s would lose the account)."""
    placeholder = re.compile(r"%\((\w+)\)s")
    for code, words in catalogue.items():
        assert isinstance(words, Words), code
        assert words.en and words.da and words.en != words.da, code
        assert set(placeholder.findall(words.en)) == set(placeholder.findall(words.da)), code


def test_the_lookup_reads_the_active_language():
    with translation.override("da"):
        danish = message_for("unknown_account", provider="dinero", account="7200")
    assert danish == words_of("unknown_account").da % {"system": "Dinero", "account": "7200"}


def test_a_set_up_page_gets_its_own_words_and_else_the_codes():
    with translation.override("en"):
        setup = message_for("invalid_api_key", provider="dinero", context="setup")
        posting = message_for("invalid_api_key", provider="dinero")
        shared = message_for("unavailable", provider="economic", context="setup")
        assert shared == message_for("unavailable", provider="economic")
    assert setup != posting and "Indstillinger → API" in setup
