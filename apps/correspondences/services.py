"""
The receiving side of a correspondence: publishing it to the access groups
that may read it, and what a reader does with it afterwards.

Publishing is the only time a message is given to groups. Who is in a group
changes with grants; the message stays where it was put.
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.models import AuditEntry
from apps.audit.services import audit_record
from apps.correspondences.models import (
    Correspondence,
    CorrespondenceGroupObjectPermission,
    Service,
    StatusEvent,
)
from apps.delegations.models import AccessGroup
from apps.delegations.services import access_groups_create
from apps.organizations.models import Organization
from apps.roles.models import Right

VIEW_PERMISSION = "view_correspondence"


def service_policy_check(*, is_confidential, opened_by):
    """Refuse a policy that would open a service's messages too widely.

    Ordinary services are meant for Mail/Archive (R3). A confidential service
    may be opened only by its own grant or by confidential rights (R4, R6),
    and never by the Main Administrator role.
    """
    if not is_confidential:
        return
    codes = {right.code for right in opened_by}
    if Right.MAIN_ADMINISTRATOR in codes:
        raise ValidationError(
            _("A confidential service can never be opened by Main Administrator."),
            code="main_administrator",
        )
    ordinary = sorted(right.name for right in opened_by if not right.is_confidential)
    if ordinary:
        raise ValidationError(
            _(
                "A confidential service can be opened only by confidential "
                "rights, not by: %(rights)s."
            ),
            params={"rights": ", ".join(ordinary)},
            code="ordinary_right",
        )


def _event(correspondence, kind, *, actor, at):
    StatusEvent.objects.create(
        correspondence=correspondence, kind=kind, actor=actor, occurred_at=at
    )


@transaction.atomic
def correspondence_publish(*, correspondence, actor=None, at=None):
    """Publish the message; see correspondences_publish."""
    correspondences_publish(correspondences=[correspondence], actor=actor, at=at)
    return correspondence


@transaction.atomic
def correspondences_publish(*, correspondences, actor=None, at=None):
    """Publish the messages and give each to the groups its service's policy
    names, in a fixed number of bulk statements however many there are.

    At the receiving organisation: the group of the service itself, always,
    and the group of each access package or role in the service's
    `opened_by`. The groups are made here if nobody holds them yet, so that a
    later grant changes only who is in them. A message already published is
    left as it is; a cancelled one refuses the whole call.

    Publications to one recipient are taken one at a time (a lock on the
    recipient, taken in recipient id order so that two publications cannot
    wait on each other), so that the permission rows of its messages are
    numbered in publication order; the inbox pages by those numbers.
    """
    pending = [
        c for c in correspondences if c.status != Correspondence.Status.PUBLISHED
    ]
    if any(c.status == Correspondence.Status.CANCELLED for c in pending):
        raise ValidationError(_("A cancelled message cannot be published."))
    if not pending:
        return correspondences

    at = at or timezone.now()
    recipient_ids = sorted({c.recipient_id for c in pending})
    recipients = list(
        Organization.objects.select_for_update().filter(pk__in=recipient_ids)
    )
    groups = _policy_groups(recipients, {c.service_id for c in pending})
    permission = Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Correspondence),
        codename=VIEW_PERMISSION,
    )
    pending.sort(key=lambda c: (c.recipient_id, c.pk))
    CorrespondenceGroupObjectPermission.objects.bulk_create(
        [
            CorrespondenceGroupObjectPermission(
                permission=permission, group_id=group_id, content_object=c
            )
            for c in pending
            for group_id in groups[c.recipient_id, c.service_id]
        ],
        ignore_conflicts=True,
        batch_size=BATCH_SIZE,
    )

    ids = [c.pk for c in pending]
    for start in range(0, len(ids), BATCH_SIZE):
        Correspondence.objects.filter(pk__in=ids[start : start + BATCH_SIZE]).update(
            status=Correspondence.Status.PUBLISHED, published_at=at
        )
    for correspondence in pending:
        correspondence.status = Correspondence.Status.PUBLISHED
        correspondence.published_at = at
    StatusEvent.objects.bulk_create(
        [
            StatusEvent(
                correspondence=c,
                kind=StatusEvent.Kind.PUBLISHED,
                actor=actor,
                occurred_at=at,
            )
            for c in pending
        ],
        batch_size=BATCH_SIZE,
    )
    return correspondences


BATCH_SIZE = 1000


def _policy_groups(recipients, service_ids):
    """Return the Django group ids that each (recipient id, service id)
    gives its messages to, making the access groups that are missing.
    """
    services = Service.objects.prefetch_related("opened_by").in_bulk(service_ids)
    wanted = {
        (recipient, service): [{"service": service}]
        + [{"right": right} for right in service.opened_by.all()]
        for recipient in recipients
        for service in services.values()
    }
    existing = _access_groups_by_subject(recipients, services.values())
    missing = {}
    for (recipient, _service), subjects in wanted.items():
        for subject in subjects:
            key = _subject_key(recipient.pk, **subject)
            if key not in existing:
                missing[key] = (recipient, subject)
    existing |= access_groups_create(
        subjects=[
            (recipient, subject.get("service"), subject.get("right"))
            for recipient, subject in missing.values()
        ]
    )
    return {
        (recipient.pk, service.pk): [
            existing[_subject_key(recipient.pk, **subject)].group_id
            for subject in subjects
        ]
        for (recipient, service), subjects in wanted.items()
    }


def _subject_key(organization_id, *, service=None, right=None):
    return (organization_id, getattr(service, "pk", None), getattr(right, "pk", None))


def _access_groups_by_subject(recipients, services):
    rights = {right for service in services for right in service.opened_by.all()}
    found = AccessGroup.objects.filter(
        Q(service__in=list(services)) | Q(right__in=list(rights)),
        organization__in=list(recipients),
    )
    return {(g.organization_id, g.service_id, g.right_id): g for g in found}


def _audit_reading(action, *, correspondence, actor, ip_address, details=None):
    audit_record(
        action=action,
        actor=actor,
        organization=correspondence.recipient,
        target=correspondence.service.name_en,
        target_id=correspondence.public_id,
        ip_address=ip_address,
        details=details,
    )


@transaction.atomic
def correspondence_open(*, correspondence, actor, ip_address=None):
    """Record that the reader opened the message.

    The first opening is part of the message's status, seen by its sender.
    Every opening of a confidential message goes into the access log (R14).
    """
    now = timezone.now()
    first = Correspondence.objects.filter(
        pk=correspondence.pk, first_opened_at__isnull=True
    ).update(first_opened_at=now)
    if first:
        correspondence.first_opened_at = now
        _event(correspondence, StatusEvent.Kind.OPENED, actor=actor, at=now)
    if first and correspondence.is_confidential:
        # The organisation's R12 reminder lists unopened confidential mail;
        # it drops this one as soon as the opening is committed.
        from apps.notifications.tasks import organization_reminder_sync

        recipient_id = correspondence.recipient_id
        transaction.on_commit(lambda: organization_reminder_sync.delay(recipient_id))
    if correspondence.is_confidential:
        _audit_reading(
            AuditEntry.Action.OPEN,
            correspondence=correspondence,
            actor=actor,
            ip_address=ip_address,
        )
    return correspondence


@transaction.atomic
def correspondence_confirm(*, correspondence, actor):
    """Confirm the message, once, where its sender asked for confirmation."""
    if not correspondence.requires_confirmation:
        raise ValidationError(_("This message does not ask for confirmation."))
    if correspondence.confirmed_at is not None:
        return correspondence

    now = timezone.now()
    correspondence.confirmed_at = now
    correspondence.save(update_fields=["confirmed_at"])
    _event(correspondence, StatusEvent.Kind.CONFIRMED, actor=actor, at=now)
    return correspondence


@transaction.atomic
def correspondence_archive(*, correspondence, actor):
    """Move the message out of the organisation's inbox into its archive."""
    if correspondence.archived_at is not None:
        return correspondence

    now = timezone.now()
    correspondence.archived_at = now
    correspondence.save(update_fields=["archived_at"])
    _event(correspondence, StatusEvent.Kind.ARCHIVED, actor=actor, at=now)
    return correspondence


@transaction.atomic
def correspondence_unarchive(*, correspondence, actor):
    """Put an archived message back in the organisation's inbox."""
    if correspondence.archived_at is None:
        return correspondence

    correspondence.archived_at = None
    correspondence.save(update_fields=["archived_at"])
    _event(correspondence, StatusEvent.Kind.UNARCHIVED, actor=actor, at=timezone.now())
    return correspondence


def attachment_download(*, attachment, actor, ip_address=None):
    """Record the download in the access log and return the open file.

    R14 logs every download, of ordinary mail too. The log names the
    attachment by its id, never by its file name.
    """
    _audit_reading(
        AuditEntry.Action.DOWNLOAD,
        correspondence=attachment.correspondence,
        actor=actor,
        ip_address=ip_address,
        details={"attachment": str(attachment.public_id)},
    )
    return attachment.file.open("rb")
