"""The one catalogue of plain words for error codes, English and Danish beside each other.

Codes come from `AccountingError.code` (integrations/base.py) and are stored on sync records
and integrations; the words are found here, in the reader's language, whenever a page, the htmx
fragment, the REST API or a set-up page shows them (issue 12 item 4): a Danish user reads every
failure in Danish, whatever language it was stored in. `%(system)s` is the accounting system's
name, other `%(…)s` come from the error's `params`.

A provider contributes its own codes (and its own words for a shared code) through its registry
entry's `messages` module: a `MESSAGES` mapping of code → `Words`, looked up first for that
provider; `message_for` is the one lookup. A set-up page asks with `context="setup"`, which
prefers the entry "setup:<code>" (the person is there to act) and falls back to the code's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import translation


@dataclass(frozen=True)
class Words:
    """One error code's words: English, then Danish. `str()` gives the active language's."""

    en: str
    da: str

    def text(self, language: str | None = None) -> str:
        language = language or translation.get_language() or "en"
        return self.da if language.split("-")[0] == "da" else self.en

    def __str__(self) -> str:
        return self.text()


MESSAGES: dict[str, Words] = {
    "invalid_api_key": Words(
        "%(system)s did not accept the API key. Check that it is copied in full and has not "
        "been deleted in %(system)s, then enter it again.",
        "%(system)s godkendte ikke API-nøglen. Tjek at den er kopieret helt og ikke er slettet "
        "i %(system)s, og indtast den igen.",
    ),
    "unknown_organization": Words(
        "The API key works, but not for this Organization ID (Firma ID). Check the ID in "
        "%(system)s under Settings, then try again.",
        "API-nøglen virker, men ikke til dette Firma ID. Tjek ID'et i %(system)s under "
        "Indstillinger, og prøv igen.",
    ),
    "invalid_client": Words(
        "billbridge itself is not set up to talk to %(system)s (client id or secret). Please "
        "contact support.",
        "billbridge er ikke sat op til at tale med %(system)s (klient-id eller hemmelighed). "
        "Kontakt venligst support.",
    ),
    "unavailable": Words(
        "%(system)s is not answering right now. We will try again shortly.",
        "%(system)s svarer ikke lige nu. Vi prøver igen om lidt.",
    ),
    "timeout": Words(
        "%(system)s took too long to answer. We will try again shortly.",
        "%(system)s var for længe om at svare. Vi prøver igen om lidt.",
    ),
    "connection_lost": Words(
        "The connection to %(system)s was lost during a call. We check what arrived before "
        "trying again, so nothing is posted twice.",
        "Forbindelsen til %(system)s blev afbrudt undervejs. Vi tjekker, hvad der nåede frem, "
        "før vi prøver igen, så intet bogføres to gange.",
    ),
    "rate_limited": Words(
        "%(system)s asked us to slow down. We will try again shortly.",
        "%(system)s bad os sætte tempoet ned. Vi prøver igen om lidt.",
    ),
    "unknown_account": Words(
        "Account %(account)s no longer exists in %(system)s. Choose another category or "
        "fallback account, then press Retry.",
        "Konto %(account)s findes ikke længere i %(system)s. Vælg en anden kategori eller "
        "standardkonto, og tryk derefter på Prøv igen.",
    ),
    "unknown_vat_code": Words(
        "%(system)s does not know the VAT code of account %(account)s. Check the account in "
        "%(system)s, then press Retry.",
        "%(system)s kender ikke momskoden på konto %(account)s. Tjek kontoen i %(system)s, og "
        "tryk derefter på Prøv igen.",
    ),
    "unknown_file": Words(
        "%(system)s lost the attached document. Press Retry to send it again.",
        "%(system)s har mistet det vedhæftede bilag. Tryk på Prøv igen for at sende det igen.",
    ),
    "file_rejected": Words(
        "%(system)s did not accept the bill's document.",
        "%(system)s tog ikke imod regningens bilag.",
    ),
    "row_booked": Words(
        "The row is already booked in %(system)s, so this change cannot be applied there. "
        "Correct it in %(system)s.",
        "Posteringen er allerede bogført i %(system)s, så ændringen kan ikke overføres. Ret "
        "den i %(system)s.",
    ),
    "document_pending": Words(
        "Posted. The bill's document is not attached in %(system)s yet; we try again shortly.",
        "Bogført i kassekladden. Regningens bilag er ikke vedhæftet i %(system)s endnu; vi "
        "prøver igen om lidt.",
    ),
    "row_changed": Words(
        "The row was changed in %(system)s at the same time. Press Retry.",
        "Posteringen blev ændret i %(system)s samtidig. Tryk på Prøv igen.",
    ),
    "row_not_found": Words(
        "The row was deleted in %(system)s. Press Retry to post it again.",
        "Posteringen blev slettet i %(system)s. Tryk på Prøv igen for at sende den igen.",
    ),
    "document_not_attached": Words(
        "Posted, but the voucher was booked in %(system)s before its document could be "
        "attached. Attach the bill's document to the voucher in %(system)s.",
        "Bogført, men bilaget blev bogført i %(system)s, før regningens dokument kunne "
        "vedhæftes. Vedhæft dokumentet til bilaget i %(system)s.",
    ),
    # One set of books, one company (integrations.services.check_remote_id).
    "remote_in_use": Words(
        "These %(system)s books (%(remote_id)s) are already connected to another company "
        "account in billbridge, and one set of books takes one company's bills. Disconnect "
        "them there first, or connect other books.",
        "Dette regnskab i %(system)s (%(remote_id)s) er allerede forbundet med en anden "
        "virksomhedskonto i billbridge, og ét regnskab tager kun én virksomheds regninger. "
        "Afbryd forbindelsen dér først, eller forbind et andet regnskab.",
    ),
    "not_connected": Words(
        "%(system)s is not connected. Connect it again to send the bill.",
        "%(system)s er ikke forbundet. Forbind igen for at sende regningen.",
    ),
    "rejected": Words(
        "%(system)s refused the bill: %(detail)s",
        "%(system)s afviste regningen: %(detail)s",
    ),
    "duplicate": Words(
        "%(system)s already has this row.",
        "%(system)s har allerede denne postering.",
    ),
    # Dinero's BLOCKED codes (integrations/dinero/client.py): nothing is wrong with the bills,
    # which wait; Dinero takes no work until something changes there. The recheck intervals
    # named here are client.RECHECK_FULL_SECONDS and RECHECK_BROWNOUT_SECONDS.
    "dinero_pro_required": Words(
        "This %(system)s organisation has no Dinero Pro subscription, and %(system)s lets "
        "integrations in only with one. Nothing is wrong with the bills: they wait here. Add "
        "Dinero Pro (or Total) to the organisation in %(system)s, then press Check again.",
        "Denne %(system)s-virksomhed har ikke et Dinero Pro-abonnement, og %(system)s giver "
        "kun integrationer adgang med et. Der er intet galt med regningerne: de venter her. "
        "Tilføj Dinero Pro (eller Total) til virksomheden i %(system)s, og tryk derefter på "
        "Tjek igen.",
    ),
    "kassekladde_full": Words(
        "The kassekladde in %(system)s is full: it holds at most 1,000 rows that are not "
        "booked. Nothing is wrong with the bills: they wait here. Ask your accountant to book "
        "the kassekladde in %(system)s. billbridge looks again every 15 minutes and sends the "
        "bills once there is room; or press Check again.",
        "Kassekladden i %(system)s er fuld: den rummer højst 1.000 posteringer, der ikke er "
        "bogført. Der er intet galt med regningerne: de venter her. Bed din revisor om at "
        "bogføre kassekladden i %(system)s. billbridge kigger igen hvert kvarter og sender "
        "regningerne, så snart der er plads; eller tryk på Tjek igen.",
    ),
    "dinero_brownout": Words(
        "%(system)s is switching off a part of its API that billbridge uses and refuses it for "
        "a while (HTTP 480, a brownout). Nothing is wrong with the bills: they wait here, and "
        "billbridge tries again by itself every 10 minutes. There is nothing for you to do; if "
        "it lasts, tell billbridge's support, who must update billbridge.",
        "%(system)s er ved at lukke en del af sit API, som billbridge bruger, og afviser den i "
        "et stykke tid (HTTP 480, en brownout). Der er intet galt med regningerne: de venter "
        "her, og billbridge prøver selv igen hvert 10. minut. Du skal ikke gøre noget; varer "
        "det ved, så kontakt billbridges support, som skal opdatere billbridge.",
    ),
    # The VAT rule (integrations/vat.py, R-5): the bill's VAT cannot be booked as it says.
    "vat_sign": Words(
        "The bill's VAT (%(vat)s) has the opposite sign of its total (%(total)s). Correct the "
        "VAT amount on the bill.",
        "Regningens moms (%(vat)s) har modsat fortegn af dens total (%(total)s). Ret "
        "momsbeløbet på regningen.",
    ),
    "vat_without_total": Words(
        "The bill has VAT (%(vat)s) but a total of 0. Correct the total or the VAT on the bill.",
        "Regningen har moms (%(vat)s), men totalen er 0. Ret totalen eller momsen på regningen.",
    ),
    "vat_exceeds_rate": Words(
        "The bill's VAT (%(vat)s) is more than %(rate)s %% VAT of its total can be (at most "
        "%(allowed)s). Check the VAT amount on the bill.",
        "Regningens moms (%(vat)s) er mere, end %(rate)s %% moms af dens total kan være (højst "
        "%(allowed)s). Tjek momsbeløbet på regningen.",
    ),
    "vat_code_missing": Words(
        "The bill has VAT (%(vat)s), but its account has no VAT code in %(system)s. Choose a "
        "category whose account has purchase VAT, or give the account a VAT code in %(system)s.",
        "Regningen har moms (%(vat)s), men dens konto har ingen momskode i %(system)s. Vælg en "
        "kategori, hvis konto har købsmoms, eller giv kontoen en momskode i %(system)s.",
    ),
    "vat_code_unknown": Words(
        "%(system)s has no VAT code %(vat_code)s. Fetch the chart of accounts again in the "
        "integration's set-up, then press Retry.",
        "%(system)s har ingen momskode %(vat_code)s. Hent kontoplanen igen i integrationens "
        "opsætning, og tryk så på Prøv igen.",
    ),
    "vat_rate_mismatch": Words(
        "The e-invoice charges %(rate)s %% VAT, but VAT code %(vat_code)s is for "
        "%(vat_code_rate)s %%. Choose another category, or correct the VAT breakdown on the "
        "bill.",
        "E-fakturaen opkræver %(rate)s %% moms, men momskode %(vat_code)s er til "
        "%(vat_code_rate)s %%. Vælg en anden kategori, eller ret momsspecifikationen på "
        "regningen.",
    ),
    "foreign_vat": Words(
        "The bill's VAT (%(vat)s) from a supplier in %(country)s is not Danish VAT at %(rate)s "
        "%%, so it cannot be deducted in the Danish VAT return. If the foreign VAT is part of "
        "the cost, set the bill's VAT to 0; otherwise correct the VAT amount.",
        "Regningens moms (%(vat)s) fra en leverandør i %(country)s er ikke dansk moms på "
        "%(rate)s %%, så den kan ikke fratrækkes i den danske momsangivelse. Er den "
        "udenlandske moms en del af udgiften, så sæt regningens moms til 0; ellers ret "
        "momsbeløbet.",
    ),
    "reverse_charge_code_missing": Words(
        "The bill is reverse charge (you account for its VAT, %(amount)s before VAT), but no "
        "reverse-charge VAT code is chosen for %(system)s. Choose one in the integration's "
        "set-up, then press Retry.",
        "Regningen er med omvendt betalingspligt (I afregner selv momsen af %(amount)s før "
        "moms), men der er ikke valgt en momskode til omvendt betalingspligt i %(system)s. "
        "Vælg en i integrationens opsætning, og tryk så på Prøv igen.",
    ),
    "vat_on_reverse_charge": Words(
        "The e-invoice marks %(amount)s as reverse charge but also charges VAT on it. Correct "
        "the VAT breakdown on the bill.",
        "E-fakturaen angiver %(amount)s som omvendt betalingspligt, men opkræver også moms af "
        "beløbet. Ret momsspecifikationen på regningen.",
    ),
    "vat_breakdown_mismatch": Words(
        "The e-invoice's VAT breakdown (%(amount)s) is more than the bill's total (%(total)s). "
        "Correct the total or the VAT breakdown on the bill.",
        "E-fakturaens momsspecifikation (%(amount)s) er mere end regningens total (%(total)s). "
        "Ret totalen eller momsspecifikationen på regningen.",
    ),
    # Official exchange rates (billbridge.fx, R-6).
    "rate_not_published": Words(
        "The official %(currency)s rate of %(date)s is not published yet. The bill waits and "
        "is sent when it is, or you can type the rate on the bill.",
        "Den officielle %(currency)s-kurs for %(date)s er ikke offentliggjort endnu. Regningen "
        "venter og sendes, når den er, eller du kan skrive kursen på regningen.",
    ),
    "rate_missing": Words(
        "No official %(currency)s rate was published in the %(days)s days up to %(date)s. Type "
        "the rate on the bill.",
        "Der blev ikke offentliggjort en officiel %(currency)s-kurs i de %(days)s dage op til "
        "%(date)s. Skriv kursen på regningen.",
    ),
    "rate_currency_unknown": Words(
        "There is no official daily rate for %(currency)s. Type the rate on the bill.",
        "Der findes ingen officiel dagskurs for %(currency)s. Skriv kursen på regningen.",
    ),
    "rate_needed": Words(
        "The bill is in %(currency)s and has no exchange rate. Type the rate on the bill, or "
        "choose the official rate there, then press Retry.",
        "Regningen er i %(currency)s og har ingen valutakurs. Skriv kursen på regningen, eller "
        "vælg den officielle kurs dér, og tryk så på Prøv igen.",
    ),
    "rates_unavailable": Words(
        "The official exchange rates could not be fetched just now. We will try again shortly.",
        "De officielle valutakurser kunne ikke hentes lige nu. Vi prøver igen om lidt.",
    ),
}


def _provider_messages(provider: str) -> Mapping[str, Words]:
    """A provider's own words (its `messages.MESSAGES`), which win over the shared ones."""
    from billbridge.integrations.registry import PROVIDERS

    info = PROVIDERS.get(provider)
    module = info.optional(info.messages) if info else None
    words: Mapping[str, Words] = getattr(module, "MESSAGES", {})
    return words


def words_of(code: str, provider: str = "", context: str = "") -> Words:
    """The catalogue's entry for a code: the provider's own first, then the shared one; an
    unknown code is worded as a refusal ("<system> refused the bill: <code>")."""
    own = _provider_messages(provider) if provider else {}
    keys = ([f"{context}:{code}"] if context else []) + [code]
    for key in keys:
        found = own.get(key) or MESSAGES.get(key)
        if found is not None:
            return found
    return MESSAGES["rejected"]


def message_for(
    code: str, *, system: str = "", provider: str = "", context: str = "", **params: Any
) -> str:
    """The plain-words message for an error code, in the active language. `system` defaults to
    the provider's name in the registry."""
    if provider and not system:
        from billbridge.integrations.registry import PROVIDERS

        info = PROVIDERS.get(provider)
        system = info.name if info else provider
    template = words_of(code, provider, context).text()
    values: dict[str, Any] = {"system": system, "account": "", "detail": code, "currency": ""}
    values.update({k: v for k, v in params.items() if v is not None})
    try:
        return template % values
    except (KeyError, ValueError, TypeError):
        return template
