import pytest

from apps.organizations.models import NotificationAddress
from apps.roles.models import Right
from tests.factories import OrganizationFactory, ServiceFactory


@pytest.fixture(autouse=True)
def _notification_settings(settings, tmp_path):
    # Retries without waiting, and SMS to a file the test can read.
    settings.NOTIFICATION_RETRY_DELAY_SECONDS = 0
    settings.SMS_TRANSPORT = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms.jsonl"
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    }


@pytest.fixture
def recipient(db):
    organization = OrganizationFactory(name="Solsikken barnehage AS")
    NotificationAddress.objects.create(
        organization=organization, channel="email", address="post@solsikken.no"
    )
    NotificationAddress.objects.create(
        organization=organization, channel="sms", address="+47 912 34 567"
    )
    return organization


@pytest.fixture
def confidential_service(db):
    service = ServiceFactory(
        is_confidential=True,
        name_nb="Barnevern – bekymringsmelding",
        name_en="Child welfare – report of concern",
        owner=OrganizationFactory(name="Bufetat region øst", form="ORGL"),
    )
    service.opened_by.set([Right.objects.get(code=Right.MAIL_CONFIDENTIAL)])
    return service


@pytest.fixture
def ordinary_service(db):
    service = ServiceFactory(owner=OrganizationFactory(name="Skatteetaten"))
    service.opened_by.set([Right.objects.get(code=Right.MAIL_ARCHIVE)])
    return service
