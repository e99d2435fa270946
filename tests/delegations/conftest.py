import pytest
from django.test import Client

from tests.delegations.factories import act_for, main_administrator_of
from tests.factories import OrganizationFactory


@pytest.fixture
def organization():
    return OrganizationFactory(name="Solsikken barnehage AS")


@pytest.fixture
def kari(organization):
    """Return the organisation's general manager, Main Administrator by R2."""
    return main_administrator_of(organization, first_name="Kari", last_name="Nordmann")


@pytest.fixture
def kari_client(client, organization, kari):
    return act_for(client, kari, organization)


@pytest.fixture
def client_factory():
    """Return a maker of fresh browsers, for a second person at once."""
    return Client
