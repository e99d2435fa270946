"""Small steps that the correspondence tests take through the real services."""

from django.urls import reverse

from apps.accounts.middleware import SESSION_KEY
from apps.correspondences.services import correspondence_publish
from apps.delegations.services import delegation_grant
from apps.roles.models import RegisterRoleType, Right
from apps.roles.services import register_rights_sync
from tests.factories import CorrespondenceFactory, RegisterRoleFactory


def right(code):
    return Right.objects.get(code=code)


def publish(service, recipient, **fields):
    correspondence = CorrespondenceFactory(
        service=service, recipient=recipient, **fields
    )
    return correspondence_publish(correspondence=correspondence)


def key_role_holder_at(organization, code="DAGL"):
    role = RegisterRoleFactory(
        organization=organization, role_type=RegisterRoleType.objects.get(code=code)
    )
    register_rights_sync(organization=organization)
    return role.person


def grant(actor, person, organization, *, service=None, code=None, **kwargs):
    return delegation_grant(
        actor=actor.user,
        organization=organization,
        person=person,
        service=service,
        right=right(code) if code else None,
        **kwargs,
    )


def act_for(client, user, organization):
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = organization.number
    session.save()
    return client


def detail_url(correspondence):
    return reverse("correspondence_detail", args=[correspondence.public_id])


def download_url(attachment):
    return reverse(
        "attachment_download",
        args=[attachment.correspondence.public_id, attachment.public_id],
    )
