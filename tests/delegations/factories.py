"""Data and page steps for the access-management tests."""

from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from apps.accounts.middleware import SESSION_KEY
from apps.correspondences.models import (
    Correspondence,
    CorrespondenceGroupObjectPermission,
)
from apps.delegations.services import access_group_ensure, delegation_grant
from apps.roles.models import RegisterRoleType, Right
from apps.roles.services import register_rights_sync
from tests.factories import (
    CorrespondenceFactory,
    OrganizationFactory,
    PersonFactory,
    RegisterRoleFactory,
    ServiceFactory,
)


def main_administrator_of(organization=None, **person_fields):
    """Return a person holding DAGL at the organisation, rights synced (R2)."""
    organization = organization or OrganizationFactory()
    person = PersonFactory(with_login=True, **person_fields)
    RegisterRoleFactory(organization=organization, person=person)
    register_rights_sync(organization=organization)
    return person


def employee_of(organization, person=None, **person_fields):
    """Return a person who may act for the organisation but holds nothing.

    A board member: a role in the register that is no key role (R1).
    """
    person = person or PersonFactory(with_login=True, **person_fields)
    RegisterRoleFactory(
        organization=organization,
        person=person,
        role_type=RegisterRoleType.objects.get(code="MEDL"),
    )
    return person


def act_for(client, person, organization):
    """Log the person in on `client`, acting for `organization`, in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(person.user)
    session = client.session
    session[SESSION_KEY] = organization.number
    session.save()
    return client


def confidential_service(**fields):
    return ServiceFactory(is_confidential=True, **fields)


def published(*, service, recipient, count=1, published_at=None, **fields):
    """Return published messages readable by the service's access group.

    What publishing does, done by hand: the messages and the group's
    permission rows, each in one bulk insert.
    """
    published_at = published_at or timezone.now()
    messages = Correspondence.objects.bulk_create(
        CorrespondenceFactory.build(
            service=service,
            recipient=recipient,
            status=Correspondence.Status.PUBLISHED,
            published_at=published_at,
            **fields,
        )
        for _ in range(count)
    )
    group = access_group_ensure(organization=recipient, service=service).group
    view = Permission.objects.get(
        content_type__app_label="correspondences", codename="view_correspondence"
    )
    CorrespondenceGroupObjectPermission.objects.bulk_create(
        CorrespondenceGroupObjectPermission(
            group=group, permission=view, content_object=message
        )
        for message in messages
    )
    return messages


def give_access(
    client, person, *, services=(), rights=(), valid_until="", national_id=None
):
    """Walk the three steps of giving access; return the last response."""
    first = client.post(
        reverse("access_give"),
        {
            "national_id": national_id or person.national_id,
            "last_name": person.last_name,
        },
    )
    assert first.status_code == 200, first
    second = client.post(
        reverse("access_give_choose"),
        {
            "state": first.context["state"],
            "services": [s.pk for s in services],
            "rights": [r.pk for r in rights],
            "valid_until": valid_until,
        },
    )
    assert second.status_code == 200, second
    return client.post(
        reverse("access_give_confirm"), {"state": second.context["state"]}
    )


def access_manager_of(organization, *, granted_by, services=(), **person_fields):
    """Return a person made access manager by `granted_by`, with `services`."""
    person = PersonFactory(with_login=True, **person_fields)
    subjects = [{"right": Right.objects.get(code=Right.ACCESS_MANAGER)}]
    subjects += [{"service": service} for service in services]
    for subject in subjects:
        delegation_grant(
            actor=granted_by.user, organization=organization, person=person, **subject
        )
    return person
