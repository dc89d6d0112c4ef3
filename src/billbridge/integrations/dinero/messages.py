"""Dinero's own words for error codes, English and Danish (integrations/messages.py's one
lookup, `message_for`, looks here first for Dinero; "setup:<code>" are the set-up pages')."""

from __future__ import annotations

from billbridge.integrations.messages import Words

MESSAGES: dict[str, Words] = {
    # Visma Connect (dinero/oauth.py): a refused code or refresh token.
    "connect_refused": Words(
        "Visma Connect no longer lets billbridge into %(system)s for this company: the "
        "permission has run out or was withdrawn. The bills wait here. Press Reconnect and log "
        "in to Visma Connect again.",
        "Visma Connect giver ikke længere billbridge adgang til %(system)s for denne "
        "virksomhed: tilladelsen er udløbet eller trukket tilbage. Regningerne venter her. "
        "Tryk på Forbind igen, og log ind i Visma Connect igen.",
    ),
    "connect_not_allowed_yet": Words(
        "The user has not said Yes, Allow in Visma Connect yet, or that was more than 15 "
        "minutes ago. Start the connection again and open its authorize URL in a browser.",
        "Brugeren har endnu ikke sagt Yes, Allow i Visma Connect, eller det er mere end 15 "
        "minutter siden. Start forbindelsen igen, og åbn dens godkendelsesadresse i en browser.",
    ),
    "connect_denied": Words(
        "You did not allow billbridge to reach %(system)s in Visma Connect, so nothing was "
        "connected. Press CONNECT DINERO to try again.",
        "Du gav ikke billbridge lov til at tilgå %(system)s i Visma Connect, så intet blev "
        "forbundet. Tryk på CONNECT DINERO for at prøve igen.",
    ),
    # S-d6's money choices (issue 11 items 1 and 3).
    "unknown_reverse_charge_code": Words(
        "%(system)s's standard VAT codes for reverse charge are IEUY (services from the EU), "
        "IEUV (goods from the EU) and IVY (services from outside the EU). Choose one of them.",
        "%(system)s' standardmomskoder for omvendt betalingspligt er IEUY (ydelser fra EU), "
        "IEUV (varer fra EU) og IVY (ydelser fra lande uden for EU). Vælg en af dem.",
    ),
    # The chart import (setup.plan_import, S-d7): refused, nothing changed.
    "chart_no_expense_accounts": Words(
        "The chart of accounts fetched from %(system)s has no expense accounts (in Dinero's "
        "standard chart the accounts 2000-9420 for costs), so importing it would leave you no "
        "categories. Nothing was changed. Choose not to import, or check the chart in "
        "%(system)s.",
        "Kontoplanen hentet fra %(system)s har ingen udgiftskonti (i Dineros standardkontoplan "
        "kontiene 2000-9420 til omkostninger), så en import ville efterlade dig uden "
        "kategorier. Intet er ændret. Vælg ikke at importere, eller tjek kontoplanen i "
        "%(system)s.",
    ),
    "chart_archives_all_in_use": Words(
        "Importing this chart of accounts would archive every category your bills and "
        "suppliers use, because none of them has an account number of an expense account in "
        "%(system)s. Nothing was changed. Choose not to import, or give your categories the "
        "account numbers from %(system)s first.",
        "En import af denne kontoplan ville arkivere alle de kategorier, dine regninger og "
        "leverandører bruger, fordi ingen af dem har kontonummeret på en udgiftskonto i "
        "%(system)s. Intet er ændret. Vælg ikke at importere, eller giv først dine kategorier "
        "kontonumrene fra %(system)s.",
    ),
    # The set-up pages' words (the person is there to act): message_for(context="setup").
    "setup:invalid_api_key": Words(
        "Dinero does not recognise this API key. Copy it again from Dinero → Indstillinger → "
        "API, or create a new key there.",
        "Dinero kender ikke denne API-nøgle. Kopiér den igen fra Dinero → Indstillinger → API, "
        "eller opret en ny nøgle der.",
    ),
    "setup:revoked_api_key": Words(
        "This API key has been deleted in Dinero. Create a new key under Dinero → "
        "Indstillinger → API.",
        "Denne API-nøgle er slettet i Dinero. Opret en ny nøgle under Dinero → Indstillinger → "
        "API.",
    ),
    "setup:unknown_organization": Words(
        "The API key does not give access to a company with this Organization ID. Check the "
        "number at the bottom of any page in Dinero.",
        "API-nøglen giver ikke adgang til en virksomhed med dette Firma ID. Tjek nummeret i "
        "bunden af en hvilken som helst side i Dinero.",
    ),
    "setup:invalid_organization_id": Words(
        "An Organization ID is a number, e.g. 112233.",
        "Et Firma ID er et tal, f.eks. 112233.",
    ),
    "setup:no_api_access": Words(
        "This Dinero company has no API access. API keys need a Dinero subscription on Pro or "
        "Total.",
        "Denne virksomhed i Dinero har ikke API-adgang. API-nøgler kræver et Dinero-abonnement "
        "på Pro eller Total.",
    ),
    "setup:unavailable": Words(
        "Dinero did not answer just now. Please try again in a minute.",
        "Dinero svarede ikke lige nu. Prøv igen om et øjeblik.",
    ),
    "setup:timeout": Words(
        "Dinero took too long to answer. Please try again in a minute.",
        "Dinero var for længe om at svare. Prøv igen om et øjeblik.",
    ),
    "setup:rate_limited": Words(
        "Dinero asks us to slow down. Please try again in a minute.",
        "Dinero beder os om at sætte tempoet ned. Prøv igen om et øjeblik.",
    ),
    "setup:connection_lost": Words(
        "The connection to Dinero was lost. Please try again.",
        "Forbindelsen til Dinero blev afbrudt. Prøv igen.",
    ),
    "setup:invalid_client": Words(
        "Dinero does not accept billbridge's own client ID and secret. Ask whoever runs "
        "billbridge to check them.",
        "Dinero accepterer ikke billbridges eget klient-ID og hemmelighed. Bed den, der driver "
        "billbridge, om at tjekke dem.",
    ),
}
# A 403 with error code 48/90 (integrations/dinero/client.py): the same words on the set-up.
MESSAGES["setup:dinero_pro_required"] = MESSAGES["setup:no_api_access"]
