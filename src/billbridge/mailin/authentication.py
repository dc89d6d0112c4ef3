"""DKIM and SPF of a received mail, recorded and shown; never a reason on their own to drop it.

DKIM is verified with dkimpy (the signature over the headers and body, the key from the
signer's DNS); SPF with pyspf (may the connecting address send for the envelope sender's
domain). Both ask DNS through dnspython; ``BILLBRIDGE_DNS_RESOLVER`` ("host:port") points them
at a given resolver (the tests run their own DNS server). DMARC alignment is not checked.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)
DNS_TIMEOUT_SECONDS = 5


@cache
def _configure_resolver() -> None:
    target = getattr(settings, "BILLBRIDGE_DNS_RESOLVER", "")
    if not target:
        return
    import dns.resolver

    host, _, port = target.rpartition(":")
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [host or target]
    resolver.port = int(port) if host else 53
    resolver.lifetime = DNS_TIMEOUT_SECONDS
    dns.resolver.default_resolver = resolver


def check_dkim(raw: bytes) -> dict[str, Any]:
    """``{"result": "pass"|"fail"|"none"|"temperror"|"permerror", "domain": signer}``."""
    import dkim

    _configure_resolver()
    if b"dkim-signature:" not in raw[: raw.find(b"\r\n\r\n") + 1 or len(raw)].lower():
        return {"result": "none"}
    verifier = dkim.DKIM(raw, timeout=DNS_TIMEOUT_SECONDS)
    try:
        ok = verifier.verify()
    except dkim.DnsTimeoutError:
        return {"result": "temperror"}
    except dkim.ValidationError as exc:  # e.g. the body was changed after signing
        return {"result": "fail", "domain": _domain(verifier), "detail": str(exc)[:200]}
    except dkim.DKIMException as exc:
        return {"result": "permerror", "detail": str(exc)[:200]}
    except Exception as exc:  # a hostile signature must not stop the mail
        log.info("DKIM check failed: %s", exc)
        return {"result": "permerror", "detail": type(exc).__name__}
    return {"result": "pass" if ok else "fail", "domain": _domain(verifier)}


def _domain(verifier: object) -> str:
    return (getattr(verifier, "domain", None) or b"").decode("ascii", "replace")[:255]


def check_spf(peer_ip: str | None, envelope_from: str, helo: str) -> dict[str, Any]:
    """``{"result": "pass"|"fail"|"softfail"|"neutral"|"none"|"temperror"|"permerror"}``."""
    import spf

    _configure_resolver()
    if not peer_ip:
        return {"result": "none"}
    try:
        result, explanation = spf.check2(
            i=peer_ip, s=envelope_from or f"postmaster@{helo}", h=helo or "unknown",
            timeout=DNS_TIMEOUT_SECONDS,
        )  # fmt: skip
    except Exception as exc:
        log.info("SPF check failed: %s", exc)
        return {"result": "temperror"}
    return {"result": result, "domain": (envelope_from.rpartition("@")[2] or helo)[:255]}


def authenticate(raw: bytes, peer_ip: str | None, envelope_from: str, helo: str) -> dict:
    """Both checks, as kept on the mail."""
    return {"dkim": check_dkim(raw), "spf": check_spf(peer_ip, envelope_from, helo)}
