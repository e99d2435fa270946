import pytest
from django.core.files.storage import InMemoryStorage

from apps.correspondences.models import Attachment
from apps.roles.models import Right
from tests.correspondences.support import key_role_holder_at, right
from tests.factories import OrganizationFactory, ServiceFactory


@pytest.fixture(autouse=True)
def _attachments_in_memory(monkeypatch):
    # The field took its storage when the model was loaded; swap that.
    field = Attachment._meta.get_field("file")
    monkeypatch.setattr(field, "storage", InMemoryStorage())


@pytest.fixture
def organization(db):
    return OrganizationFactory()


@pytest.fixture
def general_manager(organization):
    """Return the DAGL of `organization`: Main Administrator and Mail/Archive."""
    return key_role_holder_at(organization)


@pytest.fixture
def ordinary_service(db):
    service = ServiceFactory()
    service.opened_by.set([right(Right.MAIL_ARCHIVE)])
    return service


@pytest.fixture
def confidential_service(db):
    service = ServiceFactory(is_confidential=True)
    service.opened_by.set([right(Right.MAIL_CONFIDENTIAL)])
    return service


@pytest.fixture(autouse=True)
def _unread_badge(settings):
    # The header's unread badge, as the project settings register it.
    processor = "apps.correspondences.context_processors.unread_count"
    options = settings.TEMPLATES[0]["OPTIONS"]
    if processor not in options["context_processors"]:
        settings.TEMPLATES = [
            {
                **settings.TEMPLATES[0],
                "OPTIONS": {
                    **options,
                    "context_processors": [*options["context_processors"], processor],
                },
            }
        ]
