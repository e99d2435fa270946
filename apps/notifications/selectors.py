"""
What the sending side sees of its notifications (R16): per address, masked,
whether it was delivered, and what became of the reminder.
"""

from dataclasses import dataclass

import phonenumbers

from apps.notifications.models import Delivery, NotificationOrder

State = NotificationOrder.ReminderState


@dataclass(frozen=True)
class DeliveryRow:
    kind: str
    kind_display: str
    channel: str
    channel_display: str
    address: str
    status: str
    status_display: str
    last_error: str
    attempts: int
    not_before: object
    sent_at: object


@dataclass(frozen=True)
class NotificationStatus:
    ordered: bool
    deliveries: list
    reminder_state: str
    reminder_due_at: object

    @property
    def reminder_state_display(self):
        return State(self.reminder_state).label


def mask_email(address):
    """Return k***@example.no for kari@example.no."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_mobile(address):
    """Return +47 *** ** 567 for +4791234567: the country and the last three."""
    try:
        number = phonenumbers.parse(address, "NO")
        country, national = number.country_code, str(number.national_number)
    except phonenumbers.NumberParseException:
        country, national = None, "".join(c for c in address if c.isdigit())
    prefix = f"+{country} " if country else ""
    return f"{prefix}*** ** {national[-3:]}"


def mask_address(channel, address):
    if channel == Delivery.Channel.EMAIL:
        return mask_email(address)
    return mask_mobile(address)


def _reminder_state(order):
    state = order.reminder_state
    # Opening the message cancels a reminder that has not gone yet, even
    # before the periodic task has looked at it.
    waiting = state in (State.WAITING, State.SCHEDULED)
    if waiting and order.correspondence.first_opened_at is not None:
        return State.CANCELLED
    return state


def deliveries_for_correspondence(*, correspondence):
    """Return the notification status of one correspondence, in two queries.

    The caller has made sure that the user may see the correspondence on
    the sending side; addresses are masked all the same, and nothing tells
    who at the recipient read it.
    """
    order = (
        NotificationOrder.objects.filter(correspondence=correspondence)
        .select_related("correspondence")
        .first()
    )
    if order is None:
        return NotificationStatus(
            ordered=False,
            deliveries=[],
            reminder_state=State.NONE,
            reminder_due_at=None,
        )
    rows = [
        DeliveryRow(
            kind=d.kind,
            kind_display=d.get_kind_display(),
            channel=d.channel,
            channel_display=d.get_channel_display(),
            address=mask_address(d.channel, d.address),
            status=d.status,
            status_display=d.get_status_display(),
            last_error=d.last_error,
            attempts=d.attempts,
            not_before=d.not_before,
            sent_at=d.sent_at,
        )
        for d in Delivery.objects.filter(order=order).order_by("kind", "channel", "pk")
    ]
    return NotificationStatus(
        ordered=True,
        deliveries=rows,
        reminder_state=_reminder_state(order),
        reminder_due_at=order.reminder_due_at,
    )
