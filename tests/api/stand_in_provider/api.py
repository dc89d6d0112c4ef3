"""The shape of `billbridge.integrations.<key>.api`: a Router using the exported helpers."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from billbridge.api import CompanyId, ErrorOut, company_for

router = Router()


class StatusOut(Schema):
    company: str
    connected: bool


class ConnectIn(Schema):
    api_key: str
    organization_id: int


@router.get("/status", response={200: StatusOut, 404: ErrorOut})
def status(request: HttpRequest, company_id: CompanyId) -> dict[str, object]:
    return {"company": company_for(request, company_id).name, "connected": False}


@router.post("/connect", response={200: StatusOut, 404: ErrorOut, 422: ErrorOut})
def connect(request: HttpRequest, company_id: CompanyId, payload: ConnectIn) -> dict[str, object]:
    return {"company": company_for(request, company_id).name, "connected": True}


@router.get("/accounts/{account_number}", response={200: StatusOut, 404: ErrorOut})
def account(request: HttpRequest, company_id: CompanyId, account_number: str) -> dict[str, object]:
    return {"company": company_for(request, company_id).name, "connected": True}
