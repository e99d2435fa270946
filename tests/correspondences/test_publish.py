import pytest
from django.core.exceptions import ValidationError
from guardian.shortcuts import get_groups_with_perms

from apps.correspondences.models import Correspondence, StatusEvent
from apps.correspondences.services import (
    correspondence_publish,
    service_policy_check,
)
from apps.delegations.models import AccessGroup
from apps.roles.models import Right
from tests.correspondences.support import publish, right
from tests.factories import CorrespondenceFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def _groups_of(correspondence):
    return set(get_groups_with_perms(correspondence).values_list("pk", flat=True))


def _access_group(organization, *, service=None, code=None):
    return AccessGroup.objects.get(
        organization=organization,
        service=service,
        right=right(code) if code else None,
    ).group_id


def test_publishing_ordinary_mail_gives_it_to_the_service_and_mail_archive(
    organization, ordinary_service
):
    correspondence = publish(ordinary_service, organization)

    assert _groups_of(correspondence) == {
        _access_group(organization, service=ordinary_service),
        _access_group(organization, code=Right.MAIL_ARCHIVE),
    }
    correspondence.refresh_from_db()
    assert correspondence.status == Correspondence.Status.PUBLISHED
    assert correspondence.published_at is not None
    assert list(correspondence.events.values_list("kind", flat=True)) == [
        StatusEvent.Kind.PUBLISHED
    ]


def test_publishing_confidential_mail_gives_it_to_what_its_policy_names_only(
    organization, confidential_service
):
    correspondence = publish(confidential_service, organization)

    assert _groups_of(correspondence) == {
        _access_group(organization, service=confidential_service),
        _access_group(organization, code=Right.MAIL_CONFIDENTIAL),
    }
    assert not AccessGroup.objects.filter(
        organization=organization, right__code=Right.MAIL_ARCHIVE
    ).exists()


def test_publishing_makes_the_groups_before_anybody_holds_them(
    organization, ordinary_service
):
    assert not AccessGroup.objects.filter(organization=organization).exists()

    publish(ordinary_service, organization)

    assert AccessGroup.objects.filter(organization=organization).count() == 2


def test_publishing_twice_changes_nothing(organization, ordinary_service):
    correspondence = publish(ordinary_service, organization)

    correspondence_publish(correspondence=correspondence)

    assert correspondence.events.count() == 1
    assert len(_groups_of(correspondence)) == 2


def test_a_cancelled_message_cannot_be_published(organization, ordinary_service):
    correspondence = CorrespondenceFactory(
        service=ordinary_service,
        recipient=organization,
        status=Correspondence.Status.CANCELLED,
    )

    with pytest.raises(ValidationError):
        correspondence_publish(correspondence=correspondence)

    assert not _groups_of(correspondence)


def test_policy_lets_ordinary_services_be_opened_by_mail_archive():
    service_policy_check(is_confidential=False, opened_by=[right(Right.MAIL_ARCHIVE)])


def test_policy_lets_confidential_services_be_opened_by_confidential_rights():
    service_policy_check(
        is_confidential=True, opened_by=[right(Right.MAIL_CONFIDENTIAL)]
    )
    service_policy_check(is_confidential=True, opened_by=[])


@pytest.mark.parametrize(
    "code", [Right.MAIL_ARCHIVE, Right.MAIN_ADMINISTRATOR, Right.ACCESS_MANAGER]
)
def test_policy_refuses_a_confidential_service_opened_by_a_wider_right(code):
    with pytest.raises(ValidationError):
        service_policy_check(
            is_confidential=True,
            opened_by=[right(Right.MAIL_CONFIDENTIAL), right(code)],
        )


def test_policy_refuses_main_administrator_even_if_marked_confidential():
    main_administrator = right(Right.MAIN_ADMINISTRATOR)
    main_administrator.is_confidential = True

    with pytest.raises(ValidationError) as refused:
        service_policy_check(is_confidential=True, opened_by=[main_administrator])

    assert refused.value.code == "main_administrator"


def test_services_made_by_factories_follow_the_policy(db):
    service = ServiceFactory(is_confidential=True)

    service_policy_check(
        is_confidential=service.is_confidential, opened_by=service.opened_by.all()
    )
