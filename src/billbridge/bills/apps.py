from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _search_index(using: str = "default", **_: object) -> None:
    from django.db import connections

    from billbridge.bills.search import ensure_search_index

    ensure_search_index(connections[using])


class BillsConfig(AppConfig):
    name = "billbridge.bills"
    label = "bills"

    def ready(self) -> None:
        # After every migrate: a table rebuild on SQLite drops the search triggers.
        post_migrate.connect(_search_index, sender=self, dispatch_uid="bills-search-index")
