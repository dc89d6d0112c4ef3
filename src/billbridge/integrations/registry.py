"""The accounting systems billbridge knows. The UI and the sync engine know providers only here.

Adding a third system = one new package under integrations/ + one entry in PROVIDERS. An entry
is a typed descriptor (`ProviderInfo`): the system class the engine posts through, how many
entries one `post()` takes, whether a payment is its own entry, the package's modules for web
set-up pages (`urls`, mounted at /c/<company_id>/integrations/<key>/), REST routes (`api`: its
`lifecycle` for the framework's connect/state/disconnect/refresh/backfill, and a ninja Router
`router` of its own further routes, mounted at /api/v1/companies/{company_id}/integrations/<key>)
and own words (`messages`), the settings it reads with their shipped defaults, and its emulator.

`validate()` runs when Django starts (IntegrationsConfig.ready): a wrong entry stops start-up
with a sentence naming the entry and what is wrong, instead of a provider's pages silently
missing (issue 12 item 1).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from billbridge.integrations.base import AccountingSystem
    from billbridge.integrations.models import Integration

DEFAULT_BATCH = 250


@dataclass(frozen=True)
class ProviderInfo:
    """One accounting system, as the framework needs to know it."""

    key: str  # stored on Integration.provider and SyncRecord.provider; never renamed
    name: str  # as people call the system ("e-conomic")
    package: str  # "billbridge.integrations.<key>"
    summary: str | Promise
    # "<module>:<Class>" inside the package: called with an Integration → AccountingSystem.
    system: str = ""
    # How many entries the engine hands to one `post()` (SYNC_BATCH_SIZE overrides it).
    batch_size: int = DEFAULT_BATCH
    # Does a payment become its own entry (e-conomic), or change the invoice entry (Dinero)?
    separate_payment_entries: bool = True
    # Modules of the package; None when the provider has none.
    urls: str | None = "urls"
    api: str | None = "api"
    messages: str | None = None
    # Settings the package reads → their shipped default (what runs against the real system).
    settings: Mapping[str, str] = field(default_factory=dict)
    # The key of its emulator in billbridge.emulators.registry, if it has one.
    emulator: str | None = None
    # Error codes that hold a record with choices for a person (sync/choices.py) → the
    # choices; the words of each are the `messages` module's "<code>:<choice>" entry.
    hold_choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Where this system usually keeps the accounts a payment method posts against (the
    # payment methods page shows the hint of the company's connected system).
    payment_hint: str | Promise = ""

    def module(self, name: str) -> ModuleType:
        """`<package>.<name>`; an ImportError when it does not exist (validate() reports it
        at start-up, so nothing is silently left out)."""
        return importlib.import_module(f"{self.package}.{name}")

    def optional(self, name: str | None) -> ModuleType | None:
        """The module this descriptor names (`urls`, `api`, `messages`), None when it names
        none."""
        return self.module(name) if name else None

    def system_class(self) -> Callable[[Integration], AccountingSystem]:
        """The class (or factory) that turns an Integration into an AccountingSystem."""
        module_name, _sep, attr = self.system.partition(":")
        value: Callable[[Integration], AccountingSystem] = getattr(self.module(module_name), attr)
        return value

    def system_for(self, integration: Integration) -> AccountingSystem:
        return self.system_class()(integration)

    def setting(self, name: str) -> Any:
        """A setting this provider reads: Django settings, else the environment, else the
        descriptor's shipped default."""
        from django.conf import settings

        if name not in self.settings:
            raise KeyError(f"{self.key} does not declare the setting {name}")
        value = getattr(settings, name, None)
        if value in (None, ""):
            value = os.environ.get(name) or self.settings[name]
        return value


PROVIDERS: dict[str, ProviderInfo] = {
    p.key: p
    for p in (
        ProviderInfo(
            "dinero",
            "Dinero",
            "billbridge.integrations.dinero",
            _("Bills and payments become supplier invoices and payments in Dinero's kassekladde."),
            system="provider:DineroProvider",
            # One create carries as many rows as a kassekladde holds (1,000 unbooked, dinero.md
            # §2; issue 16 item 1); a fuller kassekladde takes what it has room for (client.py).
            batch_size=1000,
            separate_payment_entries=False,  # a paid bill updates its invoice row (rules.py)
            messages="messages",
            settings={
                "DINERO_API_URL": "https://api.dinero.dk",
                "DINERO_AUTH_URL": "https://authz.dinero.dk/dineroapi/oauth/token",
                "DINERO_CLIENT_ID": "",
                "DINERO_CLIENT_SECRET": "",
                # Visma Connect, the OAuth 2.0 way into Dinero for a product (dinero.md §1.1)
                "DINERO_CONNECT_URL": "https://connect.visma.com",
                "DINERO_CONNECT_CLIENT_ID": "",
                "DINERO_CONNECT_CLIENT_SECRET": "",
                # Dinero answers 429 beyond 100 requests a minute per organisation
                "DINERO_REQUESTS_PER_MINUTE": "100",
                "DINERO_FILE_RETRY_SECONDS": "1",
                # [GUESS] a new VAT type in Dinero is seen within 15 minutes (issue 16)
                "DINERO_VAT_TYPES_SECONDS": "900",
            },
            emulator="dinero",
            payment_hint=_(
                "In Dinero, bank and cash accounts are usually in the balance sheet at "
                "55000-55999: 55000 Bank, 55040 Kontanter."
            ),
        ),
        ProviderInfo(
            "economic",
            "e-conomic",
            "billbridge.integrations.economic",
            _(
                "Bills become supplier invoices, payments become supplier payments, in the "
                "e-conomic kassekladder you choose."
            ),
            system="provider:EconomicProvider",
            batch_size=500,  # one bulk POST of vouchers per journal (provider.py)
            separate_payment_entries=True,
            messages="messages",
            settings={
                "ECONOMIC_API_URL": "https://restapi.e-conomic.com",
                # e-conomic's newer per-service APIs (accounting periods with isBarred)
                "ECONOMIC_OPENAPI_URL": "https://apis.e-conomic.com",
                "ECONOMIC_GRANT_URL": "https://secure.e-conomic.com/secure/api1/requestaccess.aspx",
                "ECONOMIC_APP_SECRET_TOKEN": "",
                "ECONOMIC_APP_PUBLIC_TOKEN": "",
                # how long the accounting periods read are trusted (provider.PERIODS_SECONDS)
                "ECONOMIC_PERIODS_SECONDS": "300",
                # e-conomic's fair use per agreement and day (economic.md), shared by workers
                "ECONOMIC_REQUESTS_PER_DAY": "50000",
            },
            emulator="economic",
            # a bill dated in a locked period (issue 10 item 2): see economic/periods.py
            hold_choices={"period_locked": ("first_open_date", "wait")},
            payment_hint=_(
                "In e-conomic, debit cards and bank accounts are usually in the balance sheet "
                "in group 5800, credit cards and overdrafts in group 6700 (6600)."
            ),
        ),
    )
}


def get(key: str) -> ProviderInfo:
    return PROVIDERS[key]


def problems(providers: Iterable[ProviderInfo]) -> list[str]:
    """What is wrong with these descriptors, one sentence each (empty: all is well)."""
    from billbridge.emulators import registry as emulators
    from billbridge.integrations.messages import Words

    found: list[str] = []
    seen: set[str] = set()
    for info in providers:
        where = f"integrations.registry entry {info.key!r}"
        if not info.key or not info.key.isidentifier() or info.key != info.key.lower():
            found.append(f"{where}: the key must be a lower-case identifier.")
        if info.key in seen:
            found.append(f"{where}: the key is used twice.")
        seen.add(info.key)
        if len(info.key) > 30:
            found.append(f"{where}: the key is longer than Integration.provider's 30 characters.")
        if not info.name:
            found.append(f"{where}: it has no name.")
        if not isinstance(info.batch_size, int) or info.batch_size < 1:
            found.append(f"{where}: batch_size must be a whole number of at least 1.")
        for attr in ("urls", "api", "messages"):
            name = getattr(info, attr)
            if name:
                try:
                    info.module(name)
                except ImportError as exc:
                    found.append(f"{where}: its {attr} module {info.package}.{name} "
                                 f"cannot be imported ({exc}).")  # fmt: skip
        found.extend(_system_problems(info, where))
        urls = _quiet(info, info.urls)
        if info.urls and urls is not None and not hasattr(urls, "urlpatterns"):
            found.append(f"{where}: {info.package}.{info.urls} has no urlpatterns.")
        api = _quiet(info, info.api)
        if (
            info.api
            and api is not None
            and not any(hasattr(api, name) for name in ("lifecycle", "router"))
        ):
            found.append(f"{where}: {info.package}.{info.api} has neither a `lifecycle` "
                         "(api_common.Lifecycle) nor a ninja Router `router`.")  # fmt: skip
        words = _quiet(info, info.messages)
        if (
            info.messages
            and words is not None
            and not isinstance(getattr(words, "MESSAGES", None), Mapping)
        ):
            found.append(f"{where}: {info.package}.{info.messages} has no MESSAGES mapping.")
        elif words is not None and any(
            not isinstance(w, Words) for w in getattr(words, "MESSAGES", {}).values()
        ):
            found.append(f"{where}: every entry of {info.package}.{info.messages}.MESSAGES "
                         "must be integrations.messages.Words (English and Danish).")  # fmt: skip
        for name, default in info.settings.items():
            if not name.isupper() or not isinstance(default, str):
                found.append(f"{where}: setting {name!r} needs an upper-case name and a text "
                             "default.")  # fmt: skip
        if info.emulator is not None and info.emulator not in emulators.EMULATORS:
            found.append(f"{where}: there is no emulator {info.emulator!r} in "
                         "billbridge.emulators.registry.")  # fmt: skip
    return found


def _quiet(info: ProviderInfo, name: str | None) -> ModuleType | None:
    try:
        return info.optional(name)
    except ImportError:
        return None


def _system_problems(info: ProviderInfo, where: str) -> list[str]:
    module_name, sep, attr = info.system.partition(":")
    if not sep or not module_name or not attr:
        return [f"{where}: system must name '<module>:<Class>' in {info.package}, "
                f"not {info.system!r}."]  # fmt: skip
    try:
        value = info.system_class()
    except ImportError as exc:
        return [f"{where}: its system module {info.package}.{module_name} cannot be imported "
                f"({exc})."]  # fmt: skip
    except AttributeError:
        return [f"{where}: {info.package}.{module_name} has no {attr}."]
    if not callable(value):
        return [f"{where}: {info.system} is not a class."]
    missing = [m for m in ("post", "find") if not callable(getattr(value, m, None))]
    if isinstance(value, type) and missing:
        return [f"{where}: {info.system} lacks {', '.join(missing)} (integrations.base."
                "AccountingSystem)."]  # fmt: skip
    key = getattr(value, "key", info.key) if isinstance(value, type) else info.key
    if key != info.key:
        return [f"{where}: {info.system}.key is {key!r}, not {info.key!r}."]
    return []


def install_settings(providers: Iterable[ProviderInfo] | None = None) -> None:
    """Every setting a provider declares exists in Django's settings: from settings.py when it
    sets it, else from the environment, else the shipped default. So a new provider's settings
    need no line in settings.py."""
    from django.conf import settings

    for info in PROVIDERS.values() if providers is None else providers:
        for name, default in info.settings.items():
            if not hasattr(settings, name):
                setattr(settings, name, os.environ.get(name, default))


def validate(providers: Iterable[ProviderInfo] | None = None) -> None:
    """Stop start-up with every problem of the registry in one message."""
    from django.core.exceptions import ImproperlyConfigured

    found = problems(PROVIDERS.values() if providers is None else providers)
    if found:
        raise ImproperlyConfigured("The accounting-system registry is wrong:\n  " +
                                   "\n  ".join(found))  # fmt: skip
