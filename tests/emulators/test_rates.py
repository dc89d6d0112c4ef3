"""The rates emulator: the ECB's three eurofxref files with real figures, over real HTTP.

Plain HTTP and the stdlib XML reader: nothing of the product's own reading is used, so the
emulator is held to the ECB's format, not to billbridge's parser.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

NS = {"e": "http://www.ecb.int/vocabulary/2002-08-01/eurofxref"}
GESMES = "{http://www.gesmes.org/xml/2002-08-01}"
BASE = "/stats/eurofxref"


@pytest.fixture
def ecb(shared_emulator):
    return shared_emulator("rates")


def days_of(response) -> dict[str, dict[str, str]]:
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{GESMES}Envelope"
    assert root.find(f"{GESMES}Sender/{GESMES}name").text == "European Central Bank"
    return {
        cube.get("time"): {c.get("currency"): c.get("rate") for c in cube.findall("e:Cube", NS)}
        for cube in root.findall("e:Cube/e:Cube", NS)
    }


def test_the_daily_file_has_the_newest_day(ecb):
    days = days_of(ecb.client.get(f"{BASE}/eurofxref-daily.xml"))
    assert list(days) == ["2026-04-13"]
    assert days["2026-04-13"]["DKK"] == "7.4727"
    assert {"EUR"}.isdisjoint(days["2026-04-13"])  # rates are per euro


def test_the_90_day_file_spans_90_days_newest_first(ecb):
    dates = list(days_of(ecb.client.get(f"{BASE}/eurofxref-hist-90d.xml")))
    assert dates == sorted(dates, reverse=True)
    first, last = dt.date.fromisoformat(dates[-1]), dt.date.fromisoformat(dates[0])
    assert last == dt.date(2026, 4, 13) and (last - first).days < 90
    assert "2026-01-14" in dates and "2026-01-13" not in dates


def test_the_history_has_every_seeded_day_and_no_holiday(ecb):
    days = days_of(ecb.client.get(f"{BASE}/eurofxref-hist.xml"))
    assert min(days) == "2025-10-01" and max(days) == "2026-04-13"
    for holiday in ("2025-12-25", "2025-12-26", "2026-01-01", "2026-04-03", "2026-04-06"):
        assert holiday not in days
    assert days["2026-03-13"]["USD"] == "1.1476"
    assert "BGN" in days["2025-12-31"] and "BGN" not in days["2026-01-02"]  # euro from 2026


def test_for_the_five_currencies_every_day_has_a_rate(ecb):
    days = days_of(ecb.client.get(f"{BASE}/eurofxref-hist.xml"))
    assert all({"DKK", "SEK", "USD", "NOK", "GBP"} <= set(rates) for rates in days.values())


def test_a_day_published_later_appears_in_every_file(ecb):
    answer = ecb.client.post(
        "/_emulator/rates", json={"date": "2026-04-14", "rates": {"DKK": "7.4730", "USD": "1.17"}}
    )
    assert answer.status_code == 200
    assert list(days_of(ecb.client.get(f"{BASE}/eurofxref-daily.xml"))) == ["2026-04-14"]
    assert "2026-04-14" in days_of(ecb.client.get(f"{BASE}/eurofxref-hist.xml"))
    ecb.reset()
    assert list(days_of(ecb.client.get(f"{BASE}/eurofxref-daily.xml"))) == ["2026-04-13"]


@pytest.mark.parametrize(
    "body",
    [
        {"date": "2026-02-30", "rates": {"DKK": "7.46"}},
        {"date": "2026-04-14", "rates": {}},
        {"date": "2026-04-14", "rates": {"dkk": "7.46"}},
        {"date": "2026-04-14", "rates": {"DKK": "-7.46"}},
        {"rates": {"DKK": "7.46"}},
    ],
)
def test_a_bad_publication_is_refused(ecb, body):
    assert ecb.client.post("/_emulator/rates", json=body).status_code == 400


def test_faults_apply_to_the_files(ecb):
    ecb.faults(fail_next=[{"status": 503, "count": 1}])
    assert ecb.client.get(f"{BASE}/eurofxref-daily.xml").status_code == 503
    assert ecb.client.get(f"{BASE}/eurofxref-daily.xml").status_code == 200


def test_the_page_shows_dkk_for_100_units(ecb):
    page = ecb.client.get("/_emulator/")
    assert page.status_code == 200
    assert "747,27" in page.text  # EUR on 13 April 2026: 100 × 7,4727


def test_a_published_day_survives_a_restart_with_a_state_file(start_emulator, tmp_path):
    state = str(tmp_path / "rates.json")
    first = start_emulator("rates", state)
    first.client.post(
        "/_emulator/rates", json={"date": "2026-04-14", "rates": {"DKK": "7.4730"}}
    ).raise_for_status()
    first.stop()
    again = start_emulator("rates", state)
    assert "2026-04-14" in days_of(again.client.get(f"{BASE}/eurofxref-hist.xml"))
