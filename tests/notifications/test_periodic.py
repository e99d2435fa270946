"""The periodic work, run once in-process by `manage.py run_periodic`."""

import datetime
import io

import time_machine
from django.core.management import call_command
from django.utils import timezone

from apps.notifications.models import Delivery
from tests.notifications.support import send, sms_lines


def _run_periodic():
    out = io.StringIO()
    call_command("run_periodic", stdout=out)
    return out.getvalue()


def test_run_periodic_sends_what_the_broker_never_got(
    confidential_service, recipient, django_capture_on_commit_callbacks
):
    morning = timezone.localtime().replace(hour=10) - datetime.timedelta(days=1)
    with (
        time_machine.travel(morning, tick=False),
        django_capture_on_commit_callbacks(execute=False),
    ):
        send(confidential_service, recipient, channel="sms")

    output = _run_periodic()

    assert "apps.notifications.tasks.deliveries_sweep" in output
    assert "apps.notifications.tasks.reminders_send_due" in output
    assert [line["to"] for line in sms_lines()] == ["+4791234567"]
    assert Delivery.objects.get().status == "sent"


def test_run_periodic_runs_the_tasks_the_setting_names(db, settings):
    settings.TAUSHET_PERIODIC_TASKS = ["apps.notifications.tasks.deliveries_sweep"]

    output = _run_periodic()

    assert output.splitlines() == ["apps.notifications.tasks.deliveries_sweep: (0, 0)"]
