"""Who sees which message in the inbox, its count and its page (R3–R8)."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from apps.correspondences.models import Correspondence
from apps.correspondences.selectors import (
    correspondences_for_user,
    get_correspondence_for_user,
    unread_count_for_user,
)
from apps.delegations.services import delegation_revoke
from apps.roles.models import Right
from tests.correspondences.support import (
    act_for,
    detail_url,
    download_url,
    grant,
    key_role_holder_at,
    publish,
)
from tests.factories import (
    AttachmentFactory,
    CorrespondenceFactory,
    OrganizationFactory,
    PersonFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db


def _titles(user, party, **filters):
    return [c.title for c in correspondences_for_user(user, party=party, **filters)]


def assert_absent(client, user, party, correspondence, *, others_unread=0):
    """Assert R7: the message is nowhere, and its addresses answer as unknown."""
    assert correspondence.title not in _titles(user, party)
    assert correspondence.title not in _titles(user, party, search=correspondence.title)
    assert unread_count_for_user(user, party=party) == others_unread

    inbox = client.get(reverse("inbox"))
    assert correspondence.title not in inbox.content.decode()
    assert inbox.context["unread_count"] == others_unread
    search = client.get(reverse("inbox"), {"q": correspondence.title})
    assert search.context["correspondences"] == []

    attachment = AttachmentFactory(correspondence=correspondence)
    unknown = uuid.uuid4()
    for url, unknown_url in [
        (detail_url(correspondence), reverse("correspondence_detail", args=[unknown])),
        (
            download_url(attachment),
            reverse("attachment_download", args=[unknown, attachment.public_id]),
        ),
    ]:
        hidden, missing = client.get(url), client.get(unknown_url)
        assert hidden.status_code == missing.status_code == 404
        assert hidden.content == missing.content.replace(
            str(unknown).encode(), str(correspondence.public_id).encode()
        )
        assert correspondence.title.encode() not in hidden.content


def assert_readable(client, user, party, correspondence):
    assert correspondence.title in _titles(user, party)
    response = client.get(detail_url(correspondence))
    assert response.status_code == 200
    assert correspondence.title in response.content.decode()


def test_key_role_holder_reads_ordinary_mail(client, key_role_holder, ordinary_service):
    organization = key_role_holder.register_roles.get().organization
    correspondence = publish(ordinary_service, organization)
    act_for(client, key_role_holder.user, organization)

    assert unread_count_for_user(key_role_holder.user, party=organization) == 1
    assert_readable(client, key_role_holder.user, organization, correspondence)


def test_key_role_holder_cannot_see_confidential_mail(
    client, key_role_holder, confidential_service
):
    organization = key_role_holder.register_roles.get().organization
    correspondence = publish(confidential_service, organization)
    act_for(client, key_role_holder.user, organization)

    assert_absent(client, key_role_holder.user, organization, correspondence)


def test_main_administrator_cannot_open_confidential_before_self_grant(
    client, organization, general_manager, confidential_service
):
    main_administrator = PersonFactory(with_login=True)
    grant(
        general_manager,
        main_administrator,
        organization,
        code=Right.MAIN_ADMINISTRATOR,
    )
    correspondence = publish(confidential_service, organization)
    act_for(client, main_administrator.user, organization)

    assert_absent(client, main_administrator.user, organization, correspondence)


def test_superuser_cannot_see_confidential_mail(
    client, organization, general_manager, confidential_service, ordinary_service
):
    general_manager.user.is_superuser = general_manager.user.is_staff = True
    general_manager.user.save(update_fields=["is_superuser", "is_staff"])
    confidential = publish(confidential_service, organization)
    ordinary = publish(ordinary_service, organization)
    act_for(client, general_manager.user, organization)

    assert_absent(
        client, general_manager.user, organization, confidential, others_unread=1
    )
    assert _titles(general_manager.user, organization) == [ordinary.title]


def test_model_level_permission_opens_nothing(
    client, organization, general_manager, confidential_service
):
    general_manager.user.user_permissions.add(
        Permission.objects.get(codename="view_correspondence")
    )
    correspondence = publish(confidential_service, organization)
    act_for(client, general_manager.user, organization)

    assert_absent(client, general_manager.user, organization, correspondence)


def test_main_administrator_reads_confidential_after_granting_the_service_to_themself(
    client, organization, general_manager, confidential_service
):
    correspondence = publish(confidential_service, organization)
    grant(general_manager, general_manager, organization, service=confidential_service)
    act_for(client, general_manager.user, organization)

    assert unread_count_for_user(general_manager.user, party=organization) == 1
    assert_readable(client, general_manager.user, organization, correspondence)


def test_confidential_package_opens_services_whose_policy_names_it(
    client, organization, general_manager, confidential_service
):
    unnamed = ServiceFactory(is_confidential=True)
    named = publish(confidential_service, organization)
    other = publish(unnamed, organization)
    employee = PersonFactory(with_login=True)
    grant(general_manager, employee, organization, code=Right.MAIL_CONFIDENTIAL)
    act_for(client, employee.user, organization)

    assert_readable(client, employee.user, organization, named)
    assert_absent(client, employee.user, organization, other)


def test_revoked_grant_hides_the_message_on_the_next_request(
    client, organization, general_manager, confidential_service
):
    correspondence = publish(confidential_service, organization)
    employee = PersonFactory(with_login=True)
    employee_grant = grant(
        general_manager, employee, organization, service=confidential_service
    )
    grant(general_manager, employee, organization, code=Right.ACCESS_MANAGER)
    act_for(client, employee.user, organization)
    assert client.get(detail_url(correspondence)).status_code == 200

    delegation_revoke(actor=general_manager.user, grant=employee_grant)

    assert_absent(client, employee.user, organization, correspondence)


def test_expired_grant_opens_nothing_before_the_expiry_job_runs(
    client, organization, general_manager, confidential_service
):
    correspondence = publish(confidential_service, organization)
    employee = PersonFactory(with_login=True)
    grant(general_manager, employee, organization, code=Right.ACCESS_MANAGER)
    grant(
        general_manager,
        employee,
        organization,
        service=confidential_service,
        valid_until=timezone.now() + timedelta(hours=1),
    )
    act_for(client, employee.user, organization)
    assert client.get(detail_url(correspondence)).status_code == 200

    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        act_for(client, employee.user, organization)
        # Still in the Django group: nothing has ended the grant's row yet.
        assert employee.user.groups.exists()
        assert_absent(client, employee.user, organization, correspondence)


def test_another_partys_message_answers_404(
    client, organization, general_manager, ordinary_service
):
    elsewhere = OrganizationFactory()
    key_role_holder_at(elsewhere, code="LEDE")
    theirs = publish(ordinary_service, elsewhere)
    grant_elsewhere = key_role_holder_at(elsewhere)
    mine = publish(ordinary_service, organization)
    act_for(client, general_manager.user, organization)

    assert _titles(general_manager.user, organization) == [mine.title]
    assert client.get(detail_url(theirs)).status_code == 404
    assert theirs.title in _titles(grant_elsewhere.user, elsewhere)


@pytest.mark.parametrize(
    "status", [Correspondence.Status.DRAFT, Correspondence.Status.SCHEDULED]
)
def test_unpublished_message_answers_404(
    client, organization, general_manager, ordinary_service, status
):
    correspondence = CorrespondenceFactory(
        service=ordinary_service,
        recipient=organization,
        status=status,
        publish_at=timezone.now() + timedelta(days=1),
    )
    act_for(client, general_manager.user, organization)

    assert_absent(client, general_manager.user, organization, correspondence)


def test_cancelled_message_disappears_even_though_it_was_given_to_groups(
    client, organization, general_manager, ordinary_service
):
    correspondence = publish(ordinary_service, organization)
    Correspondence.objects.filter(pk=correspondence.pk).update(
        status=Correspondence.Status.CANCELLED
    )
    act_for(client, general_manager.user, organization)

    assert_absent(client, general_manager.user, organization, correspondence)


def test_selector_answers_404_for_an_unknown_id(organization, general_manager):
    from django.http import Http404

    with pytest.raises(Http404):
        get_correspondence_for_user(
            general_manager.user, party=organization, public_id=uuid.uuid4()
        )
