"""The OpenAPI description, made to say what the API really answers (checked by schemathesis).

django-ninja describes each route from its own `response=` only, and files every schema under its
class name. Two things follow that this module puts right, for every router mounted, the
providers' too:

- The answers every route can give whatever it declares: 401 without a valid token, 404 for a
  company (or object) the caller cannot see, 422 for input that fails validation, 400 for a body
  that is not JSON. They are added where a route leaves them out, with the shape our error
  handlers give them (`ErrorOut`); where a route documents another shape for that status, the
  answer may be either.
- Two schemas of one name (each provider has its own `ConnectIn` and `StateOut`) would overwrite
  each other, so one provider's route would be described with the other's fields. The second one
  gets its router's name in front (`EconomicStateOut`), and its operation's `$ref`s follow.
"""

from __future__ import annotations

from typing import Any

from ninja.openapi.schema import REF_TEMPLATE, NinjaGenerateJsonSchema, OpenAPISchema
from ninja.operation import Operation

from billbridge.accounts.roles import Action, action_for_route
from billbridge.api.schemas import ErrorOut

ERROR_REF = REF_TEMPLATE.format(model="ErrorOut")
STANDARD_ERRORS = {
    400: "The request body is not valid JSON.",
    401: "No valid token: send 'Authorization: Bearer <token>'.",
    403: "The company has not added Integrate, or the caller may not change its integrations.",
    404: "Not found, or a company the caller is not a member of.",
    422: "The input is not valid; `errors` names each field at fault.",
}
ROLE_REFUSED = "The caller's role in the company does not allow this (see the README's roles)."
TWO_FACTOR_REFUSED = (
    "The company requires two-factor log-in of its owners and admins, and the caller (one of "
    "them) has not set it up."
)


def rename_refs(value: Any, renames: dict[str, str]) -> Any:
    """`value` with every `$ref` to a renamed schema pointing at its new name."""
    if not renames:
        return value
    if isinstance(value, dict):
        out = {k: rename_refs(v, renames) for k, v in value.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_TEMPLATE.format(model="")):
            name = ref.rsplit("/", 1)[1]
            if name in renames:
                out["$ref"] = REF_TEMPLATE.format(model=renames[name])
        return out
    if isinstance(value, list):
        return [rename_refs(v, renames) for v in value]
    return value


def _router_name(operation: Operation) -> str:
    """`dinero` for billbridge.integrations.dinero.api, `bills` for ...api.routers.bills."""
    parts = operation.view_func.__module__.split(".")
    name = parts[-2] if parts[-1] == "api" and len(parts) > 1 else parts[-1]
    return "".join(p.title() for p in name.split("_"))


def _is_integration_route(operation: Operation) -> bool:
    """A provider's route: mounted with IntegrationAuth, so 403 without Integrate (P-1)."""
    from billbridge.api.auth import IntegrationAuth

    return any(isinstance(cb, IntegrationAuth) for cb in operation.auth_callbacks)


def _statuses(responses: dict[Any, Any]) -> dict[int, Any]:
    return {int(status): status for status in responses if str(status).isdigit()}


class BillbridgeOpenAPI(OpenAPISchema):
    """ninja's OpenAPISchema with the standard errors and without schema name clashes."""

    _operation: Operation | None = None
    _renames: dict[str, str]

    def operation_details(self, operation: Operation) -> dict[str, Any]:
        self._operation = operation
        self._renames = {}
        details = rename_refs(super().operation_details(operation), self._renames)
        self._operation = None
        self._add_standard_errors(details, integration=_is_integration_route(operation))
        return details

    def add_schema_definitions(self, definitions: dict) -> None:
        renames = getattr(self, "_renames", {})
        while True:
            clashes = {
                name
                for name, schema in definitions.items()
                if name not in renames
                and name in self.schemas
                and self.schemas[name] != rename_refs(schema, renames)
            }
            if not clashes:
                break
            for name in clashes:
                renames[name] = self._free_name(name, rename_refs(definitions[name], renames))
        self.schemas.update(
            {renames.get(name, name): rename_refs(s, renames) for name, s in definitions.items()}
        )

    def _free_name(self, name: str, schema: dict[str, Any]) -> str:
        """A name for a second, different schema called `name`: its router's name in front."""
        prefix = _router_name(self._operation) if self._operation is not None else "Other"
        candidate, n = f"{prefix}{name}", 2
        while candidate in self.schemas and self.schemas[candidate] != schema:
            candidate, n = f"{prefix}{name}{n}", n + 1
        return candidate

    def _error_schema_ref(self) -> dict[str, str]:
        if "ErrorOut" not in self.schemas:
            schema = ErrorOut.model_json_schema(
                ref_template=REF_TEMPLATE,
                schema_generator=NinjaGenerateJsonSchema,
                mode="serialization",
            )
            self.schemas.update({**schema.pop("$defs", {}), "ErrorOut": schema})
        return {"$ref": ERROR_REF}

    def _add_standard_errors(self, details: dict[str, Any], *, integration: bool = False) -> None:
        params = details.get("parameters") or []
        body = details.get("requestBody", {}).get("content", {})
        wanted = {403} if integration else set()
        if details.get("security"):
            wanted.add(401)
        if params or body:
            wanted.add(422)
        if any(p.get("in") == "path" for p in params):
            wanted.add(404)
        if "application/json" in body:
            wanted.add(400)
        responses = details.setdefault("responses", {})
        for status in sorted(wanted):
            self._add_error(responses, status, STANDARD_ERRORS[status])

    def _add_error(self, responses: dict[Any, Any], status: int, description: str) -> None:
        """Document `status` with our error shape, beside a shape the route declared for it."""
        declared = _statuses(responses)
        error = self._error_schema_ref()
        if status not in declared:
            responses[status] = {
                "description": description,
                "content": {"application/json": {"schema": error}},
            }
            return
        content = responses[declared[status]].setdefault("content", {})
        media = content.setdefault("application/json", {})
        schema = media.get("schema")
        if schema is None:
            media["schema"] = error
        elif schema != error and error not in schema.get("anyOf", []):
            media["schema"] = {"anyOf": [schema, error]}

    def get_paths(self) -> dict[str, Any]:
        """ninja's paths, with the 403 of every company route: a role may be refused some
        (accounts.roles), and a company that requires two-factor log-in refuses every one to an
        owner or admin without it (accounts.two_factor)."""
        paths = super().get_paths()
        for path, methods in paths.items():
            if "{company_id}" not in path:
                continue
            for method, details in methods.items():
                refusals = [TWO_FACTOR_REFUSED]
                if action_for_route(path, method) is not Action.WORK_WITH_BILLS:
                    refusals.insert(0, ROLE_REFUSED)
                responses = details.setdefault("responses", {})
                words = " Or: ".join(refusals)
                if 403 in _statuses(responses):
                    declared = responses[_statuses(responses)[403]]
                    said = declared.get("description", "")
                    # ninja's own word for a declared 403 says nothing: ours replace it.
                    both = f"{said} Or: {words}"
                    declared["description"] = words if said == "Forbidden" else both
                self._add_error(responses, 403, words)
        return paths
