"""The site's URLs (billbridge/urls.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_urls(settings):
    settings.ROOT_URLCONF = "billbridge.urls"


def test_an_api_path_that_is_no_route_answers_json_404(client):
    """A mistyped route (the demo's walk tried …/audit) answered the web's HTML page."""
    response = client.get("/api/v1/companies/1/audit")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "/api/v1/docs" in response.json()["detail"]


def test_a_web_path_that_is_no_page_answers_the_web_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b'data-testid="error-page"' in response.content
