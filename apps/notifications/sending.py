"""
Sending one delivery, and the sweep that makes sure every delivery is sent.

A delivery goes through pending → sending → sent | failed. The step to
"sending" is one conditional UPDATE, so of two workers handed the same id
only one sends. The outcome of every attempt is stored on a row.

What a worker killed with SIGKILL leaves behind:

- killed before the claim commits: the row is still pending; the sweep
  queues it again. Nothing is lost.
- killed after the claim, before or during the hand-over to the provider:
  the row is "sending" with an old claimed_at. After the lease the sweep
  puts it back to pending and it is sent. Nothing is lost.
- killed after the provider took the message but before "sent" was
  committed: the same happens, and the recipient gets it twice. This window
  is the time of one short transaction after the provider answered: small but
  not closed: delivery is at least once. Email carries a Message-ID and SMS
  an Idempotency-Key made from the delivery id, so a provider or a mail
  client that honours them drops the copy.
"""

import datetime
import logging
import random

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.correspondences.models import Correspondence
from apps.notifications import transports
from apps.notifications.models import Delivery, DeliveryAttempt
from apps.notifications.services import deliveries_queue

logger = logging.getLogger(__name__)

Status = Delivery.Status
Outcome = DeliveryAttempt.Outcome

WORKER_LOST = "The worker stopped during the attempt."


def max_attempts():
    return getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 5)


def lease():
    return datetime.timedelta(
        seconds=getattr(settings, "NOTIFICATION_CLAIM_LEASE_SECONDS", 600)
    )


def requeue_after():
    return datetime.timedelta(
        seconds=getattr(settings, "NOTIFICATION_REQUEUE_AFTER_SECONDS", 60)
    )


def retry_delay(attempts):
    """Return the wait before the next try: exponential, with full jitter
    in its upper half, so that a gateway coming back is not hit by every
    waiting delivery at once.
    """
    base = getattr(settings, "NOTIFICATION_RETRY_DELAY_SECONDS", 30)
    cap = getattr(settings, "NOTIFICATION_RETRY_MAX_DELAY_SECONDS", 15 * 60)
    delay = min(cap, base * 2 ** max(attempts - 1, 0))
    jitter = random.uniform(0.5, 1.0)  # noqa: S311 (spread, not secrecy)
    return datetime.timedelta(seconds=delay * jitter)


def delivery_claim(*, delivery_id):
    """Take the delivery for this worker, or return None if it is not ours.

    It is ours when it is pending and due. The UPDATE commits on its own, so
    that from here on no other worker takes the row; the attempt is counted
    now and written down when it ends (or, for a worker that died, by the
    sweep, from claimed_at).
    """
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=Status.PENDING, not_before__lte=now
    ).update(
        status=Status.SENDING,
        claimed_at=now,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    if not claimed:
        return None
    return Delivery.objects.select_related("order__correspondence").get(pk=delivery_id)


def _pointless(delivery):
    """Return why the delivery should not go any more, or an empty string."""
    correspondence = delivery.order.correspondence
    if correspondence.status != Correspondence.Status.PUBLISHED:
        return "The message is no longer published."
    # A reminder is checked at the moment it goes: opening the message
    # after the reminder was queued still cancels it.
    if delivery.kind == Delivery.Kind.REMINDER and correspondence.first_opened_at:
        return "The message was opened before the reminder went."
    return ""


def _transport_send(delivery):
    subject, text = delivery.subject_and_text
    reference = f"delivery-{delivery.pk}"
    if delivery.channel == Delivery.Channel.EMAIL:
        return transports.email_send(
            to=delivery.address, subject=subject, body=text, reference=reference
        )
    return transports.sms_transport().send(
        to=delivery.address, text=text, reference=reference
    )


def delivery_send(*, delivery_id):
    """Claim the delivery, send it once, and store what came of it.

    Return the delivery's status, or None when another worker has it or it
    is not due. A temporary error puts it back to pending with a later
    not_before and queues it again; the sweep queues it if that is lost.
    """
    delivery = delivery_claim(delivery_id=delivery_id)
    if delivery is None:
        return None

    reason = _pointless(delivery)
    if reason:
        _finish(delivery, status=Status.CANCELLED, outcome="", error=reason)
        return Status.CANCELLED

    try:
        reference = _transport_send(delivery)
    except transports.PermanentError as error:
        logger.warning("Delivery %s refused: %s", delivery.pk, error.reason)
        _finish(
            delivery,
            status=Status.FAILED,
            outcome=Outcome.PERMANENT,
            error=error.reason,
        )
        return Status.FAILED
    except Exception as error:
        if isinstance(error, transports.TransientError):
            reason = error.reason
            logger.warning("Delivery %s failed for now: %s", delivery.pk, reason)
        else:
            reason = f"{type(error).__name__}: {error}"[: transports.REASON_LENGTH]
            logger.exception("Delivery %s failed unexpectedly", delivery.pk)
        return _retry_or_fail(delivery, reason)

    _finish(
        delivery,
        status=Status.SENT,
        outcome=Outcome.SENT,
        error="",
        reference=reference,
    )
    return Status.SENT


def _retry_or_fail(delivery, reason):
    if delivery.attempts >= max_attempts():
        _finish(
            delivery,
            status=Status.FAILED,
            outcome=Outcome.TRANSIENT,
            error=reason,
        )
        return Status.FAILED

    delay = retry_delay(delivery.attempts)
    _finish(
        delivery,
        status=Status.PENDING,
        outcome=Outcome.TRANSIENT,
        error=reason,
        not_before=timezone.now() + delay,
    )
    # A countdown of minutes at most; if the broker loses it, the sweep
    # queues the row when its not_before has passed.
    from apps.notifications.tasks import delivery_send as task

    try:
        task.apply_async((delivery.pk,), countdown=delay.total_seconds())
    except Exception:
        logger.exception("Could not queue the retry of delivery %s", delivery.pk)
    return Status.PENDING


@transaction.atomic
def _finish(delivery, *, status, outcome, error, reference="", **fields):
    now = timezone.now()
    fields |= {"status": status, "last_error": error, "updated_at": now}
    if status == Status.SENT:
        fields |= {"sent_at": now, "provider_reference": reference[:255]}
    # Only the claim that this worker holds may be finished by it: after a
    # lease ran out, the row may belong to another worker now.
    Delivery.objects.filter(
        pk=delivery.pk, status=Status.SENDING, claimed_at=delivery.claimed_at
    ).update(**fields)
    for name, value in fields.items():
        setattr(delivery, name, value)
    DeliveryAttempt.objects.create(
        delivery=delivery,
        started_at=delivery.claimed_at,
        finished_at=now,
        outcome=outcome,
        error=error,
    )


def stale_claims_release(*, now=None):
    """Put back to pending what a dead worker claimed longer than a lease ago.

    A delivery that has used all its attempts this way fails instead, so a
    message that kills its worker every time cannot go round for ever.
    """
    now = now or timezone.now()
    stale = Delivery.objects.filter(status=Status.SENDING, claimed_at__lt=now - lease())
    with transaction.atomic():
        claims = list(
            stale.select_for_update(skip_locked=True).values_list("pk", "claimed_at")
        )
        if not claims:
            return 0
        ids = [pk for pk, _ in claims]
        DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(
                delivery_id=pk,
                started_at=claimed_at,
                finished_at=now,
                outcome=Outcome.TRANSIENT,
                error=WORKER_LOST,
            )
            for pk, claimed_at in claims
        )
        rows = Delivery.objects.filter(pk__in=ids, status=Status.SENDING)
        rows.filter(attempts__gte=max_attempts()).update(
            status=Status.FAILED, last_error=WORKER_LOST, updated_at=now
        )
        rows.update(
            status=Status.PENDING,
            last_error=WORKER_LOST,
            not_before=now,
            updated_at=now - requeue_after(),
        )
    return len(ids)


SWEEP_BATCH = 1000


def deliveries_sweep(*, now=None):
    """Queue again the pending deliveries that are due and that nobody took.

    A row queued less than a minute ago is left alone: its task is most
    likely waiting in the broker. A row the sweep queues gets a new
    updated_at, so a long backlog is not queued again every minute.
    Return the number of claims released and of deliveries queued.
    """
    now = now or timezone.now()
    released = stale_claims_release(now=now)
    ids = list(
        Delivery.objects.filter(
            status=Status.PENDING,
            not_before__lte=now,
            updated_at__lte=now - requeue_after(),
        )
        .order_by("not_before")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    if ids:
        Delivery.objects.filter(pk__in=ids, status=Status.PENDING).update(
            updated_at=now
        )
        deliveries_queue(ids)
    return released, len(ids)
