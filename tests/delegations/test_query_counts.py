"""A grant or a revocation costs the same however many messages (section 7)."""

import pytest

from apps.delegations.services import (
    access_group_ensure,
    delegation_grant,
    delegation_revoke,
)
from tests.delegations.factories import (
    confidential_service,
    main_administrator_of,
    published,
)
from tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

# The savepoint; the rights the actor holds; the access group; an open
# grant to extend; the insert; whether a grant is in force; the membership;
# the service's name for the log; the log entry; the savepoint's release.
GRANT_QUERIES = 10
# The savepoint; the organisation; the rights the actor holds; the update;
# whether a grant is in force; the membership; the log entry; the release.
REVOKE_QUERIES = 8


@pytest.fixture(params=[10, 2_000], ids=lambda n: f"{n}-messages")
def organization_with_messages(request):
    organization = OrganizationFactory()
    service = confidential_service()
    published(service=service, recipient=organization, count=request.param)
    return organization, service


def test_main_administrator_grants_in_constant_queries(
    organization_with_messages, django_assert_num_queries
):
    organization, service = organization_with_messages
    kari = main_administrator_of(organization)
    ola = PersonFactory(with_login=True)
    access_group_ensure(organization=organization, service=service)

    with django_assert_num_queries(GRANT_QUERIES):
        delegation_grant(
            actor=kari.user, organization=organization, person=ola, service=service
        )


def test_main_administrator_revokes_in_constant_queries(
    organization_with_messages, django_assert_num_queries
):
    organization, service = organization_with_messages
    kari = main_administrator_of(organization)
    grant = delegation_grant(
        actor=kari.user,
        organization=organization,
        person=PersonFactory(with_login=True),
        service=service,
    )

    with django_assert_num_queries(REVOKE_QUERIES):
        delegation_revoke(actor=kari.user, grant=grant)
