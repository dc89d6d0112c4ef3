"""Error codes only e-conomic's set-up and posting use → their words, English and Danish (its
part of the one catalogue, integrations/messages.py, whose `message_for` looks here first for
e-conomic). Codes shared by every provider are worded there."""

from __future__ import annotations

from billbridge.integrations.messages import Words

MESSAGES: dict[str, Words] = {
    "not_connected": Words(
        "e-conomic did not accept the agreement grant token: the app may have been removed "
        "from the agreement (Alle indstillinger → Udvidelser → Apps), or the user who added it "
        "lost the rights. Connect e-conomic again.",
        "e-conomic godtog ikke aftalens adgangstoken: appen kan være fjernet fra aftalen (Alle "
        "indstillinger → Udvidelser → Apps), eller brugeren, der tilføjede den, har mistet "
        "rettighederne. Forbind e-conomic igen.",
    ),
    "no_account": Words(
        "The bill has no category mapped to an e-conomic account and no default account is "
        "chosen. Choose one in the e-conomic set-up, then press Retry.",
        "Regningen har ingen kategori, der er forbundet til en konto i e-conomic, og der er "
        "ikke valgt en Default account. Vælg en i opsætningen af e-conomic, og tryk så på Prøv "
        "igen.",
    ),
    "no_payment_account": Words(
        "The bill's payment method is not mapped to an e-conomic account. Choose one in the "
        "e-conomic set-up, then press Retry.",
        "Regningens betalingsmetode er ikke forbundet til en konto i e-conomic. Vælg en i "
        "opsætningen af e-conomic, og tryk så på Prøv igen.",
    ),
    "no_accounting_year": Words(
        "e-conomic has no accounting year for the bill's date. Create it in e-conomic, then "
        "press Retry.",
        "e-conomic har intet regnskabsår for regningens dato. Opret det i e-conomic, og tryk "
        "så på Prøv igen.",
    ),
    "not_configured": Words(
        "No kassekladde is chosen for this kind of entry. Finish the e-conomic set-up, then "
        "press Retry.",
        "Der er ikke valgt en kassekladde til denne slags postering. Gør opsætningen af "
        "e-conomic færdig, og tryk så på Prøv igen.",
    ),
    "unknown_journal": Words(
        "That kassekladde does not exist in e-conomic (any more).",
        "Den kassekladde findes ikke (længere) i e-conomic.",
    ),
    "unknown_item": Words(
        "That payment method or category does not belong to this company.",
        "Den betalingsmetode eller kategori hører ikke til denne virksomhed.",
    ),
    "unknown_reverse_charge_code": Words(
        "e-conomic has no such VAT code. Choose the reverse-charge code from the list.",
        "e-conomic har ingen sådan momskode. Vælg momskoden til omvendt betalingspligt på listen.",
    ),
    # E04041 on the entry date (economic.md §10.2): the bill waits, nothing is wrong with it
    "period_locked": Words(
        "The bookkeeper has locked the period of this bill's date in e-conomic (usually after "
        "the VAT return), so e-conomic does not take the bill now. It can be posted on the "
        "first open date, with its own date kept in the entry text, or wait until the period "
        "is opened again: billbridge checks by itself.",
        "Bogholderen har spærret perioden for denne regnings dato i e-conomic (typisk efter "
        "momsindberetningen), så e-conomic tager ikke imod regningen nu. Den kan bogføres på "
        "første åbne dato, med sin egen dato i posteringsteksten, eller vente, til perioden er "
        "åbnet igen: billbridge tjekker selv.",
    ),
    # the choices for a bill held for `period_locked` (registry hold_choices, sync/choices.py)
    "period_locked:first_open_date": Words(
        "Post it on the first open date",
        "Bogfør den på første åbne dato",
    ),
    "period_locked:wait": Words(
        "Wait until the period is opened",
        "Vent, til perioden er åbnet",
    ),
}
