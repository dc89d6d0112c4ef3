"""Pages of a company's bills that cost the same at page 1 and page 4,000 (issue 16 item 3).

The list's order is newest issue date first, then newest id (``Bill.Meta.ordering``), walked
along the ``bill_list_order`` index. Two ways to a page:

- by cursor ("keyset"): the page after a given bill, a range scan from that bill on — what the
  API's ``next`` links carry;
- by number: the page's ids are found by walking the index alone (no table row is read for the
  skipped ones), then only those rows are fetched — what the web's page links use.

Where NULL issue dates sort (bills still being read) differs by database: PostgreSQL puts them
first in a descending order, SQLite last; the cursor condition follows the database's rule, so
both walk their own index.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Sequence

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Q, QuerySet


class BadCursor(ValueError):
    """A cursor this product did not hand out."""


def encode_cursor(issue_date: dt.date | None, bill_id: int) -> str:
    raw = f"{issue_date.isoformat() if issue_date else ''}:{bill_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.date | None, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        day, _, bill_id = raw.partition(":")
        value = int(bill_id)
        if not 0 < value < 2**63:
            raise ValueError(bill_id)
        return (dt.date.fromisoformat(day) if day else None), value
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise BadCursor(cursor) from exc


def after(bills: QuerySet, cursor: str) -> QuerySet:
    """The bills that come after the cursor's bill in the list's order."""
    day, bill_id = decode_cursor(cursor)
    nulls_first = connections[bills.db].features.nulls_order_largest  # PostgreSQL
    if day is None:
        later = Q(issue_date__isnull=True, id__lt=bill_id)
        if nulls_first:
            later |= Q(issue_date__isnull=False)
        return bills.filter(later)
    later = Q(issue_date__lt=day) | Q(issue_date=day, id__lt=bill_id)
    if not nulls_first:
        later |= Q(issue_date__isnull=True)
    return bills.filter(later)


def page_by_number(bills: QuerySet, number: int, size: int) -> list:
    """Page ``number`` (from 1) of ``bills`` in the list's order: the ids by an index-only walk,
    then the rows of those ids (with the queryset's select_related)."""
    ordered = bills.order_by("-issue_date", "-id")
    start = (number - 1) * size
    ids = list(ordered.values_list("id", flat=True)[start : start + size])
    return rows_in_order(ordered, ids)


def rows_in_order(bills: QuerySet, ids: Sequence[int]) -> list:
    """The rows of ``ids`` in that order, with ``bills``' select_related, fetched by primary
    key alone (the filters that found the ids, a text search say, are not run again)."""
    if not ids:
        return []
    rows = bills.model._default_manager.filter(pk__in=ids)
    rows.query.select_related = bills.query.select_related
    rows = rows.prefetch_related(*bills._prefetch_related_lookups)  # type: ignore[attr-defined]
    by_id = {b.pk: b for b in rows}
    return [by_id[i] for i in ids if i in by_id]


class IndexPaginator(Paginator):
    """Django's paginator (page links, counts) whose pages come from ``page_by_number``."""

    def page(self, number: int | str) -> Page:
        number = self.validate_number(number)
        rows = page_by_number(self.object_list, number, self.per_page)  # type: ignore[arg-type]
        return self._get_page(rows, number, self)  # type: ignore[attr-defined]
