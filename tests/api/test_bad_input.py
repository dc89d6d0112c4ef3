"""Bad input is a 4xx with a readable JSON body, never a 500 (issue 2 item 3)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import api_url, bill_json

pytestmark = pytest.mark.django_db

JUNK = [None, 1.5, -1, 0, True, [], {}, "", "x" * 600, "2026-13-45", "NaN", "1e400", "\x00"]
BILL_FIELDS = list(bill_json()) + ["category_id", "payment_method_id"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)


@pytest.mark.parametrize("field", BILL_FIELDS)
def test_any_junk_in_any_bill_field_is_answered_without_500(client, company, api_headers, field):
    for junk in JUNK:
        response = client.post(
            api_url(company, "/bills"),
            bill_json(**{field: junk}),
            content_type="application/json",
            headers=api_headers,
        )
        assert response.status_code in (201, 422), (field, junk, response.content)
        if response.status_code == 422:
            assert response.json()["detail"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.dictionaries(st.sampled_from(BILL_FIELDS), json_values))
def test_random_bill_bodies_never_give_500(client, company, api_headers, body):
    response = client.post(
        api_url(company, "/bills"), body, content_type="application/json", headers=api_headers
    )
    assert response.status_code in (201, 422)
    assert "detail" in response.json()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.dictionaries(
        st.sampled_from(["page", "page_size", "status", "supplier", "category_id", "q"]),
        st.text(max_size=12),
    )
)
def test_random_list_queries_never_give_500(client, company, api_headers, query):
    response = client.get(api_url(company, "/bills"), query, headers=api_headers)
    assert response.status_code in (200, 422)


@pytest.mark.parametrize("supplier", ["²", "٣", "12\u00b3"])
def test_a_unicode_digit_supplier_filter_is_a_name_not_a_500(
    client, company, api_headers, supplier
):
    """'²'.isdigit() is True in Python, but it is no id: found by hypothesis on PostgreSQL."""
    response = client.get(api_url(company, "/bills"), {"supplier": supplier}, headers=api_headers)
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_nul_character_in_a_search_is_422_not_a_database_error(client, company, api_headers):
    """PostgreSQL refuses NUL in text; the API says so instead of failing with a 500."""
    response = client.get(api_url(company, "/bills"), {"q": "a\x00b"}, headers=api_headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "q"


def test_too_long_invoice_number_is_422_naming_it(client, company, api_headers):
    response = client.post(
        api_url(company, "/bills"),
        bill_json(invoice_number="F" * 101),
        content_type="application/json",
        headers=api_headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "invoice_number"
