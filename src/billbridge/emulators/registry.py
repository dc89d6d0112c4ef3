"""The emulators, as data: one entry per accounting system, read by
`python -m billbridge emulate`, the demo and the tests.

An entry says how to start the emulator, on which port by default, which product settings
point billbridge at it (templates over the running emulator's `base_url` and its
`/_emulator/credentials`), and what the demo prints about it. Stdlib only: the emulators and
their tests run without Django.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Emulator:
    key: str  # "dinero": the name on the command line and in the registry of providers
    name: str  # as people call the system
    server: str  # module with `serve(host, port, state_file)`
    default_port: int
    port_env: str  # the environment variable the demo reads the port from
    # product setting → template, e.g. "{base_url}/dineroapi/oauth/token", "{client_id}"
    product_settings: Mapping[str, str]
    # the demo's lines about a running emulator: (base_url, credentials) → lines
    banner: Callable[[str, dict[str, Any]], list[str]]

    def serve(self, host: str, port: int, state_file: str | None = None) -> None:
        importlib.import_module(self.server).serve(host=host, port=port, state_file=state_file)

    def settings_for(self, base_url: str, credentials: dict[str, Any]) -> dict[str, str]:
        """The product's settings for this emulator running at `base_url`."""
        return {
            name: template.format(base_url=base_url, **credentials)
            for name, template in self.product_settings.items()
        }


def _dinero_banner(base_url: str, creds: dict[str, Any]) -> list[str]:
    lines = [f"Emulated Dinero     {base_url}/_emulator/  (kassekladde)"]
    for org in creds.get("organizations", []):
        pro = "" if org.get("is_pro", True) else "  (no Dinero Pro)"
        lines.append(
            f"  {org['name']}: Organization ID {org['organization_id']}, "
            f"API key {org['api_key']}{pro}"
        )
    connect = creds.get("connect", {})
    if connect.get("users"):
        lines.append(f"  Visma Connect ({base_url}/connect/…) logins, for CONNECT DINERO:")
    for user in connect.get("users", []):
        orgs = ", ".join(user["organizations"])
        lines.append(f"    {user['email']} / {user['password']} (organisations {orgs})")
    return lines


def _economic_banner(base_url: str, creds: dict[str, Any]) -> list[str]:
    lines = [f"Emulated e-conomic  {base_url}/_emulator/  (kassekladder)"]
    for user in creds.get("users", []):
        agreements = ", ".join(str(n) for n in user.get("agreement_numbers", []))
        login = f"  login {user['username']} / {user['password']}"
        if user.get("administrator"):  # an accountant: Administrer a client agreement first
            lines.append(
                f"{login} (accountant: click Administrer on one of {agreements} at "
                f"{base_url}/secure/ first)"
            )
        else:
            lines.append(f"{login} (agreements {agreements})")
    return lines


DINERO = Emulator(
    key="dinero",
    name="Dinero",
    server="billbridge.emulators.dinero.server",
    default_port=8001,
    port_env="DINERO_EMULATOR_PORT",
    product_settings={
        "DINERO_API_URL": "{base_url}",
        "DINERO_AUTH_URL": "{base_url}/dineroapi/oauth/token",
        "DINERO_CLIENT_ID": "{client_id}",
        "DINERO_CLIENT_SECRET": "{client_secret}",
        "DINERO_CONNECT_URL": "{base_url}",
        "DINERO_CONNECT_CLIENT_ID": "{connect[client_id]}",
        "DINERO_CONNECT_CLIENT_SECRET": "{connect[client_secret]}",
    },
    banner=_dinero_banner,
)

ECONOMIC = Emulator(
    key="economic",
    name="e-conomic",
    server="billbridge.emulators.economic.server",
    default_port=8002,
    port_env="ECONOMIC_EMULATOR_PORT",
    product_settings={
        "ECONOMIC_API_URL": "{base_url}",
        # The emulator serves the newer APIs (accounting periods) on the same port.
        "ECONOMIC_OPENAPI_URL": "{base_url}",
        "ECONOMIC_GRANT_URL": "{base_url}/secure/api1/requestaccess.aspx",
        "ECONOMIC_APP_SECRET_TOKEN": "{app_secret_token}",
        "ECONOMIC_APP_PUBLIC_TOKEN": "{app_public_token}",
    },
    banner=_economic_banner,
)


def _rates_banner(base_url: str, creds: dict[str, Any]) -> list[str]:
    return [
        f"Exchange rates      {base_url}/_emulator/  (the ECB's real daily rates, "
        f"{creds.get('first_date', '?')} to {creds.get('last_date', '?')})"
    ]


# Not an accounting system: the official daily reference rates (billbridge.fx, R-6).
RATES = Emulator(
    key="rates",
    name="ECB exchange rates",
    server="billbridge.emulators.rates.server",
    default_port=8003,
    port_env="RATES_EMULATOR_PORT",
    product_settings={"BILLBRIDGE_FX_URL": "{base_url}{base_path}"},
    banner=_rates_banner,
)

EMULATORS: dict[str, Emulator] = {e.key: e for e in (DINERO, ECONOMIC, RATES)}


def get(key: str) -> Emulator:
    return EMULATORS[key]
