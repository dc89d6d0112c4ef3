from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "billbridge.ingest"
    label = "ingest"
