from django.core.management.base import BaseCommand

from apps.demo import data
from apps.demo.seed import seed, synthetic_national_id

DEFAULT_PASSWORD = "taushet-demo"  # noqa: S105 - the published demo password


class Command(BaseCommand):
    help = "Create the demo organisations, people, roles and services."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD)

    def handle(self, *args, password, **options):
        seed(password=password)

        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        self.stdout.write(f"Log in at /accounts/login/ with password {password!r}:")
        for login, expectation in data.EXPECTATIONS.items():
            self.stdout.write(f"  {login:<11} {expectation}")
        # The numbers are synthetic (month plus 80) and belong to nobody; a
        # Main Administrator needs them to give the demo people access.
        self.stdout.write("Synthetic national identity numbers, for giving access:")
        for login, first, last, born in data.PEOPLE:
            number = synthetic_national_id(born)
            self.stdout.write(f"  {login:<11} {number}  {first} {last}")
