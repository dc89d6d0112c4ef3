"""The e-conomic emulator's own control endpoints, beside the shared ``/_emulator/`` ones.

What a bookkeeper or an agreement does in e-conomic's UI, switchable from a test (JSON) and from
the emulator's page (an HTML form post, answered with a redirect back to the page):

- ``POST /_emulator/agreements/{n}`` ``{"indscanning": false}`` — the add-on module on or off.
  There is no "API access" switch on an agreement (economic.md §10.4): ``api_enabled`` is 400.
- ``POST /_emulator/agreements/{n}/revoke`` — the agreement removes the app (→ 401).
- ``POST /_emulator/agreements/{n}/grant`` — the agreement adds the app again after a revoke:
  a new grant token, as the approve step of the installation page gives (``grant``).
- ``DELETE /_emulator/agreements/{n}/accounts/{account}`` — an account deleted in e-conomic.
- ``GET /_emulator/agreements/{n}/periods`` — every year with its periods and their state.
- ``POST /_emulator/agreements/{n}/periods`` ``{"date": "2026-08-15", "state": "barred"}`` or
  ``{"year": "2026", "period": 8, "state": "open"}`` — *Spær* / *Åbn* / *Luk* a period
  (states ``open``, ``barred``, ``closed``; see ``periods``).
- ``POST /_emulator/agreements/{n}/journals/{j}/book`` ``{"vouchers": [20001]}`` (optional:
  all when absent) — book the kassekladde; 409 when an entry is dated in a barred or closed
  period (see ``ledger``).
- ``POST /_emulator/agreements/{n}/journals/{j}/vouchers/{year}-{number}/move``
  ``{"journal": 1, "voucherNumber": 7}`` (number optional) — move an unbooked voucher to another
  kassekladde, renumbered.
- ``GET /_emulator/agreements/{n}/vat`` — the VAT e-conomic books for every kassekladde line,
  unbooked and booked (issue 11: tests assert the VAT that landed).
- ``GET|POST /_emulator/throttle`` — the token bucket (see ``throttle``).
- ``GET|POST /_emulator/bulk`` ``{"mode": "partial"}`` — how a voucher array with a refused
  voucher is answered: ``all_or_nothing`` (the default: nothing written) or ``partial`` (the
  valid vouchers are written, the answer is the same 400). economic.md §10.7: which one
  e-conomic does is not documented [GUESS: both are possible, so the product must survive both].
- ``POST /_emulator/idempotency/expire`` — forget every cached ``Idempotency-Key`` answer, as if
  the hour e-conomic keeps them had passed.
"""

from __future__ import annotations

from typing import Any

from ..common import Request, Response, json_response
from . import ledger, periods, render
from .grant import renew_grant

FORM = "application/x-www-form-urlencoded"
BULK_MODES = ("all_or_nothing", "partial")


def _is_form(request: Request) -> bool:
    """A form post from the page; JSON sent as a form (curl's `-d` default) is still JSON."""
    if not request.header("content-type").lower().startswith(FORM):
        return False
    return request.body.lstrip()[:1] not in (b"{", b"[")


def _body(request: Request) -> dict[str, Any]:
    """The JSON object or the form fields of a control request; ValueError when neither."""
    if _is_form(request):
        return dict(request.form())
    if not request.body:
        return {}
    body = request.json()
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    return body


def _answer(request: Request, agreement: Any, payload: Any, status: int = 200) -> Response:
    """JSON for a test; for the page's form, back to the page (where the error shows as text)."""
    if _is_form(request) and status < 400:
        anchor = f"#agreement-{agreement}" if agreement else ""
        return Response(status=303, headers={"Location": f"/_emulator/{anchor}"})
    return json_response(status, payload)


def _error(request: Request, status: int, message: str, details: Any = None) -> Response:
    payload: dict[str, Any] = {"error": message}
    if details:
        payload["details"] = details
    return json_response(status, payload)


class Control:
    """Handlers bound to the app (its state and lock)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def routes(self) -> list[tuple[str, str, Any]]:
        a = r"/_emulator/agreements/(?P<n>\d+)"
        voucher = a + r"/journals/(?P<j>\d+)/vouchers/(?P<y>[^/]+)-(?P<v>\d+)/move"
        return [
            ("POST", a, self.set_agreement),
            ("POST", a + "/revoke", self.revoke),
            ("POST", a + "/grant", self.grant),
            ("DELETE", a + r"/accounts/(?P<acc>\d+)", self.delete_account),
            ("GET", a + "/periods", self.get_periods),
            ("POST", a + "/periods", self.set_period),
            ("POST", a + r"/journals/(?P<j>\d+)/book", self.book),
            ("POST", voucher, self.move),
            ("GET", a + "/vat", self.vat),
            ("GET", r"/_emulator/throttle", self.get_throttle),
            ("POST", r"/_emulator/throttle", self.set_throttle),
            ("POST", r"/_emulator/idempotency/expire", self.expire_idempotency),
            ("GET", r"/_emulator/bulk", self.get_bulk),
            ("POST", r"/_emulator/bulk", self.set_bulk),
        ]

    def _agreement(self, request: Request) -> dict[str, Any] | None:
        return self.app.state["agreements"].get(request.params["n"])  # type: ignore[no-any-return]

    # ---- agreement switches

    def set_agreement(self, request: Request) -> Response:
        try:
            body = _body(request)
        except ValueError:
            return _error(request, 400, "body must be JSON")
        if "api_enabled" in body:
            return _error(
                request,
                400,
                "e-conomic has no API access switch on an agreement (economic.md §10.4); "
                "revoke the grant instead",
            )
        with self.app.lock:
            a = self._agreement(request)
            if a is None:
                return _error(request, 404, "no such agreement")
            if "indscanning" in body:
                a["indscanning"] = str(body["indscanning"]).lower() not in ("false", "0", "")
            self.app.persist()
            payload = {
                "agreement_number": a["agreementNumber"],
                "indscanning": a["indscanning"],
                "revoked": bool(a.get("grantRevoked")),
            }
            return _answer(request, a["agreementNumber"], payload)

    def revoke(self, request: Request) -> Response:
        with self.app.lock:
            a = self._agreement(request)
            if a is None:
                return _error(request, 404, "no such agreement")
            a["grantRevoked"] = True
            self.app.persist()
            payload = {"agreement_number": a["agreementNumber"], "revoked": True}
            return _answer(request, a["agreementNumber"], payload)

    def grant(self, request: Request) -> Response:
        with self.app.lock:
            a = self._agreement(request)
            if a is None:
                return _error(request, 404, "no such agreement")
            renew_grant(a)
            self.app.persist()
            payload = {"agreement_number": a["agreementNumber"], "revoked": False}
            return _answer(request, a["agreementNumber"], payload)

    def delete_account(self, request: Request) -> Response:
        with self.app.lock:
            a = self._agreement(request)
            if a is None or a["accounts"].pop(request.params["acc"], None) is None:
                return _error(request, 404, "no such agreement or account")
            self.app.persist()
            return json_response(200, {"deleted": int(request.params["acc"])})

    # ---- periods

    def get_periods(self, request: Request) -> Response:
        with self.app.lock:
            a = self._agreement(request)
            if a is None:
                return _error(request, 404, "no such agreement")
            return json_response(200, {"accounting_years": _years(a)})

    def set_period(self, request: Request) -> Response:
        try:
            body = _body(request)
        except ValueError:
            return _error(request, 400, "body must be JSON")
        state = str(body.get("state", ""))
        if state not in periods.STATES:
            return _error(request, 400, f"state must be one of {', '.join(periods.STATES)}")
        with self.app.lock:
            a = self._agreement(request)
            if a is None:
                return _error(request, 404, "no such agreement")
            found = _find_period(a, body)
            if found is None:
                return _error(request, 404, "no period holds that date or number")
            year, period = found
            periods.set_state(year, period["periodNumber"], state)
            self.app.persist()
            payload = {"year": year["year"], **period}
            return _answer(request, a["agreementNumber"], payload)

    # ---- booking and moving

    def book(self, request: Request) -> Response:
        try:
            body = _body(request)
            numbers = body.get("vouchers")
            if numbers is not None:
                numbers = [int(n) for n in numbers]
        except (ValueError, TypeError):
            return _error(request, 400, "vouchers must be a list of voucher numbers")
        with self.app.lock:
            a = self._agreement(request)
            if a is None or request.params["j"] not in a["journals"]:
                return _error(request, 404, "no such agreement or kassekladde")
            try:
                booked = ledger.book(a, int(request.params["j"]), numbers)
            except ledger.LedgerError as exc:
                return _error(request, 409, str(exc), exc.details)
            self.app.persist()
            return _answer(request, a["agreementNumber"], {"booked": booked})

    def move(self, request: Request) -> Response:
        try:
            body = _body(request)
            to_journal = int(body["journal"])
            new_number = int(body["voucherNumber"]) if body.get("voucherNumber") else None
        except (ValueError, TypeError, KeyError):
            return _error(request, 400, "journal (and optionally voucherNumber) must be numbers")
        with self.app.lock:
            a = self._agreement(request)
            if a is None:
                return _error(request, 404, "no such agreement")
            try:
                moved = ledger.move(
                    a,
                    int(request.params["j"]),
                    render.decode_id(request.params["y"]),
                    int(request.params["v"]),
                    to_journal,
                    new_number,
                )
            except ledger.LedgerError as exc:
                return _error(request, 409, str(exc), exc.details)
            self.app.persist()
            return _answer(request, a["agreementNumber"], moved)

    def vat(self, request: Request) -> Response:
        with self.app.lock:
            a = self._agreement(request)
            if a is None:
                return _error(request, 404, "no such agreement")
            return json_response(200, ledger.vat_report(a))

    def expire_idempotency(self, request: Request) -> Response:
        with self.app.lock:
            count = len(self.app.idempotency)
            self.app.idempotency.clear()
        return json_response(200, {"expired": count})

    # ---- a refused voucher array: all or nothing, or partly written

    def get_bulk(self, request: Request) -> Response:
        return json_response(200, {"mode": self.app.bulk_mode})

    def set_bulk(self, request: Request) -> Response:
        try:
            mode = str(_body(request).get("mode", ""))
        except ValueError:
            return _error(request, 400, "body must be JSON")
        if mode not in BULK_MODES:
            return _error(request, 400, f"mode must be one of {', '.join(BULK_MODES)}")
        with self.app.lock:
            self.app.bulk_mode = mode
        return _answer(request, None, {"mode": mode})

    # ---- the token bucket

    def get_throttle(self, request: Request) -> Response:
        return json_response(200, self.app.bucket.snapshot())

    def set_throttle(self, request: Request) -> Response:
        try:
            return json_response(200, self.app.bucket.configure(_body(request)))
        except (ValueError, TypeError) as exc:
            return _error(request, 400, str(exc))


def _years(a: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "year": y["year"],
            "fromDate": y["fromDate"],
            "toDate": y["toDate"],
            "periods": [dict(p) for p in periods.ensure_periods(y)],
        }
        for y in a["accountingYears"]
    ]


def _find_period(
    a: dict[str, Any], body: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    date = body.get("date")
    for year in a["accountingYears"]:
        for period in periods.ensure_periods(year):
            if date and period["fromDate"] <= str(date) <= period["toDate"]:
                return year, period
            same_year = year["year"] == str(body.get("year"))
            if not date and same_year and str(period["periodNumber"]) == str(body.get("period")):
                return year, period
    return None
