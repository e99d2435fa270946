import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from apps.accounts.middleware import SESSION_KEY
from tests.factories import CorrespondenceFactory, OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_key_role_holder_with_one_party_lands_in_its_inbox(client, key_role_holder):
    client.force_login(key_role_holder.user)

    response = client.get(reverse("party"))

    assert response.status_code == 302
    assert response.url == reverse("inbox")
    organization = key_role_holder.register_roles.get().organization
    assert client.session[SESSION_KEY] == organization.number


def test_person_without_rights_cannot_choose_an_organization(client):
    person = PersonFactory(with_login=True)
    other = OrganizationFactory()
    client.force_login(person.user)

    response = client.post(reverse("party"), {"party": other.number})

    assert response.status_code == 404
    assert SESSION_KEY not in client.session


def test_person_with_one_shared_message_can_act_for_its_recipient(client):
    person = PersonFactory(with_login=True)
    message = CorrespondenceFactory(status="published")
    assign_perm("correspondences.view_correspondence", person.user, message)
    client.force_login(person.user)

    response = client.post(reverse("party"), {"party": message.recipient.number})

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == message.recipient.number
