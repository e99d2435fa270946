"""
Grants and revocations of the rights an organisation hands out.

A grant changes only who is in an access group; the messages the group may
read stay where they are. Every change is written to the access log (R14).
"""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from apps.audit.models import AuditEntry
from apps.audit.services import audit_record
from apps.correspondences.models import CorrespondenceUserObjectPermission
from apps.delegations.models import AccessGroup, Grant
from apps.delegations.selectors import (
    VIEW_CORRESPONDENCE,
    active_grants_for_user,
    correspondence_readable_by,
)
from apps.roles.models import Right
from apps.roles.selectors import right_codes_for_user

BATCH_SIZE = 500


def _group_name(organization, service, right):
    subject = f"service:{service.code}" if service else f"right:{right.code}"
    return f"{organization.number}:{subject}"


def _carries_permission(organization, service, right):
    # Main Administrators manage access to the organisation; an agency's
    # own service is sent on by those granted it there.
    if right is not None:
        return right.code == Right.MAIN_ADMINISTRATOR
    return service.owner_id == organization.pk


def access_group_ensure(*, organization, service=None, right=None):
    """Return the access group for the right, creating it and its group.

    A new group gets the object permissions that the right carries at the
    organisation: managing access for Main Administrators, sending for a
    service the organisation owns.
    """
    group = AccessGroup.objects.filter(
        organization=organization, service=service, right=right
    ).first()
    if group is not None:
        return group

    django_group = Group.objects.create(name=_group_name(organization, service, right))
    group = AccessGroup.objects.create(
        organization=organization, service=service, right=right, group=django_group
    )
    if _carries_permission(organization, service, right):
        if right is not None:
            assign_perm("organizations.manage_access", django_group, organization)
        else:
            assign_perm("correspondences.send_correspondence", django_group, service)
    return group


def access_groups_create(*, subjects):
    """Create the access groups for (organisation, service, right) triples.

    The caller has checked that none of them exists yet. Groups are made in
    bulk; the rare one that carries an object permission of its own is made
    by access_group_ensure, which assigns it. Return the new groups keyed by
    (organisation id, service id, right id).
    """
    made, plain = {}, []
    for organization, service, right in subjects:
        if _carries_permission(organization, service, right):
            group = access_group_ensure(
                organization=organization, service=service, right=right
            )
            made[(group.organization_id, group.service_id, group.right_id)] = group
        else:
            plain.append((organization, service, right))
    if not plain:
        return made

    django_groups = Group.objects.bulk_create(
        [Group(name=_group_name(*subject)) for subject in plain],
        batch_size=BATCH_SIZE,
    )
    created = AccessGroup.objects.bulk_create(
        [
            AccessGroup(organization=org, service=service, right=right, group=group)
            for (org, service, right), group in zip(plain, django_groups, strict=True)
        ],
        batch_size=BATCH_SIZE,
    )
    for group in created:
        made[(group.organization_id, group.service_id, group.right_id)] = group
    return made


def membership_sync(*, person, access_group):
    """Put the person's login in the group exactly while a grant is in force."""
    if person.user_id is None:
        return
    in_force = (
        Grant.objects.active().filter(person=person, access_group=access_group).exists()
    )
    if in_force:
        person.user.groups.add(access_group.group_id)
    else:
        person.user.groups.remove(access_group.group_id)


def _check_may_grant(*, actor, organization, service, right):
    held = right_codes_for_user(actor, organization=organization)
    if Right.MAIN_ADMINISTRATOR in held:
        return
    if Right.ACCESS_MANAGER not in held:
        raise PermissionDenied
    if right is not None and right.code not in held:
        raise PermissionDenied
    if service is not None:
        holds_service = (
            active_grants_for_user(actor, organization=organization)
            .filter(access_group__service=service)
            .exists()
        )
        if not holds_service:
            raise PermissionDenied


@transaction.atomic
def delegation_grant(
    *,
    actor,
    organization,
    person,
    service=None,
    right=None,
    valid_until=None,
    ip_address=None,
):
    """Grant a service, package or role at `organization` to `person` (R5).

    Main Administrators may grant anything; access managers only what they
    hold themselves. Granting what the person already holds by delegation
    extends or shortens it instead of adding a second grant.
    """
    _check_may_grant(
        actor=actor, organization=organization, service=service, right=right
    )
    access_group = access_group_ensure(
        organization=organization, service=service, right=right
    )
    grant = (
        Grant.objects.select_for_update()
        .filter(
            access_group=access_group,
            person=person,
            source=Grant.Source.DELEGATION,
            ended_at__isnull=True,
        )
        .first()
    )
    if grant is None:
        grant = Grant.objects.create(
            access_group=access_group,
            person=person,
            source=Grant.Source.DELEGATION,
            granted_by=actor,
            valid_until=valid_until,
        )
    else:
        grant.valid_until = valid_until
        grant.granted_by = actor
        grant.granted_at = timezone.now()
        grant.save(update_fields=["valid_until", "granted_by", "granted_at"])

    membership_sync(person=person, access_group=access_group)
    audit_record(
        action=AuditEntry.Action.GRANT,
        actor=actor,
        organization=organization,
        subject=person,
        target=access_group.subject,
        target_id=access_group.pk,
        ip_address=ip_address,
        details={"valid_until": valid_until.isoformat() if valid_until else None},
    )
    return grant


@transaction.atomic
def delegations_grant(
    *,
    actor,
    organization,
    person,
    services=(),
    rights=(),
    valid_until=None,
    ip_address=None,
):
    """Grant each of the services and rights to `person`, all or none.

    One right the actor may not give refuses the whole request.
    """
    subjects = [{"service": s} for s in services] + [{"right": r} for r in rights]
    return [
        delegation_grant(
            actor=actor,
            organization=organization,
            person=person,
            valid_until=valid_until,
            ip_address=ip_address,
            **subject,
        )
        for subject in subjects
    ]


@transaction.atomic
def delegation_revoke(*, actor, grant, ip_address=None):
    """End a delegated grant at once (R8). Register grants end in the register."""
    access_group = grant.access_group
    if grant.source != Grant.Source.DELEGATION:
        raise PermissionDenied
    _check_may_grant(
        actor=actor,
        organization=access_group.organization,
        service=access_group.service,
        right=access_group.right,
    )
    grant.ended_at = timezone.now()
    grant.ended_by = actor
    grant.end_reason = Grant.EndReason.REVOKED
    grant.save(update_fields=["ended_at", "ended_by", "end_reason"])

    membership_sync(person=grant.person, access_group=access_group)
    audit_record(
        action=AuditEntry.Action.REVOKE,
        actor=actor,
        organization=access_group.organization,
        subject=grant.person,
        target=access_group.subject,
        target_id=access_group.pk,
        ip_address=ip_address,
    )


@transaction.atomic
def grants_expire_due(*, at=None):
    """End the grants whose time has run out, and take their logins out.

    Reads already treat such grants as ended; this makes the rows and the
    Django groups say so too, and logs each expiry.
    """
    at = at or timezone.now()
    due = list(
        Grant.objects.select_for_update()
        .filter(ended_at__isnull=True, valid_until__lte=at)
        .select_related("access_group__organization", "person")
    )
    for grant in due:
        grant.ended_at = grant.valid_until
        grant.end_reason = Grant.EndReason.EXPIRED
        grant.save(update_fields=["ended_at", "end_reason"])
        membership_sync(person=grant.person, access_group=grant.access_group)
        audit_record(
            action=AuditEntry.Action.EXPIRE,
            organization=grant.access_group.organization,
            subject=grant.person,
            target=grant.access_group.subject,
            target_id=grant.access_group.pk,
        )
    return len(due)


def person_memberships_sync(*, person):
    """Bring a login's groups in line with the person's grants.

    Used when a login is linked to a person who already holds grants.
    """
    if person.user_id is None:
        return
    group_ids = set(
        Grant.objects.active()
        .filter(person=person)
        .values_list("access_group__group_id", flat=True)
    )
    managed = set(
        person.user.groups.filter(access_group__isnull=False).values_list(
            "pk", flat=True
        )
    )
    person.user.groups.remove(*(managed - group_ids))
    person.user.groups.add(*(group_ids - managed))


def _check_may_share(*, actor, correspondence):
    organization = correspondence.recipient
    held = right_codes_for_user(actor, organization=organization)
    if not held & {Right.MAIN_ADMINISTRATOR, Right.ACCESS_MANAGER}:
        raise PermissionDenied
    readable = correspondence_readable_by(
        actor, correspondence=correspondence, organization=organization
    )
    if not readable:
        raise PermissionDenied


def _share_exists(*, correspondence, user):
    return CorrespondenceUserObjectPermission.objects.filter(
        content_object=correspondence,
        user=user,
        permission__codename=VIEW_CORRESPONDENCE,
    ).exists()


@transaction.atomic
def correspondence_share(*, actor, correspondence, person, ip_address=None):
    """Let one person read one message, by a permission on their login.

    Only a Main Administrator or access manager of the recipient who can
    read the message themself may share it. A person who has never logged
    in has no login to give it to.
    """
    _check_may_share(actor=actor, correspondence=correspondence)
    if person.user_id is None:
        raise ValidationError(
            _(
                "This person has never logged in to Taushet, so a message "
                "cannot be shared with them yet. Ask them to log in once."
            ),
            code="no_login",
        )
    if _share_exists(correspondence=correspondence, user=person.user):
        return

    assign_perm(VIEW_CORRESPONDENCE, person.user, correspondence)
    _audit_share(AuditEntry.Action.SHARE, actor, correspondence, person, ip_address)


@transaction.atomic
def correspondence_unshare(*, actor, correspondence, person, ip_address=None):
    """Take one person's share of one message away, at once (R8)."""
    _check_may_share(actor=actor, correspondence=correspondence)
    if person.user_id is None or not _share_exists(
        correspondence=correspondence, user=person.user
    ):
        return

    remove_perm(VIEW_CORRESPONDENCE, person.user, correspondence)
    _audit_share(AuditEntry.Action.UNSHARE, actor, correspondence, person, ip_address)


def _audit_share(action, actor, correspondence, person, ip_address):
    # The service and the id say which message; never its title (R7).
    audit_record(
        action=action,
        actor=actor,
        organization=correspondence.recipient,
        subject=person,
        target=correspondence.service,
        target_id=correspondence.public_id,
        ip_address=ip_address,
    )
