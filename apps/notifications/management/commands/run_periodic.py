from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

DEFAULT_PERIODIC_TASKS = [
    "apps.notifications.tasks.deliveries_sweep",
    "apps.notifications.tasks.reminders_send_due",
]


class Command(BaseCommand):
    help = (
        "Run the periodic work once, in this process: what celery beat "
        "schedules, for a server without beat or for a cron job."
    )

    def handle(self, *args, **options):
        paths = getattr(settings, "TAUSHET_PERIODIC_TASKS", DEFAULT_PERIODIC_TASKS)
        for path in paths:
            task = import_string(path)
            # Calling a Celery task runs its body here, not in a worker.
            result = task()
            self.stdout.write(f"{path}: {result}")
