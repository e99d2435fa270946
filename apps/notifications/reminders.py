"""
Reminders: the notification again when a message stays unopened, and the
R12 reminder correspondence in the organisation's inbox.

Both are found by a periodic query on due times in the database, so a
restart, a lost broker message or a deploy never loses one, and none waits
for days as a countdown inside the broker.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from apps.correspondences.models import (
    Correspondence,
    CorrespondenceGroupObjectPermission,
    CorrespondenceUserObjectPermission,
    Service,
    StatusEvent,
)
from apps.correspondences.services import correspondence_publish
from apps.notifications import texts
from apps.notifications.models import Delivery, NotificationOrder, OrganizationReminder
from apps.notifications.services import (
    addresses_by_organization,
    addresses_for_channel,
    deliveries_queue_on_commit,
    release_time,
    token_values,
)
from apps.organizations.models import Organization
from apps.organizations.validators import organization_number_complete
from apps.roles.models import Right

State = NotificationOrder.ReminderState
Published = Correspondence.Status.PUBLISHED

UNOPENED_DAYS = 7
BATCH = 500
REMINDER_LANGUAGE = "nb"

# Taushet itself sends the R12 reminders, on a service of its own. Its
# number passes the MOD11 check and starts with 1, which the register does
# not hand out, so it never collides with an imported organisation.
SYSTEM_ORGANIZATION_NUMBER = organization_number_complete("10000000")
SYSTEM_ORGANIZATION_NAME = "Taushet"
REMINDER_SERVICE_CODE = "taushet-reminders"


def reminders_send_due(*, now=None):
    """Do the reminder work that is due; safe to run at any time."""
    now = now or timezone.now()
    sent, cancelled = notification_reminders_send(now=now)
    changed = reminder_correspondences_sync(now=now)
    return {"reminders_sent": sent, "reminders_cancelled": cancelled, **changed}


def reminder_deliveries_build(order, addresses, *, now):
    """Return the unsaved reminder deliveries of `order` to `addresses`."""
    return [
        Delivery(
            order=order,
            kind=Delivery.Kind.REMINDER,
            channel=channel,
            address=address,
            not_before=release_time(channel, now),
            created_at=now,
            updated_at=now,
        )
        for channel, address in addresses_for_channel(addresses, order.channel)
    ]


def _queue_due(deliveries, *, now):
    deliveries_queue_on_commit([d.pk for d in deliveries if d.not_before <= now])


@transaction.atomic
def notification_reminders_send(*, now):
    """Send the reminder of each order whose day has come (N days after
    publication) and whose message nobody has opened; cancel the others.
    """
    due = list(
        NotificationOrder.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(reminder_state=State.SCHEDULED, reminder_due_at__lte=now)
        .select_related("correspondence")
        .order_by("reminder_due_at")[:BATCH]
    )
    unopened = [
        order
        for order in due
        if order.correspondence.first_opened_at is None
        and order.correspondence.status == Published
    ]
    kept = {order.pk for order in unopened}
    cancelled = [order.pk for order in due if order.pk not in kept]

    addresses = addresses_by_organization(
        {order.correspondence.recipient_id for order in unopened}
    )
    deliveries = [
        delivery
        for order in unopened
        for delivery in reminder_deliveries_build(
            order, addresses[order.correspondence.recipient_id], now=now
        )
    ]
    Delivery.objects.bulk_create(deliveries, batch_size=1000)
    NotificationOrder.objects.filter(pk__in=kept).update(reminder_state=State.SENT)
    NotificationOrder.objects.filter(pk__in=cancelled).update(
        reminder_state=State.CANCELLED
    )
    _queue_due(deliveries, now=now)
    return len(unopened), len(cancelled)


def _unopened_confidential(*, now):
    return Correspondence.objects.filter(
        is_confidential=True,
        status=Published,
        first_opened_at__isnull=True,
        published_at__lte=now - datetime.timedelta(days=UNOPENED_DAYS),
    )


def reminder_correspondences_sync(*, now):
    """Bring every organisation's R12 reminder up to date (see below).

    Two queries find the organisations whose list of unopened messages is
    not the one their reminder shows; only those are touched.
    """
    due = defaultdict(list)
    unopened = _unopened_confidential(now=now).order_by("published_at", "pk")
    for recipient_id, pk in unopened.values_list("recipient_id", "pk"):
        due[recipient_id].append(pk)
    listed = dict(OrganizationReminder.objects.values_list("organization_id", "listed"))
    changed = sorted(
        pk for pk in due.keys() | listed.keys() if due.get(pk) != listed.get(pk)
    )
    counts = {"created": 0, "updated": 0, "withdrawn": 0}
    for organization_id in changed:
        outcome = organization_reminder_sync(
            organization=Organization(pk=organization_id), now=now
        )
        if outcome:
            counts[outcome] += 1
    return counts


def system_service():
    """Return Taushet's own service for reminders, opened by Mail/Archive."""
    owner, _ = Organization.objects.get_or_create(
        number=SYSTEM_ORGANIZATION_NUMBER,
        defaults={"name": SYSTEM_ORGANIZATION_NAME, "is_registered": False},
    )
    service, created = Service.objects.get_or_create(
        code=REMINDER_SERVICE_CODE,
        defaults={
            "owner": owner,
            "name_nb": "Påminnelser fra Taushet",
            "name_en": "Reminders from Taushet",
            "is_confidential": False,
        },
    )
    if created:
        service.opened_by.set([Right.objects.get(code=Right.MAIL_ARCHIVE)])
    return service


@transaction.atomic
def organization_reminder_sync(*, organization, now=None):
    """Make the organisation's R12 reminder list its unopened messages.

    When a confidential message has been unopened for seven days, the inbox
    gets one reminder correspondence, readable through Mail/Archive, that
    lists each such message by sender, date and the service to grant, never
    by title or content; the organisation's addresses are notified of it.
    It is rewritten as messages are opened or fall due, and withdrawn when
    none is left. Return "created", "updated", "withdrawn" or None.
    """
    now = now or timezone.now()
    # One reminder per organisation at a time: syncs of the same one wait
    # for each other here (and the unique key catches what slips by).
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    items = list(
        _unopened_confidential(now=now)
        .filter(recipient=organization)
        .select_related("sender", "service")
        .order_by("published_at", "pk")
    )
    reminder = (
        OrganizationReminder.objects.filter(organization=organization)
        .select_related("correspondence")
        .first()
    )
    if not items:
        if reminder is None:
            return None
        _withdraw(reminder, now=now)
        return "withdrawn"

    listed = [c.pk for c in items]
    written = texts.reminder_correspondence_texts(
        language=REMINDER_LANGUAGE,
        recipient_name=organization.name,
        items=[(c.sender.name, c.published_at, c.service.name_nb) for c in items],
    )
    if reminder is None:
        _create(organization, written, listed, now=now)
        return "created"
    if listed == reminder.listed:
        return None

    added = set(listed) - set(reminder.listed)
    correspondence = reminder.correspondence
    correspondence.title, correspondence.body = written.title, written.body
    correspondence.save(update_fields=["title", "body"])
    reminder.listed, reminder.updated_at = listed, now
    reminder.save(update_fields=["listed", "updated_at"])
    if added:
        _notify(correspondence.notification_order, organization, now=now)
    return "updated"


def _create(organization, written, listed, *, now):
    service = system_service()
    correspondence = Correspondence.objects.create(
        sender=service.owner,
        service=service,
        recipient=organization,
        title=written.title,
        body=written.body,
        language=REMINDER_LANGUAGE,
        is_confidential=False,
    )
    OrganizationReminder.objects.create(
        organization=organization,
        correspondence=correspondence,
        listed=listed,
        updated_at=now,
    )
    correspondence_publish(correspondence=correspondence, at=now)
    _notify(_order(correspondence, now=now), organization, now=now)


def _order(correspondence, *, now):
    # The notification of the reminder is the generic one for a new
    # message, sent as a delivery of kind reminder.
    standard = texts.default_texts(confidential=False, language=REMINDER_LANGUAGE)
    values = token_values(correspondence)
    subject, body, sms = (
        texts.render_tokens(text, values=values)
        for text in (standard.subject, standard.body, standard.sms)
    )
    return NotificationOrder.objects.create(
        correspondence=correspondence,
        channel=NotificationOrder.Channel.BOTH,
        template=NotificationOrder.Template.ORDINARY,
        email_subject=subject,
        email_body=body,
        sms_text=sms,
        reminder_email_subject=subject,
        reminder_email_body=body,
        reminder_sms_text=sms,
        created_at=now,
    )


def _notify(order, organization, *, now):
    addresses = addresses_by_organization([organization.pk])[organization.pk]
    deliveries = Delivery.objects.bulk_create(
        reminder_deliveries_build(order, addresses, now=now)
    )
    _queue_due(deliveries, now=now)


def _withdraw(reminder, *, now):
    # Without its permission rows the reminder is in nobody's inbox.
    correspondence = reminder.correspondence
    correspondence.status = Correspondence.Status.CANCELLED
    correspondence.save(update_fields=["status"])
    StatusEvent.objects.create(
        correspondence=correspondence,
        kind=StatusEvent.Kind.CANCELLED,
        occurred_at=now,
    )
    CorrespondenceGroupObjectPermission.objects.filter(
        content_object=correspondence
    ).delete()
    CorrespondenceUserObjectPermission.objects.filter(
        content_object=correspondence
    ).delete()
    Delivery.objects.filter(
        order__correspondence=correspondence, status=Delivery.Status.PENDING
    ).update(
        status=Delivery.Status.CANCELLED,
        last_error="The reminder was withdrawn.",
        updated_at=now,
    )
    reminder.delete()
