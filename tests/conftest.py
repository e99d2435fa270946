import pytest

from apps.roles.services import register_rights_sync
from tests.factories import PASSWORD, RegisterRoleFactory


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def key_role_holder(db):
    """Return the person holding DAGL of a fresh organisation, rights synced."""
    role = RegisterRoleFactory()
    register_rights_sync(organization=role.organization)
    return role.person
