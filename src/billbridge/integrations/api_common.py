"""The REST lifecycle every provider gets from the framework (issue 12 item 2).

`router_for(info)` builds, for each provider in the registry, the routes connect (PUT ""),
state (GET ""), disconnect (DELETE ""), refresh (POST /refresh) and backfill (POST /backfill)
with one set of error shapes; billbridge.api.main mounts it at
/api/v1/companies/{company_id}/integrations/<key> behind the Integrate check. A provider's `api`
module supplies only what differs (`lifecycle`, a `Lifecycle`): its body and answer schemas
(named after the provider, so the OpenAPI document keeps one schema per provider), its connect,
state and refresh steps, and the words of its routes. A ninja `router` in the same module adds
the provider's own further routes (Dinero's Visma Connect) under the same prefix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from billbridge.accounts.models import Company, User
from billbridge.accounts.tenancy import CompanyId, membership_for
from billbridge.integrations import services, signals
from billbridge.integrations.base import AccountingError, ErrorKind
from billbridge.integrations.messages import message_for
from billbridge.integrations.models import Integration

if TYPE_CHECKING:
    from billbridge.integrations.registry import ProviderInfo

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

ERRORS: dict[int, Any] = {400: ProblemOut, 403: ProblemOut, 503: ProblemOut}


def manager_company(request: HttpRequest, company_id: int) -> Company:
    """The company, when the caller may change its integrations (owner, admin); else 403."""
    membership = membership_for(request, company_id)
    if not membership.can_manage:
        raise HttpError(403, "Only the company's owners and admins can change integrations.")
    return membership.company


def caller(request: HttpRequest) -> User | None:
    """The user the token belongs to (TokenAuth sets it as `request.auth`)."""
    user = getattr(request, "auth", None)
    return user if isinstance(user, User) else None


def integration_of(company_id: int, provider: str) -> Integration | None:
    return Integration.objects.filter(company_id=company_id, provider=provider).first()


def problem(exc: AccountingError, detail: str) -> Status:
    """An AccountingError as a ProblemOut: 503 for what passes by itself (the system is down,
    asks us to slow down, or is blocked for a while), else 400; `detail` is the words for the
    code."""
    passes = exc.kind in (ErrorKind.UNAVAILABLE, ErrorKind.RATE_LIMITED) or (
        exc.kind == ErrorKind.BLOCKED and exc.retry_after is not None
    )
    status = 503 if passes else 400
    return Status(status, {"detail": detail, "code": exc.code, "field": exc.field})


def words(provider: str, exc: AccountingError) -> str:
    """The plain words for a provider's error, in the active language."""
    from billbridge.integrations.registry import PROVIDERS

    info = PROVIDERS.get(provider)
    params = {"detail": exc.detail or exc.code, **exc.params}
    return message_for(exc.code, system=info.name if info else provider, provider=provider,
                       **params)  # fmt: skip


def problem_of(provider: str, exc: AccountingError) -> Status:
    """`problem` in the provider's words."""
    return problem(exc, words(provider, exc))


def not_connected(provider: str) -> Status:
    return problem_of(provider, AccountingError(ErrorKind.CREDENTIALS, "not_connected"))


def backfill(company_id: int, provider: str) -> Status:
    """R-4: send every bill added before the connection; a 400 `not_connected` while it is not
    connected."""
    integration = integration_of(company_id, provider)
    if integration is None or not integration.is_active:
        return not_connected(provider)
    created = signals.backfill(integration)
    return Status(200, {"created": created, "progress": signals.progress(integration)})


def _no_extra(company: Company, integration: Integration, payload: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Lifecycle:
    """What a provider gives the framework's REST routes (`router_for`).

    The steps raise AccountingError for whatever the provider refuses (with `field` when one
    field of the body is at fault); the framework answers it as a ProblemOut in the provider's
    words. A connect body with `backfill: true` is backfilled by the framework.
    """

    # The PUT body and the answer of PUT/GET (and of the provider's own connects).
    connect_in: type[Schema]
    state_out: type[Schema]
    # (company, user, body) → the connected Integration: checks the credentials against the
    # system, claims the books (services.claim_remote_id), marks it connected, signals it.
    connect: Callable[[Company, User | None, Any], Integration]
    # The Integration (None: never connected) → the state_out answer, never a credential.
    state: Callable[[Integration | None], dict[str, Any]]
    # POST /refresh: (company, integration) → its answer, shaped as `refresh_out`.
    refresh: Callable[[Company, Integration], Any]
    refresh_out: Any
    # More of a connect's answer (company, integration, body), beside `backfilled`.
    connected_extra: Callable[[Company, Integration, Any], dict[str, Any]] = _no_extra
    # Route name → its description in the OpenAPI document; "{name}" is the system's name.
    docs: Mapping[str, str] = field(default_factory=dict)

    def connected(self, company: Company, integration: Integration, payload: Any) -> Status:
        """The answer to a connect, whichever way in: the state, what was backfilled."""
        extra = dict(self.connected_extra(company, integration, payload))
        if getattr(payload, "backfill", False):
            extra["backfilled"] = signals.backfill(integration)
        return Status(200, {**self.state(integration), **extra})


DOCS = {
    "connect": "Connect (or reconnect) {name}: the credentials are checked against {name} at once.",
    "state": "State and settings; a credential is never shown again.",
    "disconnect": "Stop sending bills to {name}; what was sent stays there.",
    "refresh": "Fetch {name}'s chart of accounts and set-up data again.",
    "backfill": "R-4: send every bill added before {name} was connected; progress in the answer "
    "and in GET.",
}


def lifecycle_of(info: ProviderInfo) -> Lifecycle | None:
    module = info.optional(info.api)
    found = getattr(module, "lifecycle", None) if module is not None else None
    return found if isinstance(found, Lifecycle) else None


def router_for(info: ProviderInfo) -> Router | None:
    """The provider's REST routes: the lifecycle's (built here, the same for every provider)
    and the provider's own `router`, if any. A new Router each call (one per API built)."""
    module = info.optional(info.api)
    if module is None:
        return None
    life = lifecycle_of(info)
    own: Router | None = getattr(module, "router", None)
    if life is None:
        return own
    router = Router()
    key = info.key

    def doc(name: str) -> str:
        return life.docs.get(name, DOCS[name]).format(name=info.name)

    def route(name: str) -> dict[str, Any]:
        # The operation ids of the providers' own routers before the framework built them.
        return {
            "operation_id": f"{info.package.replace('.', '_')}_api_{name}",
            "summary": name.title(),
            "description": doc(name),
        }

    def connect(request: HttpRequest, company_id: CompanyId, payload: Schema) -> Any:
        company = manager_company(request, company_id)
        try:
            integration = life.connect(company, caller(request), payload)
        except AccountingError as exc:
            return problem_of(key, exc)
        return life.connected(company, integration, payload)

    connect.__annotations__["payload"] = life.connect_in  # ninja reads the body's schema here

    def state(request: HttpRequest, company_id: CompanyId) -> Any:
        membership_for(request, company_id)
        return Status(200, life.state(integration_of(company_id, key)))

    def disconnect(request: HttpRequest, company_id: CompanyId) -> Any:
        services.disconnect(manager_company(request, company_id), key)
        return Status(204, None)

    def refresh(request: HttpRequest, company_id: CompanyId) -> Any:
        company = manager_company(request, company_id)
        integration = integration_of(company_id, key)
        if integration is None:
            return not_connected(key)
        try:
            return Status(200, life.refresh(company, integration))
        except AccountingError as exc:
            return problem_of(key, exc)

    def backfill_route(request: HttpRequest, company_id: CompanyId) -> Any:
        manager_company(request, company_id)
        return backfill(company_id, key)

    router.put("", response={200: life.state_out, **ERRORS}, **route("connect"))(connect)
    router.get("", response={200: life.state_out}, **route("state"))(state)
    router.delete("", response={204: None, 403: ProblemOut}, **route("disconnect"))(disconnect)
    router.post("/refresh", response={200: life.refresh_out, **ERRORS},
                **route("refresh"))(refresh)  # fmt: skip
    router.post("/backfill", response={200: BackfillOut, 400: ProblemOut, 403: ProblemOut},
                **route("backfill"))(backfill_route)  # fmt: skip
    if own is not None:
        router.add_router("", own)
    return router
