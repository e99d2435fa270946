"""
What the sending side may see: its agency's messages on the services the
user may send on, with their status but never who read them (R16), and the
user's own drafts.
"""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from apps.correspondences.models import Correspondence, Draft
from apps.correspondences.selectors import services_for_sender
from apps.notifications.models import Delivery
from apps.organizations.models import NotificationAddress

SENT_STATUS_FILTERS = {
    "scheduled": Q(status=Correspondence.Status.SCHEDULED),
    "cancelled": Q(status=Correspondence.Status.CANCELLED),
    "unopened": Q(status=Correspondence.Status.PUBLISHED, first_opened_at__isnull=True),
    "opened": Q(first_opened_at__isnull=False),
    "confirmed": Q(confirmed_at__isnull=False),
}


def _sent(user, *, party):
    return Correspondence.objects.filter(
        sender_id=party.pk,
        service__in=services_for_sender(user, party=party),
    ).exclude(status=Correspondence.Status.DRAFT)


def _deliveries(status):
    return Exists(
        Delivery.objects.filter(
            order__correspondence=OuterRef("pk"),
            kind=Delivery.Kind.NOTIFICATION,
            status=status,
        )
    )


def sent_for_user(user, *, party, search=None, service=None, status=None):
    """Return what the agency sent on the services the user may send on,
    newest first, searchable by title and sender's reference.

    Each message says whether a notification of it was delivered or failed.
    """
    sent = _sent(user, party=party)
    if search:
        sent = sent.filter(
            Q(title__icontains=search) | Q(sender_reference__icontains=search)
        )
    if service is not None:
        sent = sent.filter(service_id=getattr(service, "pk", service))
    if status in SENT_STATUS_FILTERS:
        sent = sent.filter(SENT_STATUS_FILTERS[status])
    return (
        sent.annotate(
            notification_sent=_deliveries(Delivery.Status.SENT),
            notification_failed=_deliveries(Delivery.Status.FAILED),
        )
        .select_related("recipient", "service")
        .order_by("-created_at", "-pk")
    )


def get_sent_for_user(user, *, party, public_id):
    """Return the agency's message if the user may follow it, or 404.

    Another agency's message, one on a service the user may not send on,
    and an unknown id all give the same 404.
    """
    correspondence = (
        _sent(user, party=party)
        .filter(public_id=public_id)
        .select_related("recipient", "service", "sender", "created_by")
        .first()
    )
    if correspondence is None:
        raise Http404
    return correspondence


def sent_steps(correspondence, *, now=None):
    """Return the steps of the message's status as (code, time) pairs.

    Times only: who at the recipient opened, confirmed or archived the
    message is never told to its sender (R16).
    """
    now = now or timezone.now()
    c = correspondence
    steps = [("created", c.created_at)]
    if c.status == Correspondence.Status.SCHEDULED:
        steps.append(("scheduled", c.publish_at))
    if c.status == Correspondence.Status.CANCELLED:
        steps.append(("cancelled", None))
    steps += [
        (code, moment)
        for code, moment in (
            ("published", c.published_at),
            ("opened", c.first_opened_at),
            ("confirmed", c.confirmed_at),
            ("archived", c.archived_at),
        )
        if moment is not None
    ]
    if c.due_at is not None and c.due_at <= now and c.confirmed_at is None:
        steps.append(("overdue", c.due_at))
    return steps


def drafts_for_user(user, *, party):
    """Return the user's own drafts at `party`, the latest first."""
    return Draft.objects.filter(author_id=user.pk, sender_id=party.pk).order_by(
        "-updated_at", "-pk"
    )


def get_draft_for_user(user, *, party, public_id):
    """Return the user's own draft at `party`, or 404 for anyone else's."""
    draft = drafts_for_user(user, party=party).filter(public_id=public_id).first()
    if draft is None:
        raise Http404
    return draft


def organizations_without_address(organizations, *, channels):
    """Return those of `organizations` with no address on any of `channels`."""
    reached = set(
        NotificationAddress.objects.filter(
            organization__in=organizations, channel__in=channels
        ).values_list("organization_id", flat=True)
    )
    return [o for o in organizations if o.pk not in reached]
