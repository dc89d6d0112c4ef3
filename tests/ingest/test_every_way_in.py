"""The web form, the web drop zone and the REST API ask one rule whether a document is a bill's
(issue 12 item 4, issue 15 item 5); the e-mail intake asks it too (tests/mailin)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from billbridge.bills.models import Bill
from billbridge.ingest import ERROR_MESSAGES
from tests.api.conftest import api_url

pytestmark = pytest.mark.django_db

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'
BROKEN_GIF = b"GIF89a" + b"\x00" * 40


def gif() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (40, 30), 255).save(out, format="GIF")
    return out.getvalue()


def _file(name: str, data: bytes) -> SimpleUploadedFile:
    # The declared type lies, as a hostile sender's would: only the bytes count.
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def web_form(client, company, name, data):
    client.post(
        reverse("web:bill_new", args=[company.pk]),
        {"currency": "DKK", "document": _file(name, data)},
    )


def web_drop_zone(client, company, name, data):
    client.post(reverse("web:bill_upload", args=[company.pk]), {"documents": [_file(name, data)]})


def rest_api(client, company, name, data, headers):
    return client.post(api_url(company, "/bills"), {"document": _file(name, data)}, headers=headers)


WAYS_IN = [web_form, web_drop_zone]


@pytest.mark.parametrize("way_in", WAYS_IN, ids=lambda f: f.__name__)
@pytest.mark.parametrize(("name", "data"), [("logo.pdf", SVG), ("scan.pdf", BROKEN_GIF)])
def test_the_web_refuses_what_the_rule_refuses(logged_in_client, company, way_in, name, data):
    way_in(logged_in_client, company, name, data)
    assert not Bill.objects.filter(company=company).exists()


@pytest.mark.parametrize(("name", "data"), [("logo.pdf", SVG), ("scan.pdf", BROKEN_GIF)])
def test_the_api_refuses_what_the_rule_refuses_with_the_same_words(
    client, company, api_headers, name, data
):
    response = rest_api(client, company, name, data, api_headers)
    assert response.status_code == 422
    with translation.override("en"):
        message = response.json()["errors"][0]["message"]
    assert message in {translation.gettext(m) for m in ERROR_MESSAGES.values()} | set(
        ERROR_MESSAGES.values()
    )
    assert not Bill.objects.filter(company=company).exists()


@pytest.mark.parametrize("way_in", WAYS_IN, ids=lambda f: f.__name__)
def test_a_readable_gif_is_taken_by_the_web_with_its_true_type(logged_in_client, company, way_in):
    way_in(logged_in_client, company, "receipt.pdf", gif())
    assert Bill.objects.get(company=company).document_content_type == "image/gif"


def test_a_readable_gif_is_taken_by_the_api_with_its_true_type(client, company, api_headers):
    assert rest_api(client, company, "receipt.pdf", gif(), api_headers).status_code == 201
    assert Bill.objects.get(company=company).document_content_type == "image/gif"
