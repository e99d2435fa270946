import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from apps.demo.seed import seed
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return seed(password=PASSWORD)


def _header_of(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    client.get(reverse("party"))
    return client.get(reverse("inbox")).content.decode()


def test_caseworker_sees_compose_and_sent_but_not_access(client, demo):
    header = _header_of(client, "caseworker")

    assert f'href="{reverse("compose")}"' in header
    assert f'href="{reverse("sent")}"' in header
    assert f'href="{reverse("access")}"' not in header


def test_main_administrator_sees_access_and_log_but_not_compose(client, demo):
    header = _header_of(client, "kari")

    assert f'href="{reverse("access")}"' in header
    assert f'href="{reverse("access_log")}"' in header
    assert f'href="{reverse("compose")}"' not in header
