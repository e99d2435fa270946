"""
Ordering notifications and releasing them when the message is published.

The order and its deliveries are written in the sender's transaction, beside
the correspondence: the outbox. Nothing is queued before that transaction
commits, and what a broker outage loses the periodic sweep queues again.
"""

import datetime
import logging
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from apps.correspondences.models import Correspondence
from apps.notifications import texts
from apps.notifications.models import Delivery, NotificationOrder
from apps.organizations.models import NotificationAddress
from apps.organizations.validators import normalize_mobile_number

logger = logging.getLogger(__name__)

OSLO = ZoneInfo("Europe/Oslo")
SMS_WINDOW_START = datetime.time(9)
SMS_WINDOW_END = datetime.time(17)

Channel = NotificationOrder.Channel
Template = NotificationOrder.Template

FIELD_LABELS = {
    "email_subject": pgettext_lazy("notification", "Email subject"),
    "email_body": pgettext_lazy("notification", "Email text"),
    "sms_text": pgettext_lazy("notification", "SMS text"),
    "reminder_email_subject": pgettext_lazy("notification", "Reminder email subject"),
    "reminder_email_body": pgettext_lazy("notification", "Reminder email text"),
    "reminder_sms_text": pgettext_lazy("notification", "Reminder SMS text"),
}
EMAIL_FIELDS = ("email_subject", "email_body")
SMS_FIELDS = ("sms_text",)


@dataclass(frozen=True)
class NotificationSpec:
    """What the caseworker wrote, tokens and all, shared by every recipient."""

    channel: str
    template: str
    email_subject: str = ""
    email_body: str = ""
    sms_text: str = ""
    reminder_enabled: bool = False
    reminder_email_subject: str = ""
    reminder_email_body: str = ""
    reminder_sms_text: str = ""
    reminder_after_days: int = 7


@dataclass(frozen=True)
class OrderResult:
    order: NotificationOrder
    deliveries: int

    @property
    def warning(self):
        """Return what the sender should be told, or an empty string."""
        if self.deliveries:
            return ""
        return _(
            "%(organization)s has no address for this notification. The message "
            "is sent, but nobody is notified of it."
        ) % {"organization": self.order.correspondence.recipient}


def notification_spec_default(*, confidential, language, channel=Channel.BOTH):
    """Return the standard texts (R9) as a spec the caseworker may edit."""
    standard = texts.default_texts(confidential=confidential, language=language)
    reminder = texts.default_texts(
        confidential=confidential, language=language, reminder=True
    )
    return NotificationSpec(
        channel=channel,
        template=Template.CONFIDENTIAL if confidential else Template.ORDINARY,
        email_subject=standard.subject,
        email_body=standard.body,
        sms_text=standard.sms,
        reminder_enabled=confidential,
        reminder_email_subject=reminder.subject,
        reminder_email_body=reminder.body,
        reminder_sms_text=reminder.sms,
    )


def sms_not_before(moment):
    """Return `moment`, or the start of the next 09:00–17:00 window in Oslo.

    Nobody is woken by a notification: an SMS ordered at 20:00 goes at 09:00.
    """
    local = moment.astimezone(OSLO)
    if SMS_WINDOW_START <= local.time() < SMS_WINDOW_END:
        return moment
    day = local.date()
    if local.time() >= SMS_WINDOW_END:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, SMS_WINDOW_START, tzinfo=OSLO)


def _channel_fields(channel):
    if channel == Channel.EMAIL:
        return EMAIL_FIELDS
    if channel == Channel.SMS:
        return SMS_FIELDS
    # A preferred channel falls back to the other one, so both are needed.
    return EMAIL_FIELDS + SMS_FIELDS


def _with_defaults(spec, *, confidential, language):
    """Fill what a standard template leaves empty with its standard text."""
    if spec.template == Template.CUSTOM and not spec.reminder_enabled:
        return spec
    default = notification_spec_default(confidential=confidential, language=language)
    fields = {}
    if spec.template != Template.CUSTOM:
        fields |= {f: getattr(default, f) for f in EMAIL_FIELDS + SMS_FIELDS}
    if spec.reminder_enabled:
        fields |= {
            f: getattr(default, f)
            for f in ("reminder_email_subject", "reminder_email_body")
            + ("reminder_sms_text",)
        }
    return replace(
        spec, **{f: v for f, v in fields.items() if not getattr(spec, f).strip()}
    )


def notification_spec_check(*, spec):
    """Refuse a spec that cannot be sent: R10 problems, empty texts.

    Every problem names its field and, for R10, the position in the text.
    """
    if spec.channel not in Channel.values:
        raise ValidationError(_("Choose how to notify."), code="channel")
    if spec.template not in Template.values:
        raise ValidationError(_("Choose a notification text."), code="template")
    errors = {}
    wanted = _channel_fields(spec.channel)
    if spec.reminder_enabled:
        wanted += tuple(f"reminder_{f}" for f in wanted)
    for field in wanted:
        if not getattr(spec, field).strip():
            errors[field] = [
                ValidationError(
                    _("%(field)s: write a text."),
                    code="required",
                    params={"field": FIELD_LABELS[field]},
                )
            ]
    for field, label in FIELD_LABELS.items():
        problems = texts.check_notification_text(getattr(spec, field), field=label)
        if problems:
            errors.setdefault(field, []).extend(problems)
    if errors:
        raise ValidationError(errors)


def token_values(correspondence):
    """Return the value of each token for one correspondence."""
    service = correspondence.service
    name = service.name_en if correspondence.language == "en" else service.name_nb
    return {
        texts.RECIPIENT_NAME: correspondence.recipient.name,
        texts.RECIPIENT_NUMBER: correspondence.recipient.number,
        texts.SENDERS_NAME: correspondence.sender.name,
        texts.MESSAGE_TITLE: correspondence.title,
        texts.SERVICE_NAME: name,
    }


def _rendered(spec, correspondence):
    values = token_values(correspondence)
    rendered = {
        field: texts.render_tokens(getattr(spec, field), values=values)
        for field in FIELD_LABELS
    }
    # R10 holds for what the recipient reads, so a title or a name that
    # carries a national identity number is caught here too.
    errors = {}
    for field, text in rendered.items():
        label = _("%(field)s with its tokens filled in") % {
            "field": FIELD_LABELS[field]
        }
        problems = texts.check_notification_text(text, field=label)
        if problems:
            errors[field] = problems
    if errors:
        raise ValidationError(errors)
    return rendered


def _sms_address(address):
    try:
        return normalize_mobile_number(address)
    except ValidationError:
        return address


def addresses_for_channel(addresses, channel):
    """Return the (channel, address) pairs to notify, of one organisation."""
    by_channel = {Delivery.Channel.EMAIL: [], Delivery.Channel.SMS: []}
    for address in addresses:
        value = address.address
        if address.channel == Delivery.Channel.SMS:
            value = _sms_address(value)
        by_channel[address.channel].append(value)
    email = [(Delivery.Channel.EMAIL, a) for a in by_channel[Delivery.Channel.EMAIL]]
    sms = [(Delivery.Channel.SMS, a) for a in by_channel[Delivery.Channel.SMS]]
    choices = {
        Channel.EMAIL: email,
        Channel.SMS: sms,
        Channel.EMAIL_PREFERRED: email or sms,
        Channel.SMS_PREFERRED: sms or email,
        Channel.BOTH: email + sms,
    }
    return choices[channel]


def release_time(channel, moment):
    """Return when a delivery on `channel` may go, for a message published
    at `moment`.
    """
    return sms_not_before(moment) if channel == Delivery.Channel.SMS else moment


def addresses_by_organization(organization_ids):
    """Return each organisation's notification addresses, in one query."""
    found = {pk: [] for pk in organization_ids}
    rows = NotificationAddress.objects.filter(organization_id__in=found).order_by(
        "organization_id", "channel", "address"
    )
    for address in rows:
        found[address.organization_id].append(address)
    return found


@transaction.atomic
def notification_orders_create(*, correspondences, spec):
    """Order the notification of every correspondence in `correspondences`.

    The shared texts are checked once (R10), rendered for each recipient and
    written with one delivery per address, in a fixed number of bulk
    statements however many recipients there are. Deliveries of a message
    that is not published yet wait for its publication (see
    notifications_release). Return one OrderResult per correspondence, in
    the order given; one without deliveries carries a warning.
    """
    ids = [c.pk for c in correspondences]
    loaded = Correspondence.objects.select_related(
        "recipient", "sender", "service"
    ).in_bulk(ids)
    if not loaded:
        return []
    first = loaded[ids[0]]
    spec = _with_defaults(
        spec, confidential=first.is_confidential, language=first.language
    )
    notification_spec_check(spec=spec)

    addresses = addresses_by_organization({c.recipient_id for c in loaded.values()})
    now = timezone.now()
    orders, planned = [], []
    for pk in ids:
        correspondence = loaded[pk]
        orders.append(_order(spec, correspondence, now=now))
        planned.append(
            addresses_for_channel(addresses[correspondence.recipient_id], spec.channel)
        )
    NotificationOrder.objects.bulk_create(orders)

    deliveries = [
        _delivery(order, channel, address, now=now)
        for order, pairs in zip(orders, planned, strict=True)
        for channel, address in pairs
    ]
    Delivery.objects.bulk_create(deliveries, batch_size=1000)
    return [
        OrderResult(order=order, deliveries=len(pairs))
        for order, pairs in zip(orders, planned, strict=True)
    ]


def _order(spec, correspondence, *, now):
    rendered = _rendered(spec, correspondence)
    published = correspondence.status == Correspondence.Status.PUBLISHED
    state = NotificationOrder.ReminderState.NONE
    due = None
    if spec.reminder_enabled and published:
        state = NotificationOrder.ReminderState.SCHEDULED
        due = correspondence.published_at + datetime.timedelta(
            days=spec.reminder_after_days
        )
    elif spec.reminder_enabled:
        state = NotificationOrder.ReminderState.WAITING
    return NotificationOrder(
        correspondence=correspondence,
        channel=spec.channel,
        template=spec.template,
        reminder_enabled=spec.reminder_enabled,
        reminder_after_days=spec.reminder_after_days,
        reminder_state=state,
        reminder_due_at=due,
        created_at=now,
        **rendered,
    )


def _delivery(order, channel, address, *, now, kind=Delivery.Kind.NOTIFICATION):
    correspondence = order.correspondence
    not_before = None
    if correspondence.status == Correspondence.Status.PUBLISHED:
        not_before = release_time(channel, max(correspondence.published_at, now))
    return Delivery(
        order=order,
        kind=kind,
        channel=channel,
        address=address,
        not_before=not_before,
        created_at=now,
        updated_at=now,
    )


def notification_order_create(
    *,
    correspondence,
    channel,
    template,
    email_subject,
    email_body,
    sms_text,
    reminder_enabled,
    reminder_email_subject="",
    reminder_email_body="",
    reminder_sms_text="",
    reminder_after_days=7,
):
    """Order the notification of one correspondence; see the bulk variant."""
    spec = NotificationSpec(
        channel=channel,
        template=template,
        email_subject=email_subject,
        email_body=email_body,
        sms_text=sms_text,
        reminder_enabled=reminder_enabled,
        reminder_email_subject=reminder_email_subject,
        reminder_email_body=reminder_email_body,
        reminder_sms_text=reminder_sms_text,
        reminder_after_days=reminder_after_days,
    )
    return notification_orders_create(correspondences=[correspondence], spec=spec)[0]


def notifications_required(*, correspondences):
    """Refuse confidential correspondence without a notification (R9).

    Each confidential message must have an order that reaches the recipient
    by email and/or SMS with a text for every channel it may use. One query
    for any number of messages.
    """
    confidential = [c.pk for c in correspondences if c.is_confidential]
    orders = {
        order.correspondence_id: order
        for order in NotificationOrder.objects.filter(
            correspondence_id__in=confidential
        )
    }
    for pk in confidential:
        order = orders.get(pk)
        complete = order is not None and all(
            getattr(order, field).strip() for field in _channel_fields(order.channel)
        )
        if not complete:
            raise ValidationError(
                _(
                    "A confidential message must be notified to the recipient "
                    "by email and/or SMS, with a text that says how to get "
                    "access."
                ),
                code="notification_required",
            )


def notification_required(*, correspondence):
    """Refuse one confidential correspondence without a notification (R9)."""
    notifications_required(correspondences=[correspondence])


@transaction.atomic
def notifications_release(*, correspondence_ids):
    """Let the deliveries of newly published correspondence go.

    Called in the publishing transaction. Each waiting delivery gets the
    time it may go (the next window for SMS), each waiting reminder its due
    time, and the deliveries due now are queued once the transaction
    commits, by id.
    """
    ids = list(correspondence_ids)
    now = timezone.now()
    waiting = Delivery.objects.filter(
        order__correspondence_id__in=ids,
        order__correspondence__status=Correspondence.Status.PUBLISHED,
        status=Delivery.Status.PENDING,
        not_before__isnull=True,
    )
    due_now = []
    for channel in Delivery.Channel.values:
        released = list(waiting.filter(channel=channel).values_list("pk", flat=True))
        at = release_time(channel, now)
        Delivery.objects.filter(pk__in=released).update(not_before=at, updated_at=now)
        if at <= now:
            due_now += released
    _reminders_schedule(ids)
    deliveries_queue_on_commit(due_now)
    return due_now


def notifications_cancel(*, correspondence, at=None):
    """Stop what would still go out for a correspondence that was cancelled."""
    Delivery.objects.filter(
        order__correspondence=correspondence, status=Delivery.Status.PENDING
    ).update(status=Delivery.Status.CANCELLED, updated_at=at or timezone.now())
    NotificationOrder.objects.filter(
        correspondence=correspondence,
        reminder_state=NotificationOrder.ReminderState.WAITING,
    ).update(reminder_state=NotificationOrder.ReminderState.CANCELLED)


def _reminders_schedule(ids):
    # One UPDATE per reminder delay (there is nearly always just one), the
    # due time computed by the database from each message's publication.
    waiting = NotificationOrder.objects.filter(
        correspondence_id__in=ids,
        correspondence__status=Correspondence.Status.PUBLISHED,
        reminder_state=NotificationOrder.ReminderState.WAITING,
    )
    published_at = Subquery(
        Correspondence.objects.filter(pk=OuterRef("correspondence_id")).values(
            "published_at"
        )[:1]
    )
    delays = set(waiting.values_list("reminder_after_days", flat=True))
    for days in delays:
        waiting.filter(reminder_after_days=days).update(
            reminder_state=NotificationOrder.ReminderState.SCHEDULED,
            reminder_due_at=ExpressionWrapper(
                published_at + datetime.timedelta(days=days),
                output_field=DateTimeField(),
            ),
        )


def deliveries_queue_on_commit(delivery_ids):
    """Queue each delivery for sending once the current transaction commits."""
    if delivery_ids:
        ids = list(delivery_ids)
        transaction.on_commit(lambda: deliveries_queue(ids))


def deliveries_queue(delivery_ids):
    """Hand the deliveries to the broker; on an outage leave them to the sweep.

    The rows stay pending, so a failed publish delays them until the next
    sweep and loses nothing. The first failure ends the batch: the broker is
    not asked again for each of five hundred ids.
    """
    from apps.notifications.tasks import delivery_send

    for delivery_id in delivery_ids:
        try:
            delivery_send.apply_async((delivery_id,), retry_policy={"max_retries": 1})
        except Exception:
            logger.exception(
                "Could not queue delivery %s; the sweep will queue it", delivery_id
            )
            return False
    return True
