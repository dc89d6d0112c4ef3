"""Inbox addresses and who may send (issue 13 items 1 and 4): pure rules."""

from __future__ import annotations

import pytest

from billbridge.mailin.addresses import new_local_part, sender_allowed, split_address


def test_an_address_is_readable_and_random():
    first, second = new_local_part("Nordlys Design ApS"), new_local_part("Nordlys Design ApS")
    assert first.startswith("nordlys-design-aps-") and first != second
    assert len(first.rpartition("-")[2]) == 8


def test_split_address_lowercases_and_refuses_non_addresses():
    assert split_address("<Bills-X@Bills.Localhost>") == ("bills-x", "bills.localhost")
    assert split_address("no-at-sign") == ("", "")


@pytest.mark.parametrize(
    ("rules", "senders", "allowed"),
    [
        ([], ["anyone@anywhere.example"], True),
        (["leverandor.dk"], ["faktura@leverandor.dk"], True),
        (["@leverandor.dk"], ["faktura@leverandor.dk"], True),
        (["leverandor.dk"], ["faktura@ikke-leverandor.dk"], False),
        (["leverandor.dk"], ["faktura@sub.leverandor.dk"], False),
        (["bogholderi@firma.dk"], ["Bogholderi@Firma.dk"], True),
        (["bogholderi@firma.dk"], ["ejer@firma.dk"], False),
        (["firma.dk"], ["spam@example.net", "ejer@firma.dk"], True),  # From or envelope
        (["firma.dk"], [""], False),
    ],
)
def test_who_may_send(rules, senders, allowed):
    assert sender_allowed(rules, senders) is allowed
