import pytest
from django.utils import translation

from apps.roles.catalogue import catalogue_load
from apps.roles.models import RegisterRoleType, Right
from apps.roles.services import register_rights_sync
from config.celery import app as celery_app
from tests.factories import PASSWORD, RegisterRoleFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_unless_asked(settings):
    # Tests read English text; the browser tests ask for Bokmål as a person
    # in Norway would, and tests/test_translations.py checks the catalogue.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _tasks_in_process():
    # Tasks run where they are queued, as on the embedded default, whatever
    # broker the environment names; the tests of the worker start their own
    # Redis and worker processes.
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


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
