"""The sending side's fixtures: an agency, its services and its caseworker."""

import pytest

from apps.roles.models import Right
from tests.correspondences.sending_support import (
    caseworker_at,
    caseworker_client,
    receiving_organization,
)
from tests.correspondences.support import key_role_holder_at, right
from tests.factories import OrganizationFactory, ServiceFactory


@pytest.fixture
def agency(db):
    return OrganizationFactory(name="Solbakken barneverntjeneste", form="KOMM")


@pytest.fixture
def agency_admin(agency):
    return key_role_holder_at(agency)


@pytest.fixture
def secret_service(agency):
    service = ServiceFactory(owner=agency, is_confidential=True)
    service.opened_by.set([right(Right.MAIL_CONFIDENTIAL)])
    return service


@pytest.fixture
def open_service(agency):
    service = ServiceFactory(owner=agency)
    service.opened_by.set([right(Right.MAIL_ARCHIVE)])
    return service


@pytest.fixture
def caseworker(agency, agency_admin, secret_service, open_service):
    return caseworker_at(agency, agency_admin, secret_service, open_service)


@pytest.fixture
def kindergarten(db):
    return receiving_organization()


@pytest.fixture
def caseworker_browsing(client, caseworker, agency):
    """Return a test client logged in as the caseworker, acting for the agency."""
    client.cookies["django_language"] = "en"
    return caseworker_client(client, caseworker, agency)
