"""`POST /v1/{org}/files`: a PDF or image → `{FileGuid}` (FileSavedReadModel).

FileGuids are opaque strings (the file's example `web0crmck5v0ndcx3313g6zn61tc7wgc`): clients
must not parse them or change their case. "It might take a second for the file to be
accessible": a file becomes usable `file_ready_seconds` after upload (ledger.py says how a row
that names it earlier is refused).
"""

from __future__ import annotations

import hashlib
import secrets
import string
import time
from typing import TYPE_CHECKING, Any

from billbridge.emulators.common import Request, Response, json_response

if TYPE_CHECKING:
    from billbridge.emulators.dinero.server import DineroEmulator

MAX_FILE_BYTES = 6 * 1024 * 1024  # "If the file size is above 6 MB, then … 400"
_ALPHABET = string.ascii_lowercase + string.digits


def new_file_guid() -> str:
    """An opaque id in the shape of the file's example: "web" + 29 lower-case alphanumerics."""
    return "web" + "".join(secrets.choice(_ALPHABET) for _ in range(29))


def _kind(data: bytes) -> str | None:
    if data.startswith(b"%PDF"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def upload(app: DineroEmulator, request: Request, org: dict[str, Any]) -> Response:
    """multipart/form-data with one file part (the file names it `file`; any part with a
    filename is taken, as Dinero's own example names it `image`); `?fileName=` names it.
    Every 400 has a string body, as the file documents this operation's 400 (`"type":
    "string"`), not Dinero's usual error object; over 6 MB is one (the error page says 413).
    Only PDF, PNG and JPEG, recognised by their first bytes [GUESS: the accepted list is
    "image/pdf"; the texts are ours]."""
    parts = [p for p in request.multipart_files() if p[1] or p[0] == "file"]
    if not parts:
        return json_response(400, "Expected a multipart/form-data body with a file")
    _name, filename, _ctype, data = parts[0]
    filename = request.query_value("fileName") or filename
    if len(data) > MAX_FILE_BYTES:
        return json_response(400, "The file size cannot exceed 6 MB")  # text: [GUESS]
    kind = _kind(data)
    if kind is None:
        return json_response(400, "Only PDF, PNG and JPEG files are accepted")
    guid = new_file_guid()
    org["files"][guid] = {
        "FileGuid": guid,
        "FileName": filename or "upload",
        "ContentType": kind,
        "Size": len(data),
        "Sha256": hashlib.sha256(data).hexdigest(),
        "ReadyAt": time.time() + float(app.config["file_ready_seconds"]),
        "RefusalsLeft": int(app.config.get("file_refusals") or 0),
    }
    app.file_bytes[guid] = data
    app.persist()
    return json_response(200, {"FileGuid": guid})
