"""
Throughput of notification deliveries through one Celery worker, beside the
throughput of a bare task that does nothing, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/taushet_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/5 SECRET_KEY=bench \\
    uv run python bench/notifications.py [--deliveries 10000]

The database in DATABASE_URL is dropped and made afresh, so its name must
end in "_bench"; it is dropped again at the end. The Redis database in
CELERY_BROKER_URL is flushed before and after: give it one of its own.
Deliveries go through the file SMS transport to a temporary file.
"""

import argparse
import datetime
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from celery import shared_task

ROOT = Path(__file__).resolve().parent.parent
PER_ORGANIZATION = 5


@shared_task(name="bench.noop", ignore_result=True)
def noop():
    return None


@shared_task(name="bench.mark", ignore_result=True)
def mark(key):
    # Queued after the bare tasks: one worker takes tasks in order, so when
    # this has run, all of them have.
    import redis

    redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).set(key, "1")


def _database_recreate(url, *, drop_only=False):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.endswith("_bench"):
        sys.exit(f"Refusing to drop {name!r}: the name must end in _bench.")
    admin = url.replace(f"/{name}", "/postgres", 1)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


def _world(count):
    """Make `count` published correspondences with their orders, unreleased."""
    from apps.correspondences.models import Correspondence, Service
    from apps.notifications.services import (
        notification_orders_create,
        notification_spec_default,
    )
    from apps.organizations.models import NotificationAddress, Organization
    from apps.organizations.validators import organization_number_complete

    numbers = (
        organization_number_complete(str(n)) for n in itertools.count(31_000_000)
    )
    numbers = list(itertools.islice(filter(None, numbers), count + 1))
    agency = Organization.objects.create(number=numbers[0], name="Bufetat")
    service = Service.objects.create(
        owner=agency,
        code="bench",
        name_nb="Benk",
        name_en="Bench",
        is_confidential=True,
    )
    recipients = Organization.objects.bulk_create(
        Organization(number=number, name=f"Mottaker {number}") for number in numbers[1:]
    )
    NotificationAddress.objects.bulk_create(
        NotificationAddress(
            organization=organization, channel="sms", address=f"+479{i:07d}"
        )
        for organization in recipients
        for i in range(PER_ORGANIZATION)
    )
    correspondences = Correspondence.objects.bulk_create(
        Correspondence(
            sender=agency,
            service=service,
            recipient=organization,
            title=f"Sak {i}",
            is_confidential=True,
        )
        for i, organization in enumerate(recipients)
    )
    spec = notification_spec_default(confidential=True, language="nb", channel="sms")
    notification_orders_create(correspondences=correspondences, spec=spec)
    return [c.pk for c in correspondences]


def _worker(env, log):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--include=bench.notifications",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait(condition, *, timeout):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            sys.exit("Timed out; see the worker's log.")
        time.sleep(0.1)
    return time.monotonic()


def _deliveries(ids):
    import time_machine
    from django.db import transaction
    from django.utils import timezone

    from apps.correspondences.models import Correspondence
    from apps.notifications.models import Delivery
    from apps.notifications.services import notifications_release

    # Released inside yesterday's SMS window, so that every SMS is due now
    # whatever the time of day the benchmark runs.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    window = datetime.datetime.combine(
        yesterday, datetime.time(11), tzinfo=timezone.get_current_timezone()
    )
    sent = Delivery.objects.filter(status=Delivery.Status.SENT)
    total = Delivery.objects.count()
    with time_machine.travel(window):
        Correspondence.objects.filter(pk__in=ids).update(
            status=Correspondence.Status.PUBLISHED, published_at=timezone.now()
        )
        start = time.monotonic()
        with transaction.atomic():
            notifications_release(correspondence_ids=ids)
    queued = time.monotonic()
    done = _wait(lambda: sent.count() == total, timeout=1800)
    return total, start, queued, done


def _bare(count, broker_url):
    import redis

    client = redis.Redis.from_url(broker_url)
    key = f"bench-done-{os.getpid()}"
    start = time.monotonic()
    for _ in range(count):
        noop.delay()
    queued = time.monotonic()
    mark.delay(key)
    done = _wait(lambda: client.exists(key), timeout=600)
    return start, queued, done


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    options = parser.parse_args()
    database_url = os.environ["DATABASE_URL"]
    broker_url = os.environ["CELERY_BROKER_URL"]

    scratch = Path(tempfile.mkdtemp(prefix="taushet-bench-"))
    os.environ |= {
        "SMS_TRANSPORT": "file",
        "SMS_FILE_PATH": str(scratch / "sms.jsonl"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    sys.path.insert(0, str(ROOT))
    _database_recreate(database_url)

    import django
    import redis

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    redis.Redis.from_url(broker_url).flushdb()
    ids = _world(options.deliveries // PER_ORGANIZATION)

    log = (scratch / "worker.log").open("w")
    worker = _worker(dict(os.environ), log)
    try:
        time.sleep(5)  # the worker starting up
        total, start, queued, done = _deliveries(ids)
        bare_start, bare_queued, bare_done = _bare(total, broker_url)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        log.close()

    lines = (scratch / "sms.jsonl").read_text().splitlines()
    rate = total / (done - start)
    bare_rate = total / (bare_done - bare_start)
    print(f"deliveries:        {total}, {len(lines)} SMS written")
    print(f"deliveries/s:      {rate:.0f} (queueing took {queued - start:.1f} s)")
    print(
        f"bare tasks/s:      {bare_rate:.0f} "
        f"(queueing took {bare_queued - bare_start:.1f} s)"
    )
    print(f"ratio:             {rate / bare_rate:.2f} of a bare task's throughput")

    redis.Redis.from_url(broker_url).flushdb()
    if not options.keep:
        from django.db import connections

        connections.close_all()
        _database_recreate(database_url, drop_only=True)


if __name__ == "__main__":
    main()
