"""The inbox list: order, keyset pages, search and filters, and its cost."""

import pytest
from django.db import connection
from django.urls import reverse
from guardian.shortcuts import assign_perm

from apps.correspondences import selectors
from apps.correspondences.models import Correspondence
from apps.correspondences.services import (
    correspondence_archive,
    correspondence_confirm,
    correspondence_open,
)
from apps.delegations.selectors import access_group_ids_for_user
from apps.roles.models import Right
from tests.correspondences.support import act_for, grant, publish, right
from tests.factories import OrganizationFactory, PersonFactory, ServiceFactory

pytestmark = pytest.mark.django_db

# Both ways of reading a page must give the same answer. The per-group plan
# needs PostgreSQL (SQLite cannot limit inside a UNION), so on SQLite only
# the join runs; CI runs both.
PAGE_PLANS = [selectors._page_by_join]
if connection.vendor == "postgresql":
    PAGE_PLANS.append(selectors._page_by_group)


def _pages(plan, user, party, *, limit, **filters):
    group_ids = access_group_ids_for_user(user, organization=party)
    filters = {
        "party": party,
        "search": None,
        "service": None,
        "status": None,
        "archived": False,
        **filters,
    }
    pages, after = [], None
    while True:
        page = plan(
            user, group_ids=group_ids, filters=filters, after=after, limit=limit
        )
        if not page:
            return pages
        pages.append([c.title for c in page])
        after = page[-1].page_key


@pytest.fixture
def reader(organization, general_manager, ordinary_service, confidential_service):
    """An employee with Mail/Archive, one confidential service and one share.

    Messages on `ordinary_service`, which they also hold as a service, reach
    them through two groups at once.
    """
    person = PersonFactory(with_login=True)
    grant(general_manager, person, organization, code=Right.MAIL_ARCHIVE)
    grant(general_manager, person, organization, service=ordinary_service)
    grant(general_manager, person, organization, service=confidential_service)
    return person.user


def _mixed_mail(organization, ordinary_service, confidential_service, reader):
    """Publish 14 messages; return the titles the reader sees, newest first."""
    other_ordinary = ServiceFactory()
    other_ordinary.opened_by.set([right(Right.MAIL_ARCHIVE)])
    hidden_service = ServiceFactory(is_confidential=True)
    elsewhere = OrganizationFactory()
    visible = []
    for n in range(14):
        kind = n % 7
        if kind == 0:
            message = publish(ordinary_service, organization, title=f"both {n}")
        elif kind == 1:
            message = publish(other_ordinary, organization, title=f"archive {n}")
        elif kind == 2:
            message = publish(confidential_service, organization, title=f"conf {n}")
        elif kind == 3:
            message = publish(hidden_service, organization, title=f"shared {n}")
            assign_perm("correspondences.view_correspondence", reader, message)
        elif kind == 4:
            publish(hidden_service, organization, title=f"hidden {n}")
            continue
        elif kind == 5:
            publish(ordinary_service, elsewhere, title=f"elsewhere {n}")
            continue
        else:
            message = publish(ordinary_service, organization, title=f"archived {n}")
            correspondence_archive(correspondence=message, actor=None)
            continue
        visible.append(message.title)
    return visible[::-1]


@pytest.mark.parametrize("plan", PAGE_PLANS, ids=lambda plan: plan.__name__)
@pytest.mark.parametrize("limit", [1, 3, 25])
def test_every_plan_pages_through_exactly_what_the_reader_may_see(
    plan, limit, organization, ordinary_service, confidential_service, reader
):
    expected = _mixed_mail(organization, ordinary_service, confidential_service, reader)

    pages = _pages(plan, reader, organization, limit=limit)

    assert [title for page in pages for title in page] == expected
    assert all(len(page) == limit for page in pages[:-1])


@pytest.mark.parametrize("plan", PAGE_PLANS, ids=lambda plan: plan.__name__)
def test_every_plan_applies_the_same_filters(
    plan, organization, ordinary_service, confidential_service, reader
):
    expected = _mixed_mail(organization, ordinary_service, confidential_service, reader)
    first = Correspondence.objects.get(title=expected[-1])
    correspondence_open(correspondence=first, actor=reader)

    def flat(**filters):
        pages = _pages(plan, reader, organization, limit=2, **filters)
        return [title for page in pages for title in page]

    assert flat(search="conf") == [t for t in expected if t.startswith("conf")]
    assert flat(service=confidential_service) == flat(search="conf")
    assert flat(status="read") == [first.title]
    assert flat(status="unread") == expected[:-1]
    assert flat(archived=True) == ["archived 13", "archived 6"]


def test_inbox_shows_the_newest_page_and_a_link_to_older_messages(
    client, organization, general_manager, ordinary_service
):
    titles = [publish(ordinary_service, organization).title for _ in range(30)]
    act_for(client, general_manager.user, organization)

    first = client.get(reverse("inbox"))
    shown = [c.title for c in first.context["correspondences"]]
    second = client.get(reverse("inbox") + "?" + first.context["older"])

    assert shown == titles[::-1][:25]
    assert [c.title for c in second.context["correspondences"]] == titles[::-1][25:]
    assert second.context["older"] is None
    assert 'rel="next"' in first.content.decode()


def test_inbox_marks_unread_messages(
    client, organization, general_manager, ordinary_service
):
    read = publish(ordinary_service, organization, title="Lest melding")
    publish(ordinary_service, organization, title="Ulest melding")
    correspondence_open(correspondence=read, actor=general_manager.user)
    act_for(client, general_manager.user, organization)

    content = client.get(reverse("inbox")).content.decode()

    assert content.count('class="unread"') == 1
    unread_row = content[content.index('class="unread"') :]
    assert unread_row.index("Ulest melding") < unread_row.index("</tr>")


def test_inbox_searches_title_and_summary(
    client, organization, general_manager, ordinary_service
):
    by_title = publish(ordinary_service, organization, title="Barnehageplass")
    by_summary = publish(ordinary_service, organization, summary="Om barnehagen")
    publish(ordinary_service, organization, title="Skatt")
    act_for(client, general_manager.user, organization)

    response = client.get(reverse("inbox"), {"q": "barnehage"})

    assert {c.pk for c in response.context["correspondences"]} == {
        by_title.pk,
        by_summary.pk,
    }


def test_inbox_filters_by_status(
    client, organization, general_manager, ordinary_service
):
    unread = publish(ordinary_service, organization)
    read = publish(ordinary_service, organization)
    confirmed = publish(ordinary_service, organization, requires_confirmation=True)
    for message in (read, confirmed):
        correspondence_open(correspondence=message, actor=general_manager.user)
    correspondence_confirm(correspondence=confirmed, actor=general_manager.user)
    act_for(client, general_manager.user, organization)

    def listed(status):
        response = client.get(reverse("inbox"), {"status": status})
        return [c.pk for c in response.context["correspondences"]]

    assert listed("unread") == [unread.pk]
    assert listed("read") == [confirmed.pk, read.pk]
    assert listed("confirmed") == [confirmed.pk]
    assert listed("nonsense") == [confirmed.pk, read.pk, unread.pk]


def test_inbox_filters_by_service_among_the_readers_services(
    client, organization, general_manager, ordinary_service, confidential_service
):
    other = ServiceFactory()
    other.opened_by.set([right(Right.MAIL_ARCHIVE)])
    wanted = publish(other, organization)
    publish(ordinary_service, organization)
    act_for(client, general_manager.user, organization)

    response = client.get(reverse("inbox"), {"service": other.pk})

    assert [c.pk for c in response.context["correspondences"]] == [wanted.pk]
    offered = set(response.context["form"].fields["service"].queryset)
    assert {ordinary_service, other} <= offered
    assert confidential_service not in offered


def test_archived_messages_leave_the_inbox_for_the_archive(
    client, organization, general_manager, ordinary_service
):
    kept = publish(ordinary_service, organization)
    archived = publish(ordinary_service, organization)
    correspondence_archive(correspondence=archived, actor=general_manager.user)
    act_for(client, general_manager.user, organization)

    inbox = client.get(reverse("inbox"))
    archive = client.get(reverse("inbox"), {"archived": "1"})

    assert [c.pk for c in inbox.context["correspondences"]] == [kept.pk]
    assert [c.pk for c in archive.context["correspondences"]] == [archived.pk]
    assert inbox.context["unread_count"] == 1


def test_inbox_asks_for_a_party_first(client, general_manager):
    client.force_login(general_manager.user)

    response = client.get(reverse("inbox"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("party"))


@pytest.mark.parametrize("count", [5, 50])
def test_inbox_runs_the_same_queries_with_5_or_50_messages(
    count,
    client,
    organization,
    general_manager,
    ordinary_service,
    confidential_service,
    django_assert_num_queries,
):
    grant(general_manager, general_manager, organization, service=confidential_service)
    for n in range(count):
        publish(confidential_service if n % 2 else ordinary_service, organization)
    act_for(client, general_manager.user, organization)

    # 1 session, 2 user, 3 party (middleware); 4 the reader's groups for the
    # service choices; 5 their groups and 6 the page; 7 the party's rights
    # and 8 whether they send for it (header); 9 their groups, 10 the unread
    # count through groups and 11 of shared ones (badge); 12 the reader's
    # name (header); 13 the service choices; 14-16 saving the session in a
    # savepoint.
    with django_assert_num_queries(16):
        response = client.get(reverse("inbox"))

    assert len(response.context["correspondences"]) == min(count, 25)


def test_inbox_ignores_filters_that_do_not_fit(
    client, organization, general_manager, ordinary_service
):
    message = publish(ordinary_service, organization)
    act_for(client, general_manager.user, organization)

    response = client.get(
        reverse("inbox"), {"after": "x", "service": "999999", "status": "?"}
    )

    assert response.status_code == 200
    assert [c.pk for c in response.context["correspondences"]] == [message.pk]
