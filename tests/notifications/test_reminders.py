"""Reminders on the seventh day: the notification again, and R12."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from apps.correspondences.models import Correspondence
from apps.correspondences.selectors import correspondences_for_user
from apps.correspondences.services import correspondence_open
from apps.notifications.models import Delivery, OrganizationReminder
from apps.notifications.reminders import REMINDER_SERVICE_CODE, reminders_send_due
from apps.notifications.selectors import deliveries_for_correspondence
from apps.roles.services import register_rights_sync
from tests.factories import OrganizationFactory, RegisterRoleFactory
from tests.notifications.support import deliveries, send

OSLO = ZoneInfo("Europe/Oslo")
MONDAY = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=OSLO)


def day(n, hour=10):
    return MONDAY + datetime.timedelta(days=n, hours=hour - 10)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the periodic reminder work at the start of day `n`."""

    def run(n, hour=10):
        with (
            time_machine.travel(day(n, hour), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return reminders_send_due()

    return run


@pytest.fixture
def sent(confidential_service, recipient, django_capture_on_commit_callbacks):
    """Send a confidential message on day `n`, with the reminder ordered."""

    def sent(n=0, **fields):
        with (
            time_machine.travel(day(n), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return send(confidential_service, recipient, reminder=True, **fields)

    return sent


def _opened(correspondence, n, user):
    with time_machine.travel(day(n), tick=False):
        correspondence_open(correspondence=correspondence, actor=user)


def _mail_archive_holder(organization):
    role = RegisterRoleFactory(organization=organization)
    register_rights_sync(organization=organization)
    return role.person.user


def _inbox(user, organization):
    return [c.title for c in correspondences_for_user(user, party=organization)]


def _reminder_messages():
    return Correspondence.objects.filter(service__code=REMINDER_SERVICE_CODE)


def test_unopened_message_is_reminded_on_day_seven_not_six(sent, run):
    message = sent()
    mail.outbox.clear()

    run(6)
    assert deliveries(message, kind="reminder") == []

    run(7)
    reminders = deliveries(message, kind="reminder")
    assert sorted(d.channel for d in reminders) == ["email", "sms"]
    assert {d.status for d in reminders} == {"sent"}
    assert any(e.subject.startswith("Påminnelse") for e in mail.outbox)


def test_opening_on_day_five_cancels_the_reminder(sent, run, recipient):
    message = sent()
    _opened(message, 5, _mail_archive_holder(recipient))

    run(7)

    assert deliveries(message, kind="reminder") == []
    status = deliveries_for_correspondence(correspondence=message)
    assert status.reminder_state == "cancelled"


def test_reminder_is_sent_once_however_often_the_task_runs(sent, run):
    message = sent()

    run(7)
    run(7, hour=11)
    run(8)

    assert len(deliveries(message, kind="reminder")) == 2


def test_opening_after_the_reminder_was_queued_cancels_it_at_send_time(
    sent, recipient, django_capture_on_commit_callbacks
):
    message = sent()
    with (
        time_machine.travel(day(7), tick=False),
        django_capture_on_commit_callbacks(execute=False) as queued,
    ):
        reminders_send_due()
    _opened(message, 7, _mail_archive_holder(recipient))

    with time_machine.travel(day(7, hour=11), tick=False):
        for callback in queued:
            callback()

    reminder_sms = deliveries(message, kind="reminder", channel="sms")
    assert [d.status for d in reminder_sms] == ["cancelled"]


def test_organisation_gets_a_reminder_correspondence_on_day_seven(
    sent, run, recipient, confidential_service
):
    holder = _mail_archive_holder(recipient)
    outsider = _mail_archive_holder(OrganizationFactory())
    message = sent()

    run(6)
    assert not _reminder_messages().exists()

    run(7)
    (reminder,) = _reminder_messages()
    assert reminder.status == "published"
    assert not reminder.is_confidential
    assert _inbox(holder, recipient) == [reminder.title]
    assert _inbox(outsider, recipient) == []
    assert confidential_service.name_nb in reminder.body
    assert "Bufetat region øst" in reminder.body
    assert "sendt 2. mars 2026" in reminder.body
    assert message.title not in reminder.body
    assert message.body not in reminder.body
    notified = Delivery.objects.filter(order__correspondence=reminder)
    assert {(d.kind, d.status) for d in notified} == {("reminder", "sent")}


def test_reminder_correspondence_follows_the_openings(sent, run, recipient):
    holder = _mail_archive_holder(recipient)
    first, second = sent(0), sent(1)

    run(7)
    (reminder,) = _reminder_messages()
    assert reminder.body.count("- Fra ") == 1

    run(8)
    reminder.refresh_from_db()
    assert reminder.body.count("- Fra ") == 2

    _opened(first, 8, holder)
    run(8, hour=11)
    reminder.refresh_from_db()
    assert reminder.body.count("- Fra ") == 1
    assert reminder.status == "published"

    _opened(second, 9, holder)
    run(9, hour=11)
    reminder.refresh_from_db()
    assert reminder.status == "cancelled"
    assert _inbox(holder, recipient) == []
    assert not OrganizationReminder.objects.exists()


def test_opening_the_last_message_withdraws_the_reminder_at_once(
    sent, run, recipient, django_capture_on_commit_callbacks
):
    holder = _mail_archive_holder(recipient)
    message = sent(0)
    run(7)
    (reminder,) = _reminder_messages()

    with django_capture_on_commit_callbacks(execute=True):
        _opened(message, 8, holder)

    reminder.refresh_from_db()
    assert reminder.status == "cancelled"
    assert not OrganizationReminder.objects.exists()


def test_organisation_never_has_two_reminders_at_once(sent, run, recipient):
    sent(0)
    sent(0)

    for n in (7, 8, 9, 10):
        run(n)

    assert _reminder_messages().count() == 1
    assert OrganizationReminder.objects.filter(organization=recipient).count() == 1


def test_ordinary_message_gets_no_reminder_correspondence(
    ordinary_service, recipient, run, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(day(0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send(ordinary_service, recipient)

    run(8)

    assert not _reminder_messages().exists()


def test_reminder_run_with_nothing_new_changes_nothing(
    sent, run, django_assert_max_num_queries
):
    sent()
    assert run(7)["created"] == 1

    # The due orders (in a savepoint, opened and released), the unopened
    # messages, the reminders that list them.
    with django_assert_max_num_queries(5):
        outcome = run(7, hour=11)

    assert outcome == {
        "reminders_sent": 0,
        "reminders_cancelled": 0,
        "created": 0,
        "updated": 0,
        "withdrawn": 0,
    }
