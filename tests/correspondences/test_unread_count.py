import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from apps.correspondences import selectors
from tests.correspondences.support import act_for, publish
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_message_both_shared_and_open_to_a_group_counts_once(
    organization, general_manager, ordinary_service
):
    message = publish(ordinary_service, organization)
    assign_perm("correspondences.view_correspondence", general_manager.user, message)

    count = selectors.unread_count_for_user(general_manager.user, party=organization)

    assert count == 1


def test_shared_message_counts_for_an_employee_with_nothing_else(
    organization, ordinary_service
):
    employee = PersonFactory(with_login=True)
    shared = publish(ordinary_service, organization)
    publish(ordinary_service, organization)
    assign_perm("correspondences.view_correspondence", employee.user, shared)

    assert selectors.unread_count_for_user(employee.user, party=organization) == 1


def test_badge_stops_counting_at_the_cap_and_reads_99_plus(
    client, organization, general_manager, ordinary_service, monkeypatch
):
    monkeypatch.setattr(selectors, "UNREAD_COUNT_CAP", 3)
    for _ in range(5):
        publish(ordinary_service, organization)
    act_for(client, general_manager.user, organization)

    count = selectors.unread_count_for_user(general_manager.user, party=organization)
    response = client.get(reverse("inbox"))

    assert count == 3
    assert response.context["unread_count"] == 3
    monkeypatch.setattr(selectors, "UNREAD_COUNT_CAP", 100)
    for _ in range(96):
        publish(ordinary_service, organization)
    assert b">99+</span>" in client.get(reverse("inbox")).content
