"""
The writes that the import of the Register of Business Enterprises needs.

The register is the source of truth for organisations, persons named in
roles, and the roles themselves. These services take records that the
importer has already checked, and report what they changed so that the
importer can say so and recompute rights where roles changed (R1–R3).
"""

import datetime
from dataclasses import dataclass, field, replace

from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.audit.services import audit_record
from apps.organizations.models import (
    NotificationAddress,
    Organization,
    Person,
    RegisterRole,
)
from apps.organizations.validators import normalize_mobile_number
from apps.roles.models import RegisterRoleType

ORGANIZATION_FIELDS = [
    "name",
    "form",
    "parent_id",
    "is_bankrupt",
    "is_deleted",
    "deleted_on",
    "is_registered",
]
ROLE_FIELDS = [
    "holder_kind",
    "person_id",
    "holder_organization_id",
    "holder_name",
    "holder_birth_date",
    "holder_data",
    "is_deregistered",
    "ended_at",
]


@dataclass
class UnitRecord:
    """A unit or sub-unit as the register describes it.

    None means that the file does not say (a deleted unit carries little
    more than its number), so the stored value is kept; a parent_number of
    "" means that the unit has no parent.
    """

    number: str
    name: str | None = None
    form: str | None = None
    parent_number: str | None = None
    is_bankrupt: bool | None = None
    deleted_on: datetime.date | None = None
    is_deleted: bool = False


@dataclass
class RoleRecord:
    role_type_id: str
    holder_kind: str
    holder_key: str
    person_id: int | None = None
    holder_organization_id: int | None = None
    holder_name: str = ""
    holder_birth_date: datetime.date | None = None
    holder_data: dict | None = None
    is_deregistered: bool = False


@dataclass
class Changes:
    """The numbers of the organisations created and updated."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def organizations_ensure(*, numbers):
    """Return {number: Organization} for `numbers`, and the numbers created.

    A unit not seen before is created unregistered and without a name, until
    the unit itself is imported.
    """
    numbers = set(numbers)
    found = Organization.objects.in_bulk(numbers, field_name="number")
    missing = sorted(numbers - found.keys())
    if missing:
        Organization.objects.bulk_create(
            [Organization(number=n, is_registered=False) for n in missing],
            ignore_conflicts=True,
        )
        found.update(Organization.objects.in_bulk(missing, field_name="number"))
    return found, missing


@transaction.atomic
def organizations_upsert(*, units):
    """Create or update the organisations of `units` from the register.

    Return the Changes by number, and the organisations that existed before
    and whose deleted state changed, whose rights must be recomputed.
    """
    units = {unit.number: unit for unit in units}
    parents = {u.parent_number for u in units.values() if u.parent_number}
    organizations = Organization.objects.in_bulk(
        units.keys() | parents, field_name="number"
    )
    created = _organizations_create(units, parents, organizations)

    changes, deleted_changed, changed = Changes(), [], []
    for number, unit in units.items():
        organization = organizations[number]
        was_deleted = organization.is_deleted
        parent = organizations.get(unit.parent_number)
        if not _organization_apply(organization, unit, parent):
            continue
        changed.append(organization)
        if number not in created:
            changes.updated.append(number)
            if organization.is_deleted != was_deleted:
                deleted_changed.append(organization)
    # Small batches: in the statement that bulk_update writes, every row
    # walks a CASE over every row of its batch.
    Organization.objects.bulk_update(
        changed, [*ORGANIZATION_FIELDS, "updated_at"], batch_size=100
    )
    changes.created = sorted(created)
    return changes, deleted_changed


def _organizations_create(units, parents, organizations):
    """Create the units and parents missing from `organizations`, add them.

    A parent not imported itself is created unregistered and without a name.
    Parents are set afterwards, once every unit has an id.
    """
    new = []
    for number in units.keys() - organizations.keys():
        organization = Organization(number=number)
        _organization_apply(organization, replace(units[number], parent_number=None))
        new.append(organization)
    for number in parents - units.keys() - organizations.keys():
        new.append(Organization(number=number, is_registered=False))
    Organization.objects.bulk_create(new, ignore_conflicts=True)
    numbers = [o.number for o in new]
    organizations.update(Organization.objects.in_bulk(numbers, field_name="number"))
    return set(numbers)


def _organization_apply(organization, unit, parent=None):
    before = [getattr(organization, name) for name in ORGANIZATION_FIELDS]
    # Never replace a registered name with nothing.
    if unit.name:
        organization.name = unit.name
    if unit.form is not None:
        organization.form = unit.form
    if unit.is_bankrupt is not None:
        organization.is_bankrupt = unit.is_bankrupt
    if unit.parent_number is not None:
        organization.parent = parent
    organization.is_deleted = unit.is_deleted
    organization.deleted_on = unit.deleted_on
    organization.is_registered = True
    after = [getattr(organization, name) for name in ORGANIZATION_FIELDS]
    if before == after:
        return False
    organization.updated_at = timezone.now()
    return True


@transaction.atomic
def organization_mark_deleted(*, organization):
    """Mark `organization` deleted in the register; return whether it changed."""
    if organization.is_deleted:
        return False
    organization.is_deleted = True
    organization.save(update_fields=["is_deleted", "updated_at"])
    return True


@transaction.atomic
def register_role_types_ensure(*, descriptions):
    """Create the role types of `descriptions` ({code: text}) not known yet.

    A type the catalogue does not know is never a key role (R1). Return the
    codes created.
    """
    known = set(
        RegisterRoleType.objects.filter(code__in=descriptions).values_list(
            "code", flat=True
        )
    )
    missing = sorted(descriptions.keys() - known)
    RegisterRoleType.objects.bulk_create(
        [
            RegisterRoleType(code=c, name_nb=descriptions[c][:100], is_key_role=False)
            for c in missing
        ],
        ignore_conflicts=True,
    )
    return missing


@transaction.atomic
def person_upsert(*, national_id, first_name, middle_name, last_name):
    """Return the person with `national_id`, its names as the register says.

    The second value is "created", "updated" or "" for no change.
    """
    names = {
        "first_name": first_name[:100],
        "middle_name": middle_name[:100],
        "last_name": last_name[:100],
    }
    person, created = Person.objects.get_or_create(
        national_id=national_id, defaults=names
    )
    if created:
        return person, "created"
    changed = [k for k, v in names.items() if getattr(person, k) != v]
    if not changed:
        return person, ""
    for name in changed:
        setattr(person, name, names[name])
    person.save(update_fields=[*changed, "updated_at"])
    return person, "updated"


@transaction.atomic
def register_roles_replace(*, organization, roles):
    """Make the roles of `organization` those of `roles`, a complete list.

    A role missing from `roles` is ended, not deleted, so that the history
    stays. Return the numbers of roles created, updated and ended.
    """
    stored = {
        (r.role_type_id, r.holder_key): r
        for r in organization.register_roles.select_for_update()
    }
    now = timezone.now()
    new, updated, seen = [], 0, set()
    for record in roles:
        key = (record.role_type_id, record.holder_key)
        seen.add(key)
        role = stored.get(key)
        if role is None:
            new.append(_role_new(organization, record))
        elif _role_apply(role, record):
            role.save(update_fields=[*ROLE_FIELDS, "updated_at"])
            updated += 1
    RegisterRole.objects.bulk_create(new)

    gone = [r.pk for k, r in stored.items() if k not in seen and r.ended_at is None]
    RegisterRole.objects.filter(pk__in=gone).update(ended_at=now, updated_at=now)
    return len(new), updated, len(gone)


def _role_new(organization, record):
    role = RegisterRole(
        organization=organization,
        role_type_id=record.role_type_id,
        holder_key=record.holder_key,
    )
    _role_apply(role, record)
    return role


def _role_apply(role, record):
    before = [getattr(role, name) for name in ROLE_FIELDS]
    for name in ROLE_FIELDS[:-1]:
        setattr(role, name, getattr(record, name))
    role.ended_at = None
    return before != [getattr(role, name) for name in ROLE_FIELDS]


def notification_address_normalize(*, channel, address):
    address = address.strip()
    if channel == NotificationAddress.Channel.EMAIL:
        validate_email(address)
        return address.lower()
    return normalize_mobile_number(address)


@transaction.atomic
def notification_address_add(*, actor, organization, channel, address, ip_address=None):
    """Add an email address or mobile number to notify; refuse invalid ones.

    Return the address, or the one already there for the same value.
    """
    address = notification_address_normalize(channel=channel, address=address)
    entry, created = NotificationAddress.objects.get_or_create(
        organization=organization, channel=channel, address=address
    )
    if created:
        audit_record(
            action=AuditEntry.Action.ADDRESS_ADD,
            actor=actor,
            organization=organization,
            target=channel,
            target_id=entry.pk,
            ip_address=ip_address,
        )
    return entry


@transaction.atomic
def notification_address_remove(*, actor, address, ip_address=None):
    organization = address.organization
    entry_id, channel = address.pk, address.channel
    address.delete()
    audit_record(
        action=AuditEntry.Action.ADDRESS_REMOVE,
        actor=actor,
        organization=organization,
        target=channel,
        target_id=entry_id,
        ip_address=ip_address,
    )
