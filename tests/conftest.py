import pytest

from apps.roles.catalogue import catalogue_load
from apps.roles.models import RegisterRoleType, Right
from apps.roles.services import register_rights_sync
from tests.factories import PASSWORD, RegisterRoleFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    # Production serves hashed names from collectstatic's manifest; tests
    # serve the files as they are in the tree.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _catalogue(request):
    # Tests that run outside a transaction flush the database afterwards,
    # the rows of the catalogue's data migration included.
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        catalogue_load(role_types=RegisterRoleType, rights=Right)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def key_role_holder(db):
    """Return the person holding DAGL of a fresh organisation, rights synced."""
    role = RegisterRoleFactory()
    register_rights_sync(organization=role.organization)
    return role.person
