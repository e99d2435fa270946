"""A real Redis and a real Celery worker: outages and killed workers lose no
notification and send none twice.
"""

import datetime
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from apps.notifications.models import Delivery, DeliveryAttempt
from apps.notifications.sending import WORKER_LOST, deliveries_sweep
from tests.factories import OrganizationFactory
from tests.notifications.processes import (
    RedisServer,
    Worker,
    broker,
    shared_database,
    wait_until,
)
from tests.notifications.support import send, sms_lines

pytestmark = pytest.mark.django_db(transaction=True)

BLOCKING = "tests.notifications.blocking.BlockingFileSmsTransport"


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def database_url(transactional_db, tmp_path):
    with shared_database(tmp_path) as url:
        yield url


@pytest.fixture
def workers(redis_server, database_url, settings, tmp_path):
    started = []

    def worker(**environment):
        process = Worker(
            broker_url=redis_server.url,
            database_url=database_url,
            log_path=tmp_path / f"worker-{len(started)}.log",
            **{
                "SMS_TRANSPORT": "file",
                "SMS_FILE_PATH": settings.SMS_FILE_PATH,
                **environment,
            },
        )
        started.append(process)
        return process.start()

    yield worker
    for process in started:
        process.stop()


def _in_the_window():
    # Yesterday within the SMS window, so that what is released then is due
    # for the worker, whose clock is not frozen.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    return datetime.datetime.combine(
        yesterday, datetime.time(11), tzinfo=ZoneInfo("Europe/Oslo")
    )


def _send_sms(service, count):
    with time_machine.travel(_in_the_window(), tick=False):
        for _ in range(count):
            recipient = OrganizationFactory()
            recipient.notification_addresses.create(
                channel="sms", address="+4791234567"
            )
            send(service, recipient, channel="sms")
    return list(Delivery.objects.order_by("pk"))


def _statuses():
    return Counter(Delivery.objects.values_list("status", flat=True))


def test_broker_outage_delays_notifications_and_loses_none(
    confidential_service, redis_server, workers
):
    redis_server.stop()
    with broker(redis_server.url):
        deliveries = _send_sms(confidential_service, 3)
        assert _statuses() == {"pending": 3}

        redis_server.start()
        workers()
        deliveries_sweep()
        wait_until(lambda: _statuses() == {"sent": 3}, what="three sent")
        deliveries_sweep()

    references = Counter(line["reference"] for line in sms_lines())
    assert references == {f"delivery-{d.pk}": 1 for d in deliveries}


def test_worker_killed_mid_send_neither_loses_nor_duplicates(
    confidential_service, workers, settings, tmp_path
):
    hold = tmp_path / "hold"
    hold.touch()
    first = workers(SMS_TRANSPORT=BLOCKING, TAUSHET_TEST_HOLD=hold)
    with broker(first.environment["CELERY_BROKER_URL"]):
        (delivery,) = _send_sms(confidential_service, 1)
        wait_until(hold.with_suffix(".started").exists, what="the send to begin")
        assert _statuses() == {"sending": 1}

        first.kill()
        hold.unlink()
        assert sms_lines() == []

        workers(SMS_TRANSPORT=BLOCKING, TAUSHET_TEST_HOLD=hold)
        deliveries_sweep()
        assert _statuses() == {"sending": 1}, "the claim is held for its lease"

        settings.NOTIFICATION_CLAIM_LEASE_SECONDS = 0
        deliveries_sweep()
        wait_until(lambda: _statuses() == {"sent": 1}, what="the delivery sent")

    assert [line["reference"] for line in sms_lines()] == [f"delivery-{delivery.pk}"]
    attempts = DeliveryAttempt.objects.filter(delivery=delivery).order_by("pk")
    assert [(a.outcome, a.error) for a in attempts] == [
        ("transient", WORKER_LOST),
        ("sent", ""),
    ]
