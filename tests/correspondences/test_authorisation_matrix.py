"""
Who may do what with one message, for every kind of holder (R3–R7).

A message is readable through Mail/Archive for key roles (R3) when it is
ordinary, never automatically when it is confidential (R4), through a grant
of its service or of a package its policy names (R5, R6), or through a
share. Whoever may read it may list, count, search, open, download and
confirm it; to everybody else it does not exist (R7).
"""

import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from apps.correspondences.selectors import (
    correspondences_for_user,
    unread_count_for_user,
)
from apps.roles.models import Right
from tests.correspondences.support import act_for, grant, key_role_holder_at, publish
from tests.factories import (
    AttachmentFactory,
    OrganizationFactory,
    PersonFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ACTIONS = ["listed", "counted", "searched", "opened", "downloaded", "confirmed"]
KEY_ROLES = ["DAGL", "LEDE", "INNH", "BEST", "DTSO", "DTPR", "REPR"]

# holder: (reads ordinary mail, reads confidential mail)
EXPECTED = {
    **dict.fromkeys(KEY_ROLES, (True, False)),
    "main administrator": (False, False),
    "main administrator, self-granted the confidential service": (False, True),
    "access manager": (False, False),
    "employee with the ordinary service": (True, False),
    "employee with mail with confidential content": (False, True),
    "employee with the message shared": (True, True),
    "employee with nothing": (False, False),
    "operator (superuser)": (False, False),
    "key role elsewhere": (False, False),
}


class World:
    def __init__(self, organization, general_manager, ordinary, confidential):
        self.organization = organization
        self.general_manager = general_manager
        self.services = {"ordinary": ordinary, "confidential": confidential}

    def employee(self, **grants):
        person = PersonFactory(with_login=True)
        for subject in grants.values():
            grant(self.general_manager, person, self.organization, **subject)
        return person.user, self.organization


def _holder(name, world, message):
    """Return the holder's login and the party they act for (None: none)."""
    organization = world.organization
    if name == "DAGL":
        return world.general_manager.user, organization
    if name in KEY_ROLES:
        return key_role_holder_at(organization, code=name).user, organization
    if name == "main administrator":
        return world.employee(role={"code": Right.MAIN_ADMINISTRATOR})
    if name == "main administrator, self-granted the confidential service":
        user, party = world.employee(role={"code": Right.MAIN_ADMINISTRATOR})
        grant(
            user.person,
            user.person,
            organization,
            service=world.services["confidential"],
        )
        return user, party
    if name == "access manager":
        return world.employee(role={"code": Right.ACCESS_MANAGER})
    if name == "employee with the ordinary service":
        return world.employee(service={"service": world.services["ordinary"]})
    if name == "employee with mail with confidential content":
        return world.employee(package={"code": Right.MAIL_CONFIDENTIAL})
    if name == "employee with the message shared":
        # An unrelated service lets them act for the organisation at all.
        user, party = world.employee(service={"service": ServiceFactory()})
        assign_perm("correspondences.view_correspondence", user, message)
        return user, party
    if name == "employee with nothing":
        return PersonFactory(with_login=True).user, None
    if name == "operator (superuser)":
        return UserFactory(is_superuser=True, is_staff=True), None
    if name == "key role elsewhere":
        elsewhere = OrganizationFactory()
        return key_role_holder_at(elsewhere).user, elsewhere
    raise AssertionError(name)


def _outcomes(client, user, organization, message, attachment):
    listed = correspondences_for_user(user, party=organization)
    found = correspondences_for_user(user, party=organization, search=message.title)
    counted = unread_count_for_user(user, party=organization)
    detail = client.get(reverse("correspondence_detail", args=[message.public_id]))
    download = client.get(
        reverse("attachment_download", args=[message.public_id, attachment.public_id])
    )
    confirm = client.post(reverse("correspondence_confirm", args=[message.public_id]))
    message.refresh_from_db()
    outcomes = {
        "listed": message in listed,
        "counted": counted == 1,
        "searched": message in found,
        "opened": detail.status_code == 200,
        "downloaded": download.status_code == 200,
        "confirmed": message.confirmed_at is not None,
    }
    return outcomes, (detail, download, confirm)


@pytest.mark.parametrize("kind", ["ordinary", "confidential"])
@pytest.mark.parametrize("holder", list(EXPECTED))
def test_holder_may_do_exactly_what_the_rules_allow(
    holder,
    kind,
    client,
    organization,
    general_manager,
    ordinary_service,
    confidential_service,
):
    world = World(organization, general_manager, ordinary_service, confidential_service)
    message = publish(world.services[kind], organization, requires_confirmation=True)
    attachment = AttachmentFactory(correspondence=message)
    user, party = _holder(holder, world, message)
    if party is None:
        client.force_login(user)
    else:
        act_for(client, user, party)

    outcomes, responses = _outcomes(client, user, organization, message, attachment)

    may_read = EXPECTED[holder][kind == "confidential"]
    assert outcomes == dict.fromkeys(ACTIONS, may_read)
    if not may_read:
        # Acting for a party, the message is unknown there; acting for
        # none, they are sent to choose one first.
        expected_status = 404 if party is not None else 302
        assert [r.status_code for r in responses] == [expected_status] * 3
        assert message.first_opened_at is None
