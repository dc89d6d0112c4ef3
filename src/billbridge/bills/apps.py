from django.apps import AppConfig


class BillsConfig(AppConfig):
    name = "billbridge.bills"
    label = "bills"
