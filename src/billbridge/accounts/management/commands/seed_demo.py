from django.core.management.base import BaseCommand

from billbridge.demo_data import DEMO_EMAIL, DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo user with two companies, categories, payment methods and bills."

    def handle(self, *args, **options) -> None:
        seed_demo()
        self.stdout.write(f"Demo user: {DEMO_EMAIL} / {DEMO_PASSWORD}")
