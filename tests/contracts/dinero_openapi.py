"""Dinero's official OpenAPI description as a validator of real HTTP traffic, with openapi-core.

Used by the tests of the emulator's answers and of every request billbridge's Dinero client
sends (tests/integrations/dinero). The file is used as published, with two things that stop
the library from reading it, said out loud:
  - the document fails the OpenAPI meta-schema (its `implicit` OAuth flow carries a
    `tokenUrl`, and two `$ref` targets are missing from the extract): the meta-schema check is
    switched off; the operations billbridge uses are all complete;
  - the upload's media type is written `multipart/formdata`, which no client sends (the
    multipart type is `multipart/form-data`, RFC 7578): read as that.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import httpx
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

SPEC_PATH = Path(__file__).resolve().parents[2] / "src/billbridge/emulators/dinero/openapi.json"
SHARED_PATH = Path(__file__).resolve().parents[3] / "shared/api/dinero-openapi.json"


@functools.cache
def spec() -> dict[str, Any]:
    document = copy.deepcopy(json.loads(SPEC_PATH.read_text(encoding="utf-8")))
    for item in document["paths"].values():
        for operation in item.values():
            content = operation.get("requestBody", {}).get("content", {})
            if "multipart/formdata" in content:
                content["multipart/form-data"] = content.pop("multipart/formdata")
    return document


@functools.cache
def openapi() -> OpenAPI:
    return OpenAPI.from_dict(spec(), config=Config(spec_validator_cls=None))


def _mock_request(request: httpx.Request) -> MockRequest:
    request.read()
    content_type = request.headers.get("content-type", "")
    return MockRequest(
        "https://api.dinero.dk",
        request.method.lower(),
        request.url.path,
        args=dict(request.url.params),
        headers=dict(request.headers),
        data=request.content or None,
        content_type=content_type.split(";")[0] if "json" in content_type else content_type,
    )


def is_api_call(request: httpx.Request) -> bool:
    """A call to Dinero's API (not to a token endpoint or the emulator's control pages)."""
    path = request.url.path
    return path.startswith(("/v1/", "/v1.1/", "/v1.2/"))


def validate_request(request: httpx.Request) -> None:
    """Raise openapi-core's error when the request does not match the file."""
    openapi().validate_request(_mock_request(request))


def validate_response(request: httpx.Request, response: httpx.Response) -> None:
    """Raise openapi-core's error when a 2xx answer does not match the file."""
    content_type = response.headers.get("content-type", "").split(";")[0] or None
    openapi().validate_response(
        _mock_request(request),
        MockResponse(
            response.content, status_code=response.status_code, content_type=content_type
        ),  # fmt: skip
    )


class Watch:
    """An httpx event hook pair for a Dinero client: every API request it sends, and every
    2xx answer it gets, validated against the file; violations are collected (an exception
    inside the client would be swallowed by the sync engine's guard), for the test to fail
    on."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.checked = 0

    def on_request(self, request: httpx.Request) -> None:
        if not is_api_call(request):
            return
        self.checked += 1
        try:
            validate_request(request)
        except Exception as exc:  # openapi-core's several error types
            self.violations.append(f"{request.method} {request.url.path}: {exc!r}")

    def on_response(self, response: httpx.Response) -> None:
        request = response.request
        if not is_api_call(request) or not 200 <= response.status_code < 300:
            return
        response.read()
        try:
            validate_response(request, response)
        except Exception as exc:
            self.violations.append(f"answer to {request.method} {request.url.path}: {exc!r}")

    def install(self, http: httpx.Client) -> None:
        http.event_hooks["request"].append(self.on_request)
        http.event_hooks["response"].append(self.on_response)
