"""Reading a document happens in the worker: OCR of a scan takes seconds."""

from __future__ import annotations

import logging

from huey.contrib.djhuey import db_task

from billbridge.bills.models import Bill, BillStatus
from billbridge.bills.services import fail_analysis, finish_analysis
from billbridge.ingest.errors import IngestError
from billbridge.ingest.extract import extract
from billbridge.ingest.services import bill_input_from, extraction_record

log = logging.getLogger(__name__)


@db_task(retries=2, retry_delay=5)
def analyse_document(bill_id: int) -> str:
    bill = Bill.objects.filter(pk=bill_id, status=BillStatus.ANALYSING).first()
    if bill is None or not bill.document:
        return "nothing to do"
    with bill.document.open("rb") as fh:
        data = fh.read()

    def progress(page: int, pages: int) -> None:
        # Issue 17 item 3: the bill's page shows "page 2 of 3" while a scan is read. An
        # UPDATE without signals: nothing about the bill changed yet.
        Bill.objects.filter(pk=bill_id, status=BillStatus.ANALYSING).update(
            extraction={"reading": {"page": page, "pages": pages}}
        )

    try:
        extracted = extract(
            data, bill.document_name, bill.document_content_type or None, progress=progress
        )
    except IngestError as exc:
        log.info("bill %s: document not read (%s)", bill_id, exc.code)
        fail_analysis(bill, exc.message)
        return exc.code
    result = finish_analysis(bill, bill_input_from(extracted), extraction_record(extracted))
    return result.status
