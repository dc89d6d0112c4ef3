"""Error codes become plain words; a provider's own words win over the shared ones (R-3)."""

from __future__ import annotations

from django.utils import translation

from billbridge.integrations.messages import MESSAGES, message_for


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
