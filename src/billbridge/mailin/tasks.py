"""Huey tasks of the mail intake: they only wake the work; the mails' rows say what is due.

A lost queue message (or a worker killed between acceptance and processing) only delays a
mail: ``sweep_mail`` runs every minute and enqueues every mail still "received".
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from billbridge.mailin import services

log = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=10)
def process_mail_task(mail_id: int) -> str:
    mail = services.process_mail(mail_id)
    return mail.status if mail is not None else "nothing to do"


@db_periodic_task(crontab(minute="*"))
def sweep_mail() -> None:
    """Every minute: process the mails that were kept but never turned into bills."""
    for mail_id in services.unprocessed_mail_ids():
        process_mail_task(mail_id)


@db_periodic_task(crontab(minute="*"))
def poll_imap_mailboxes() -> None:
    """Every minute: fetch new mail from each company's connected IMAP mailbox."""
    from billbridge.mailin.imap import poll_all

    poll_all()
