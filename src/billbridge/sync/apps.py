from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "billbridge.sync"
    label = "sync"

    def ready(self) -> None:
        """Listen to bill events, and register the Huey tasks with the consumer."""
        from billbridge.bills.events import bill_paid, bill_saved
        from billbridge.sync import receivers, tasks  # noqa: F401

        bill_saved.connect(receivers.on_bill_saved, dispatch_uid="sync.bill_saved")
        bill_paid.connect(receivers.on_bill_paid, dispatch_uid="sync.bill_paid")
