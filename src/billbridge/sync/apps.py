from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "billbridge.sync"
    label = "sync"

    def ready(self) -> None:
        """Listen to bill events, and register the Huey tasks with the consumer."""
        from billbridge.bills.events import bill_paid, bill_saved
        from billbridge.integrations import signals
        from billbridge.sync import receivers, tasks  # noqa: F401

        bill_saved.connect(receivers.on_bill_saved, dispatch_uid="sync.bill_saved")
        bill_paid.connect(receivers.on_bill_paid, dispatch_uid="sync.bill_paid")
        signals.integration_connected.connect(receivers.on_integration_connected,
                                              dispatch_uid="sync.connected")  # fmt: skip
        signals.backfill_requested.connect(receivers.on_backfill_requested,
                                           dispatch_uid="sync.backfill")  # fmt: skip
        signals.progress_requested.connect(receivers.on_progress_requested,
                                           dispatch_uid="sync.progress")  # fmt: skip
        signals.recheck_requested.connect(receivers.on_recheck_requested,
                                          dispatch_uid="sync.recheck")  # fmt: skip
        signals.accounting_call.connect(receivers.on_accounting_call, dispatch_uid="sync.audit")
