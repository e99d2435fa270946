"""
The sending side of a correspondence: sending one message to many
organisations, scheduled publication, cancelling, and drafts.

A send is all or nothing: every recipient gets its own correspondence in one
transaction, or nobody gets anything and no file is kept.
"""

import logging
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.correspondences.models import (
    Attachment,
    Correspondence,
    Dispatch,
    Draft,
    StatusEvent,
)
from apps.correspondences.recipients import (
    organizations_without_key_role,
    recipients_resolve,
)
from apps.correspondences.selectors import services_for_sender
from apps.correspondences.services import correspondences_publish
from apps.correspondences.uploads import check_uploads
from apps.notifications.services import (
    notification_orders_create,
    notifications_cancel,
    notifications_release,
    notifications_required,
)

logger = logging.getLogger(__name__)

LIMITS = {"title": 255, "summary": 255, "body": 30_000, "sender_reference": 100}
LIMIT_MESSAGES = {
    "title": gettext_lazy(
        "The title can be at most %(limit)s characters; it has %(length)s."
    ),
    "summary": gettext_lazy(
        "The summary can be at most %(limit)s characters; it has %(length)s."
    ),
    "body": gettext_lazy(
        "The text can be at most %(limit)s characters; it has %(length)s."
    ),
    "sender_reference": gettext_lazy(
        "Your reference can be at most %(limit)s characters; it has %(length)s."
    ),
}
PUBLISH_DUE_BATCH = 500


@dataclass(frozen=True)
class SendResult:
    dispatch: Dispatch
    correspondences: list
    # What the sender should be told: recipients nobody will be notified at.
    warnings: tuple = ()
    # True when the same form had been sent before and this call sent nothing.
    repeated: bool = False


def _limits_check(fields):
    errors = {}
    if not fields["title"].strip():
        errors["title"] = [ValidationError(_("Write a title."), code="required")]
    for name, limit in LIMITS.items():
        length = len(fields[name])
        if length > limit:
            errors.setdefault(name, []).append(
                ValidationError(
                    LIMIT_MESSAGES[name],
                    code="max_length",
                    params={"limit": limit, "length": length},
                )
            )
    if fields["language"] not in Correspondence.Language.values:
        errors["language"] = [
            ValidationError(_("Choose the language of the message."), code="invalid")
        ]
    return errors


def dates_check(*, publish_at, due_at, now):
    """Return the problems with the publication time and the due date."""
    errors = {}
    if publish_at is not None and publish_at < now:
        errors["publish_at"] = [
            ValidationError(
                _("The publication time has passed; choose a later time."),
                code="past",
            )
        ]
    if due_at is not None and due_at <= (publish_at or now):
        errors["due_at"] = [
            ValidationError(
                _("The due date must be after the message is published."),
                code="before_publication",
            )
        ]
    return errors


def recipients_check(*, numbers, confidential):
    """Return the organisations to send to, or raise naming each problem.

    A confidential message cannot go to an organisation where nobody holds
    a key role: nobody there can ever be given access to it (R13).
    """
    organizations = recipients_resolve(numbers)
    if not confidential:
        return organizations
    nobody = organizations_without_key_role(organizations)
    if nobody:
        raise ValidationError(
            [
                ValidationError(
                    _(
                        "%(name)s (%(number)s) has nobody in a key role, so "
                        "nobody there can be given access to a confidential "
                        "message. Send it on paper instead."
                    ),
                    code="no_key_role",
                    params={"name": o.name, "number": o.number},
                )
                for o in nobody
            ]
        )
    return organizations


def _check_may_send(*, actor, party, service):
    if not services_for_sender(actor, party=party).filter(pk=service.pk).exists():
        raise PermissionDenied


def _repeated(*, idempotency_key, actor, party):
    dispatch = Dispatch.objects.filter(idempotency_key=idempotency_key).first()
    if dispatch is None:
        return None
    if dispatch.created_by_id != actor.pk or dispatch.sender_id != party.pk:
        raise PermissionDenied
    return SendResult(
        dispatch=dispatch,
        correspondences=list(dispatch.correspondences.order_by("pk")),
        repeated=True,
    )


def _dispatch_create(*, idempotency_key, actor, party, service):
    try:
        # A savepoint: the second of two simultaneous submits waits here for
        # the first to commit, and then finds what it sent.
        with transaction.atomic():
            return Dispatch.objects.create(
                idempotency_key=idempotency_key or uuid.uuid4(),
                sender=party,
                service=service,
                created_by=actor,
            )
    except IntegrityError:
        return None


@transaction.atomic
def correspondence_send(
    *,
    actor,
    party,
    service,
    recipients,
    title,
    summary,
    body,
    language,
    attachments,
    publish_at=None,
    due_at=None,
    requires_confirmation=False,
    sender_reference="",
    notification=None,
    idempotency_key=None,
):
    """Send one message to each of `recipients` (organisation numbers).

    Refuse with PermissionDenied unless the actor may send on the service
    now, and with one ValidationError, keyed by field, for every problem
    with what was written. A confidential message needs a notification
    (R9, a NotificationSpec) and recipients where someone can be given
    access (R13). Publish now, or at `publish_at`. A second call with the
    same `idempotency_key` sends nothing and returns the first result.
    """
    if idempotency_key is not None:
        first = _repeated(idempotency_key=idempotency_key, actor=actor, party=party)
        if first is not None:
            return first
    _check_may_send(actor=actor, party=party, service=service)

    now = timezone.now()
    numbers = [getattr(r, "number", r) for r in recipients]
    fields = {
        "title": title,
        "summary": summary,
        "body": body,
        "language": language,
        "sender_reference": sender_reference,
    }
    errors = _limits_check(fields) | dates_check(
        publish_at=publish_at, due_at=due_at, now=now
    )
    organizations = []
    try:
        organizations = recipients_check(
            numbers=numbers, confidential=service.is_confidential
        )
    except ValidationError as error:
        errors["recipients"] = error.error_list
    if service.is_confidential and notification is None:
        errors["notification"] = [
            ValidationError(
                _(
                    "A confidential message must be notified to the recipient "
                    "by email and/or SMS."
                ),
                code="notification_required",
            )
        ]
    checked = []
    try:
        checked = check_uploads(attachments)
    except ValidationError as error:
        errors["attachments"] = error.error_list
    if errors:
        raise ValidationError(errors)

    dispatch = _dispatch_create(
        idempotency_key=idempotency_key, actor=actor, party=party, service=service
    )
    if dispatch is None:
        return _repeated(idempotency_key=idempotency_key, actor=actor, party=party)

    correspondences = Correspondence.objects.bulk_create(
        [
            Correspondence(
                dispatch=dispatch,
                sender=party,
                service=service,
                recipient=organization,
                created_by=actor,
                is_confidential=service.is_confidential,
                requires_confirmation=requires_confirmation,
                publish_at=publish_at,
                due_at=due_at,
                **fields,
            )
            for organization in organizations
        ]
    )
    warnings = ()
    if notification is not None:
        orders = notification_orders_create(
            correspondences=correspondences, spec=notification
        )
        warnings = tuple(o.warning for o in orders if o.warning)
    notifications_required(correspondences=correspondences)

    if publish_at is None:
        correspondences_publish(correspondences=correspondences, actor=actor, at=now)
        notifications_release(correspondence_ids=[c.pk for c in correspondences])
    else:
        Correspondence.objects.filter(dispatch=dispatch).update(
            status=Correspondence.Status.SCHEDULED
        )
        for correspondence in correspondences:
            correspondence.status = Correspondence.Status.SCHEDULED

    _attachments_store(correspondences, attachments, checked)
    logger.info(
        "Dispatch %s sent by user %s to %s recipients",
        dispatch.pk,
        actor.pk,
        len(correspondences),
    )
    return SendResult(
        dispatch=dispatch, correspondences=correspondences, warnings=warnings
    )


def _attachments_store(correspondences, files, checked):
    """Store each file once, under a name of our own, for every recipient.

    The last step of a send, so that a refusal stores nothing; a failure
    while storing takes back what was stored.
    """
    storage = Attachment._meta.get_field("file").storage
    stored = []
    try:
        for uploaded_file, upload in zip(files, checked, strict=True):
            uploaded_file.seek(0)
            name = storage.save(f"{uuid.uuid4().hex}/{uuid.uuid4().hex}", uploaded_file)
            stored.append((name, upload))
        Attachment.objects.bulk_create(
            [
                Attachment(
                    correspondence=correspondence,
                    file=name,
                    name=upload.name,
                    content_type=upload.content_type,
                    size=upload.size,
                    sha256=upload.sha256,
                )
                for correspondence in correspondences
                for name, upload in stored
            ],
            batch_size=1000,
        )
    except BaseException:
        for name, _upload in stored:
            storage.delete(name)
        raise


def correspondences_publish_due(*, at=None):
    """Publish the scheduled messages whose time has come; return how many.

    Taken in batches, each in a transaction of its own. Rows another worker
    holds are skipped where the database can, so that two workers never
    publish the same message.
    """
    at = at or timezone.now()
    published = 0
    while True:
        with transaction.atomic():
            batch = _due_batch(at)
            if not batch:
                return published
            correspondences_publish(correspondences=batch, at=at)
            notifications_release(correspondence_ids=[c.pk for c in batch])
        published += len(batch)


def _due_batch(at):
    skip_locked = connection.features.has_select_for_update_skip_locked
    return list(
        Correspondence.objects.select_for_update(skip_locked=skip_locked)
        .filter(status=Correspondence.Status.SCHEDULED, publish_at__lte=at)
        .order_by("publish_at", "pk")[:PUBLISH_DUE_BATCH]
    )


@transaction.atomic
def correspondence_cancel(*, actor, correspondence):
    """Cancel a scheduled message before it is published; only its author can.

    A cancelled message never reaches its recipient, nor does its
    notification.
    """
    correspondence = Correspondence.objects.select_for_update().get(
        pk=correspondence.pk
    )
    if correspondence.created_by_id != actor.pk:
        raise PermissionDenied
    if correspondence.status != Correspondence.Status.SCHEDULED:
        raise ValidationError(
            _("Only a message that is not published yet can be cancelled."),
            code="not_scheduled",
        )

    now = timezone.now()
    correspondence.status = Correspondence.Status.CANCELLED
    correspondence.save(update_fields=["status"])
    StatusEvent.objects.create(
        correspondence=correspondence,
        kind=StatusEvent.Kind.CANCELLED,
        actor=actor,
        occurred_at=now,
    )
    notifications_cancel(correspondence=correspondence, at=now)
    return correspondence


@transaction.atomic
def draft_save(*, actor, party, fields, draft=None):
    """Keep what the author has written so far, as typed, for them alone."""
    if draft is None:
        draft = Draft(author=actor, sender=party)
    elif draft.author_id != actor.pk:
        raise PermissionDenied
    draft.fields = fields
    draft.title = str(fields.get("title", ""))[:255]
    draft.updated_at = timezone.now()
    if draft.pk is None:
        draft.save()
    else:
        draft.save(update_fields=["fields", "title", "updated_at"])
    return draft


@transaction.atomic
def draft_delete(*, actor, draft):
    """Throw the draft away; only its author can."""
    if draft.author_id != actor.pk:
        raise PermissionDenied
    draft.delete()
