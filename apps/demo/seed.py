"""
Build the demo world of apps/demo/data.py. Running it again changes nothing.
"""

import itertools

from django.contrib.auth import get_user_model
from django.db import transaction

from apps.audit.models import AuditEntry
from apps.audit.services import audit_record
from apps.correspondences.models import Correspondence, Service
from apps.correspondences.services import correspondence_publish
from apps.delegations.models import Grant
from apps.delegations.services import access_group_ensure, membership_sync
from apps.demo import data
from apps.organizations.models import (
    NotificationAddress,
    Organization,
    Person,
    RegisterRole,
)
from apps.organizations.validators import (
    national_identity_number_complete,
    organization_number_complete,
)
from apps.roles.models import RegisterRoleType, Right
from apps.roles.services import register_rights_sync


def _organization_number(prefix):
    for digit in range(10):
        number = organization_number_complete(f"{prefix}{digit}")
        if number:
            return number
    raise ValueError(prefix)


def synthetic_national_id(ddmmyy):
    """Return a valid synthetic number (month plus 80) for a birth date."""
    day, month, year = ddmmyy[:2], int(ddmmyy[2:4]) + 80, ddmmyy[4:]
    for individual in itertools.count(100):
        number = national_identity_number_complete(
            f"{day}{month}{year}{individual:03d}"
        )
        if number:
            return number


@transaction.atomic
def seed(*, password):
    """Create what is missing of the demo world; return the organisations."""
    organizations = {
        key: Organization.objects.get_or_create(
            number=_organization_number(prefix),
            defaults={"name": name, "form": form, "is_registered": True},
        )[0]
        for key, prefix, name, form in data.ORGANIZATIONS
    }
    people = {
        login: _person(login, first, last, born, password)
        for login, first, last, born in data.PEOPLE
    }
    _operator(password)

    for org_key, code, holder in data.REGISTER_ROLES:
        _register_role(organizations[org_key], code, holder, people, organizations)
    for organization in organizations.values():
        register_rights_sync(organization=organization)

    for agency, code, name_nb, name_en, confidential in data.SERVICES:
        _service(organizations[agency], code, name_nb, name_en, confidential)
    for login, agency in data.SENDERS:
        for service in organizations[agency].owned_services.all():
            _grant(people[login], organizations[agency], service)
    for org_key, channel, address in data.NOTIFICATION_ADDRESSES:
        NotificationAddress.objects.get_or_create(
            organization=organizations[org_key], channel=channel, address=address
        )
    authors = {agency: people[login].user for login, agency in data.SENDERS}
    for row in data.MESSAGES:
        _message(organizations, authors, *row)
    return organizations


def _person(login, first, last, born, password):
    user, created = get_user_model().objects.get_or_create(username=login)
    if created:
        user.set_password(password)
        user.first_name, user.last_name = first, last
        user.save(update_fields=["password", "first_name", "last_name"])
    person, _ = Person.objects.get_or_create(
        national_id=synthetic_national_id(born),
        defaults={"first_name": first, "last_name": last, "user": user},
    )
    return person


def _operator(password):
    users = get_user_model().objects
    if not users.filter(username="operator").exists():
        users.create_superuser("operator", "operator@localhost", password)


def _register_role(organization, code, holder, people, organizations):
    role_type = RegisterRoleType.objects.get(code=code)
    if holder.startswith("org:"):
        holder_org = organizations[holder.removeprefix("org:")]
        defaults = {
            "holder_kind": RegisterRole.HolderKind.ORGANIZATION,
            "holder_organization": holder_org,
            "holder_name": holder_org.name,
        }
        key = f"org:{holder_org.number}"
    else:
        person = people[holder]
        defaults = {
            "holder_kind": RegisterRole.HolderKind.PERSON,
            "person": person,
            "holder_name": person.full_name,
        }
        key = f"person:{person.pk}"
    RegisterRole.objects.get_or_create(
        organization=organization,
        role_type=role_type,
        holder_key=key,
        defaults=defaults,
    )


def _service(owner, code, name_nb, name_en, confidential):
    service, created = Service.objects.get_or_create(
        code=code,
        defaults={
            "owner": owner,
            "name_nb": name_nb,
            "name_en": name_en,
            "is_confidential": confidential,
        },
    )
    if created:
        opened_by = Right.MAIL_CONFIDENTIAL if confidential else Right.MAIL_ARCHIVE
        service.opened_by.set([Right.objects.get(code=opened_by)])
    return service


def _grant(person, organization, service):
    # The demo's agencies have no Main Administrator of their own, so their
    # caseworkers' rights are written as the operator would, and logged.
    access_group = access_group_ensure(organization=organization, service=service)
    grant, created = Grant.objects.get_or_create(
        access_group=access_group,
        person=person,
        source=Grant.Source.DELEGATION,
        ended_at=None,
    )
    if created:
        membership_sync(person=person, access_group=access_group)
        audit_record(
            action=AuditEntry.Action.GRANT,
            organization=organization,
            subject=person,
            target=service,
            target_id=access_group.pk,
            details={"by": "seed_demo"},
        )
    return grant


def _message(organizations, authors, agency, code, recipient, reference, *texts):
    service = Service.objects.get(code=code)
    title, summary, body = texts
    correspondence, created = Correspondence.objects.get_or_create(
        sender=organizations[agency],
        recipient=organizations[recipient],
        sender_reference=reference,
        defaults={
            "service": service,
            "created_by": authors[agency],
            "title": title,
            "summary": summary,
            "body": body,
            "is_confidential": service.is_confidential,
            "status": Correspondence.Status.DRAFT,
        },
    )
    if created:
        correspondence_publish(correspondence=correspondence)
    return correspondence
