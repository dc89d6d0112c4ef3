from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "billbridge.sync"
    label = "sync"
