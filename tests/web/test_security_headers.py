"""HTTPS-ready settings, Content-Security-Policy and Permissions-Policy (issue 15 item 2)."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

import billbridge

pytestmark = pytest.mark.django_db
SRC = Path(billbridge.__file__).parent
# What a CSP without 'unsafe-inline' refuses in markup: script text, handlers, style attributes.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)|\son[a-z]+\s*=|\sstyle\s*=|<style[\s>]|javascript:", re.I
)


def product_templates() -> list[Path]:
    """Every template billbridge itself serves (the emulators are other servers)."""
    return [p for p in SRC.glob("**/templates/**/*.html") if "emulators" not in p.parts]


def test_no_template_has_inline_script_style_or_handler():
    found = [
        f"{path.relative_to(SRC)}: {match.group(0)}"
        for path in product_templates()
        for match in INLINE.finditer(path.read_text())
    ]
    assert found == []


def test_pages_carry_a_csp_without_inline_script(logged_in_client, company):
    response = logged_in_client.get(reverse("web:bill_list", args=[company.pk]))
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


def test_the_api_and_the_login_page_carry_the_policies_too(client, db):
    for url in ("/login/", "/api/v1/openapi.json"):
        response = client.get(url)
        assert "default-src 'self'" in response["Content-Security-Policy"], url
        assert "camera=()" in response["Permissions-Policy"], url


def test_pages_may_not_be_framed(logged_in_client, company):
    response = logged_in_client.get(reverse("web:bill_list", args=[company.pk]))
    assert response["X-Frame-Options"] == "DENY"


def test_the_bill_document_may_be_framed_by_the_bill_page(logged_in_client, company):
    from django.core.files.base import ContentFile

    from tests.factories import BillFactory

    bill = BillFactory(company=company)
    bill.document.save("bill.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    response = logged_in_client.get(reverse("web:bill_document", args=[company.pk, bill.pk]))
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"


PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "bills.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://bills.example.com",
    "BILLBRIDGE_HTTPS": "1",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def run_billbridge(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_"))}
    clean.update(BILLBRIDGE_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="billbridge.settings")
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "billbridge", *args],
        env={**clean, **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_readme_production_settings_pass_the_deploy_check(tmp_path):
    result = run_billbridge(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_readme_lists_each_production_setting():
    readme = (SRC.parent.parent / "README.md").read_text()
    for name in PRODUCTION:
        assert name in readme, name


def test_without_https_the_deploy_check_names_what_is_missing(tmp_path):
    result = run_billbridge(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr + result.stdout, check


def test_https_settings_come_from_the_environment(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "billbridge.settings",
             "BILLBRIDGE_DATA_DIR": str(tmp_path), **PRODUCTION},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.stdout.split() == [
        "True", "True", "True", "31536000", "('HTTP_X_FORWARDED_PROTO',", "'https')",
    ]  # fmt: skip


def test_the_api_docs_load_their_scripts_from_billbridge_itself(client, db):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html
