"""
The rights that follow from the register (R1–R3).

Every person with a national identity number who holds a key role is Main
Administrator of the organisation and holds Mail/Archive, for as long as
the role is registered. Nothing else in the register gives anything.
"""

from django.db import transaction
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.audit.services import audit_record
from apps.delegations.models import Grant
from apps.delegations.services import access_group_ensure, membership_sync
from apps.organizations.models import Person, RegisterRole
from apps.roles.selectors import key_role_rights


def key_role_holders(*, organization):
    """Return the persons whose registered key roles count under R1."""
    return Person.objects.filter(
        register_roles__organization=organization,
        register_roles__holder_kind=RegisterRole.HolderKind.PERSON,
        register_roles__role_type__is_key_role=True,
        register_roles__is_deregistered=False,
        register_roles__ended_at__isnull=True,
    ).distinct()


@transaction.atomic
def register_rights_sync(*, organization):
    """Make the register-derived grants at `organization` match its roles.

    Return the number of grants started and ended.
    """
    holders = {p.pk: p for p in key_role_holders(organization=organization)}
    if organization.is_deleted:
        holders = {}
    started = ended = 0
    for right in key_role_rights():
        open_grants = {
            g.person_id: g
            for g in Grant.objects.select_for_update()
            .filter(
                access_group__organization=organization,
                access_group__right=right,
                source=Grant.Source.REGISTER,
                ended_at__isnull=True,
            )
            .select_related("person", "access_group")
        }
        missing = [p for pk, p in holders.items() if pk not in open_grants]
        gone = [g for pk, g in open_grants.items() if pk not in holders]
        if missing:
            access_group = access_group_ensure(organization=organization, right=right)
        for person in missing:
            Grant.objects.create(
                access_group=access_group, person=person, source=Grant.Source.REGISTER
            )
            membership_sync(person=person, access_group=access_group)
            _audit(AuditEntry.Action.REGISTER_GRANT, organization, person, right)
        for grant in gone:
            grant.ended_at = timezone.now()
            grant.end_reason = Grant.EndReason.REGISTER
            grant.save(update_fields=["ended_at", "end_reason"])
            membership_sync(person=grant.person, access_group=grant.access_group)
            _audit(AuditEntry.Action.REGISTER_END, organization, grant.person, right)
        started += len(missing)
        ended += len(gone)
    return started, ended


def _audit(action, organization, person, right):
    audit_record(
        action=action,
        organization=organization,
        subject=person,
        target=right.name_en,
        target_id=right.code,
    )
