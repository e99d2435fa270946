"""
What a reader may see of the correspondence of the party they act for.

Every page that shows correspondence asks these. A message is readable when
it was given to one of the reader's access groups at the party, by a grant
in force now (R8), or shared with the reader alone. Nothing else opens it:
not the superuser flag, not a model-level permission (R4). What the reader
may not read does not exist for them (R7).
"""

from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404

from apps.correspondences.models import (
    Attachment,
    Correspondence,
    CorrespondenceGroupObjectPermission,
    CorrespondenceUserObjectPermission,
    Service,
    ServiceGroupObjectPermission,
)
from apps.delegations.selectors import (
    access_group_ids_for_user,
    active_grants_for_user,
)

STATUS_FILTERS = {
    "unread": {"first_opened_at__isnull": True},
    "read": {"first_opened_at__isnull": False},
    "confirmed": {"confirmed_at__isnull": False},
}


# The header badge counts no further; it reads "99+" beyond.
UNREAD_COUNT_CAP = 100


def _view_permission_id():
    # A scalar subquery rather than a join, so that PostgreSQL compares with
    # a constant and can walk the permission table's (group, permission, -id)
    # index in order.
    return Subquery(
        Permission.objects.filter(
            codename="view_correspondence",
            content_type__app_label="correspondences",
            content_type__model="correspondence",
        ).values("pk")[:1]
    )


def _through_groups(*, group_ids, outer="pk"):
    return Exists(
        CorrespondenceGroupObjectPermission.objects.filter(
            content_object=OuterRef(outer),
            permission_id=_view_permission_id(),
            group_id__in=group_ids,
        )
    )


def _shared(user, *, outer="pk"):
    return Exists(
        CorrespondenceUserObjectPermission.objects.filter(
            content_object=OuterRef(outer),
            permission_id=_view_permission_id(),
            user_id=user.pk,
        )
    )


def _readable(user, *, group_ids, outer="pk"):
    return _through_groups(group_ids=group_ids, outer=outer) | _shared(
        user, outer=outer
    )


def _prefixed(prefix, **lookups):
    return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})


def _matching(*, party, search, service, status, archived, prefix=""):
    """Return the reader's filters, on fields reached through `prefix`.

    With `party` None the recipient is left out, for rows that can only
    belong to the party anyway.
    """
    q = _prefixed(
        prefix, status=Correspondence.Status.PUBLISHED, archived_at__isnull=not archived
    )
    if party is not None:
        q &= _prefixed(prefix, recipient_id=party.pk)
    if search:
        q &= _prefixed(prefix, title__icontains=search) | _prefixed(
            prefix, summary__icontains=search
        )
    if service is not None:
        q &= _prefixed(prefix, service_id=getattr(service, "pk", service))
    if status in STATUS_FILTERS:
        q &= _prefixed(prefix, **STATUS_FILTERS[status])
    return q


def _page_key():
    # The first permission row written when the message was published.
    return Subquery(
        CorrespondenceGroupObjectPermission.objects.filter(
            content_object=OuterRef("pk")
        )
        .order_by("pk")
        .values("pk")[:1]
    )


def _page(candidates, *, after, limit):
    page = candidates.annotate(page_key=_page_key())
    if after is not None:
        page = page.filter(page_key__lt=after)
    page = page.select_related("sender", "service").order_by("-page_key")
    return list(page[:limit])


def _page_by_join(user, *, group_ids, filters, after, limit):
    candidates = Correspondence.objects.filter(
        _matching(**filters), _readable(user, group_ids=group_ids)
    )
    return _page(candidates, after=after, limit=limit)


def _page_by_group(user, *, group_ids, filters, after, limit):
    # The newest `limit` rows of each access group, found through the
    # permission table's own index, and the few messages shared with the
    # user: at most limit × groups candidates, however many messages the
    # party has. A group's rows need no test of the recipient: the groups
    # are the party's, and publishing gives a message only to groups at its
    # recipient. Leaving it out keeps PostgreSQL on the index, instead of a
    # plan that reads and sorts all of a large group's rows.
    in_group = _matching(**{**filters, "party": None}, prefix="content_object__")
    matching = _matching(**filters, prefix="content_object__")
    newest = []
    for group_id in group_ids:
        rows = CorrespondenceGroupObjectPermission.objects.filter(
            in_group, group_id=group_id, permission_id=_view_permission_id()
        )
        if after is not None:
            rows = rows.filter(pk__lt=after)
        newest.append(rows.order_by("-pk").values("content_object_id")[:limit])
    shared = CorrespondenceUserObjectPermission.objects.filter(
        matching, user_id=user.pk, permission_id=_view_permission_id()
    ).values("content_object_id")
    candidates = Correspondence.objects.filter(
        pk__in=shared.union(*newest), recipient_id=filters["party"].pk
    )
    return _page(candidates, after=after, limit=limit)


def correspondences_for_user(
    user,
    *,
    party,
    search=None,
    service=None,
    status=None,
    archived=False,
    after=None,
    limit=25,
):
    """Return one page of what the user may read now at `party`, newest first.

    Messages are ordered by their publication number: the id of the first
    permission row written when each was published. Rows are written in
    publication order, one recipient at a time, so within every access
    group the order of the rows is the order of the messages. That lets
    PostgreSQL read the newest page of each of the user's groups straight
    from the permission table's index and merge them, at a cost of
    O(page × groups) whatever the number of messages; SQLite joins.

    Each message carries `page_key`; pass the last one as `after` for the
    next, older page. `status` is one of STATUS_FILTERS.
    """
    if not user.is_authenticated:
        return []
    group_ids = access_group_ids_for_user(user, organization=party)
    filters = {
        "party": party,
        "search": search,
        "service": service,
        "status": status,
        "archived": archived,
    }
    page = _page_by_group if connection.vendor == "postgresql" else _page_by_join
    return page(user, group_ids=group_ids, filters=filters, after=after, limit=limit)


def _readable_at(user, *, party):
    if not user.is_authenticated:
        return Correspondence.objects.none()
    group_ids = access_group_ids_for_user(user, organization=party)
    return Correspondence.objects.filter(
        _readable(user, group_ids=group_ids),
        recipient_id=party.pk,
        status=Correspondence.Status.PUBLISHED,
    )


def get_correspondence_for_user(user, *, party, public_id):
    """Return the message if the user may read it now at `party`, or 404.

    Unknown, unreadable, another party's and unpublished messages all give
    the same 404 (R7).
    """
    correspondence = (
        _readable_at(user, party=party)
        .filter(public_id=public_id)
        .select_related("sender", "service", "recipient")
        .first()
    )
    if correspondence is None:
        raise Http404
    return correspondence


def get_attachment_for_user(
    user, *, party, correspondence_public_id, attachment_public_id
):
    """Return the attachment if the user may read its message, or 404."""
    if not user.is_authenticated:
        raise Http404
    group_ids = access_group_ids_for_user(user, organization=party)
    attachment = (
        Attachment.objects.filter(
            _readable(user, group_ids=group_ids, outer="correspondence_id"),
            public_id=attachment_public_id,
            correspondence__public_id=correspondence_public_id,
            correspondence__recipient_id=party.pk,
            correspondence__status=Correspondence.Status.PUBLISHED,
        )
        .select_related("correspondence__recipient", "correspondence__service")
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def unread_count_for_user(user, *, party):
    """Count, up to UNREAD_COUNT_CAP, the unopened messages the user may read.

    Messages open to the user's groups and those shared with them alone are
    counted apart: one test for both would make PostgreSQL read every
    permission row of the user's groups first, a cost that grows with the
    party's mail. The cap bounds the first count; the badge shows "99+".
    """
    if not user.is_authenticated:
        return 0
    group_ids = access_group_ids_for_user(user, organization=party)
    unread = Correspondence.objects.filter(
        recipient_id=party.pk,
        status=Correspondence.Status.PUBLISHED,
        first_opened_at__isnull=True,
        archived_at__isnull=True,
    )
    through_groups = unread.filter(_through_groups(group_ids=group_ids))
    shared_only = unread.filter(_shared(user), ~_through_groups(group_ids=group_ids))
    return min(
        through_groups[:UNREAD_COUNT_CAP].count() + shared_only.count(),
        UNREAD_COUNT_CAP,
    )


def services_for_user(user, *, party):
    """Return the services whose messages the user's grants at `party` open.

    For the inbox's service filter: a service granted itself, or one whose
    policy names a package or role the user holds there.
    """
    if not user.is_authenticated:
        return Service.objects.none()
    group_ids = access_group_ids_for_user(user, organization=party)
    granted = Q(access_groups__group_id__in=group_ids)
    opened = Q(
        opened_by__access_groups__group_id__in=group_ids,
        opened_by__access_groups__organization_id=party.pk,
    )
    return Service.objects.filter(granted | opened).distinct().order_by("name_nb")


def sends_for_party(user, *, party):
    """Return whether the user may send on any service of `party`, in one query."""
    if not user.is_authenticated or party is None:
        return False
    group_ids = active_grants_for_user(user, organization=party).values(
        "access_group__group_id"
    )
    return ServiceGroupObjectPermission.objects.filter(
        group_id__in=group_ids,
        permission__codename="send_correspondence",
        content_object__owner_id=party.pk,
        content_object__is_active=True,
    ).exists()


def services_for_sender(user, *, party):
    """Return the services of `party` that the user may send on now.

    Sending is the object permission send_correspondence on the service,
    held by the group of the agency's access group for it. Only the groups
    of the user's grants in force count, not the user's Django groups, so
    that a revoked or expired grant stops sending at once (R8).
    """
    if not user.is_authenticated or party is None:
        return Service.objects.none()
    group_ids = access_group_ids_for_user(user, organization=party)
    may_send = ServiceGroupObjectPermission.objects.filter(
        content_object=OuterRef("pk"),
        group_id__in=group_ids,
        permission__codename="send_correspondence",
        permission__content_type__app_label="correspondences",
    )
    return Service.objects.filter(
        Exists(may_send), owner_id=party.pk, is_active=True
    ).order_by("name_nb", "pk")
