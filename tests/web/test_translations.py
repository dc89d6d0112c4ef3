"""Every English source string the UI shows has a Danish translation in a .po file."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

from billbridge.bills.models import BillStatus, PaymentMethodType
from billbridge.integrations.models import IntegrationState
from billbridge.mailin.models import ImapSecurity, MailSource, MailStatus, NoBillReason
from billbridge.sync.models import SyncState

SRC = Path(__file__).resolve().parents[2] / "src" / "billbridge"
TRANSLATE = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(["'])(?P<msgid>.+?)\1"""
    r"""(?:\s+context\s+(["'])(?P<context>.+?)\3)?""",
    re.S,
)
UNDERSCORE = re.compile(r"""_\((["'])(?P<msgid>.+?)\1\)""")
BLOCK = re.compile(
    r"\{%\s*blocktrans(?:late)?(?P<args>[^%]*)%\}(?P<body>.*?)\{%\s*endblocktrans(?:late)?\s*%\}",
    re.S,
)
BLOCK_VAR = re.compile(r"\{\{\s*(\w+)\s*\}\}")
PY_GETTEXT = re.compile(r"""\b_\(\s*(["'])(?P<msgid>(?:(?!\1).)+)\1\s*[,)%]""")


def danish_catalog() -> dict[str, str]:
    """Every Danish msgid → msgstr of the project (the main catalog and the packages').

    A msgid with a context is keyed "context\x04msgid", as gettext itself keys it.
    """
    catalog: dict[str, str] = {}
    for po_path in SRC.glob("**/locale/da/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(po_path)):
            if entry.msgstr and "fuzzy" not in entry.flags:
                key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
                catalog.setdefault(key, entry.msgstr)
    return catalog


def template_msgids(path: Path) -> set[str]:
    text = path.read_text()
    ids = {
        f"{m['context']}\x04{m['msgid']}" if m["context"] else m["msgid"]
        for m in TRANSLATE.finditer(text)
    }
    ids |= {m["msgid"] for m in UNDERSCORE.finditer(text)}
    for block in BLOCK.finditer(text):
        if "count " in block["args"] or "{% plural" in block["body"]:
            continue  # plural blocks are checked by hand
        body = block["body"]
        if "trimmed" in block["args"]:
            body = " ".join(line.strip() for line in body.strip().splitlines())
        ids.add(BLOCK_VAR.sub(lambda m: f"%({m[1]})s", body))
    return ids


def python_msgids(path: Path) -> set[str]:
    return {m["msgid"] for m in PY_GETTEXT.finditer(path.read_text())}


# The web pages and the apps that have pages of their own (the bills inbox).
UI_APPS = ("web", "mailin")
WEB_TEMPLATES = sorted(p for app in UI_APPS for p in (SRC / app / "templates").glob("**/*.html"))
WEB_PYTHON = sorted(p for app in UI_APPS for p in (SRC / app).glob("**/*.py"))


@pytest.mark.parametrize("path", WEB_TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_template_string_has_danish(path):
    catalog = danish_catalog()
    missing = sorted(msgid for msgid in template_msgids(path) if msgid not in catalog)
    assert not missing, f"{path.name}: no Danish for {missing}"


def test_the_scan_finds_strings():
    """Guards the regexes: a scan that finds nothing would pass everything."""
    ids = set().union(*(template_msgids(p) for p in WEB_TEMPLATES))
    assert {"Bills", "Not a duplicate", "Page %(number)s of %(pages)s"} <= ids
    assert "No categories yet." in ids  # from _("…") in an include
    assert "form button\x04Save" in ids  # a translate tag with a context
    assert "The bill has been added." in set().union(*(python_msgids(p) for p in WEB_PYTHON))


@pytest.mark.parametrize("path", WEB_PYTHON, ids=lambda p: str(p.relative_to(SRC)))
def test_every_python_string_has_danish(path):
    catalog = danish_catalog()
    missing = sorted(msgid for msgid in python_msgids(path) if msgid not in catalog)
    assert not missing, f"{path.name}: no Danish for {missing}"


@pytest.mark.parametrize(
    "choices",
    [BillStatus, PaymentMethodType, IntegrationState, SyncState, MailStatus, MailSource,
     NoBillReason, ImapSecurity],
)  # fmt: skip
def test_labels_shown_in_the_ui_have_danish(choices):
    catalog = danish_catalog()
    with translation.override("en"):  # English is the source language: label == msgid
        msgids = [str(choice.label) for choice in choices]
    assert not [msgid for msgid in msgids if msgid not in catalog]


def test_status_labels_in_danish():
    with translation.override("da"):
        labels = {str(s.label) for s in BillStatus}
    assert labels == {"Kommende", "Betalt", "Analyserer", "Dublet"}


def test_placeholders_survive_translation():
    """A msgstr must keep its msgid's %(name)s placeholders, or rendering breaks."""
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for key, msgstr in danish_catalog().items():
        msgid = key.split("\x04")[-1]
        assert sorted(placeholder.findall(msgid)) == sorted(placeholder.findall(msgstr)), key
