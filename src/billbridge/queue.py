"""Huey on PostgreSQL, for deployments that have a database server but no Redis."""

from __future__ import annotations

from huey import Huey
from huey.storage import PostgresStorage


class PostgresHuey(Huey):
    storage_class = PostgresStorage
