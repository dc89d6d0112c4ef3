"""What every provider's REST router shares: its answer shapes and the steps that do not depend
on the accounting system (who may change an integration, finding it, backfilling it).

Each provider still declares its own routes, so its OpenAPI entries keep their own names and
words; only the bodies call in here. Mounted per provider by billbridge.api.main.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from ninja import Schema, Status
from ninja.errors import HttpError

from billbridge.accounts.models import Company
from billbridge.accounts.tenancy import CompanyId, membership_for
from billbridge.integrations import signals
from billbridge.integrations.base import AccountingError, ErrorKind
from billbridge.integrations.models import Integration

__all__ = ["CompanyId", "membership_for"]  # what a provider's router takes from here


class ProblemOut(Schema):
    """A stable error `code` (e.g. "invalid_api_key"), plain words in `detail`, maybe a `field`."""

    detail: str
    code: str
    field: str | None = None


class ProgressOut(Schema):
    # How far sending has come.
    total: int
    posted: int
    waiting: int
    failed: int
    percent: int


class BackfillOut(Schema):
    created: int
    progress: ProgressOut


# The progress of an integration that does not exist yet: nothing to send, so all of it sent.
NO_PROGRESS = signals.NO_PROGRESS


def manager_company(request: HttpRequest, company_id: int) -> Company:
    """The company, when the caller may change its integrations (owner, admin); else 403."""
    membership = membership_for(request, company_id)
    if not membership.can_manage:
        raise HttpError(403, "Only the company's owners and admins can change integrations.")
    return membership.company


def integration_of(company_id: int, provider: str) -> Integration | None:
    return Integration.objects.filter(company_id=company_id, provider=provider).first()


def problem(exc: AccountingError, detail: str) -> Status:
    """An AccountingError as a ProblemOut: 503 for what passes by itself (the system is down,
    asks us to slow down, or is blocked for a while), else 400; `detail` is the provider's
    words for the code."""
    passes = exc.kind in (ErrorKind.UNAVAILABLE, ErrorKind.RATE_LIMITED) or (
        exc.kind == ErrorKind.BLOCKED and exc.retry_after is not None
    )
    status = 503 if passes else 400
    return Status(status, {"detail": detail, "code": exc.code, "field": exc.field})


def backfill(
    company_id: int, provider: str, problem_for: Callable[[AccountingError], Status]
) -> Status:
    """R-4: send every bill added before the connection; a 400 `not_connected` (in the
    provider's words, from `problem_for`) while it is not connected."""
    integration = integration_of(company_id, provider)
    if integration is None or not integration.is_active:
        return problem_for(AccountingError(ErrorKind.CREDENTIALS, "not_connected"))
    created = signals.backfill(integration)
    return Status(200, {"created": created, "progress": signals.progress(integration)})
