from collections import defaultdict

from django.db.models import Count, Exists, Min, OuterRef
from django.http import Http404
from django.utils import timezone

from apps.correspondences.models import (
    Correspondence,
    CorrespondenceGroupObjectPermission,
    CorrespondenceUserObjectPermission,
    Service,
)
from apps.delegations.models import AccessGroup, Grant
from apps.organizations.models import Person, RegisterRole
from apps.roles.models import Right

VIEW_CORRESPONDENCE = "view_correspondence"


def active_grants_for_user(user, *, organization=None, at=None):
    """Return the user's grants in force now, optionally at one organisation.

    Guarded reads ask this, not the user's Django groups, so that an expired
    grant opens nothing from the moment it expires (R8).
    """
    if not user.is_authenticated:
        return Grant.objects.none()
    grants = Grant.objects.active(at=at).filter(person__user=user)
    if organization is not None:
        grants = grants.filter(access_group__organization=organization)
    return grants


def access_group_ids_for_user(user, *, organization, at=None):
    """Return the ids of the Django groups the user is in now at `organization`."""
    grants = active_grants_for_user(user, organization=organization, at=at)
    return list(grants.values_list("access_group__group_id", flat=True).distinct())


def access_group_get(*, organization, service=None, right=None):
    """Return the access group for the right, or None if nobody ever held it."""
    return AccessGroup.objects.filter(
        organization=organization, service=service, right=right
    ).first()


def grants_for_organization(*, organization, at=None):
    """Return the grants in force at `organization`, for the access page."""
    return (
        Grant.objects.active(at=at or timezone.now())
        .filter(access_group__organization=organization)
        .select_related(
            "person",
            "granted_by__person",
            "access_group__service",
            "access_group__right",
        )
        .order_by("person__last_name", "person__first_name", "access_group_id")
    )


def person_identify(*, national_id, last_name):
    """Return the person with this number and last name, or None.

    Both an unknown number and a last name that does not match give None,
    so that the caller can answer both with one message (section 6).
    """
    person = Person.objects.filter(national_id=national_id).first()
    if person is None:
        return None
    if person.last_name.strip().casefold() != last_name.strip().casefold():
        return None
    return person


def holders_for_organization(*, organization, at=None):
    """Return who holds what at `organization`, one row per person.

    Each row has the person, their grants in force and the key roles they
    hold in the register, in two queries whatever the number of grants.
    """
    grants = list(grants_for_organization(organization=organization, at=at))
    person_ids = {g.person_id for g in grants}
    key_roles = defaultdict(list)
    roles = (
        RegisterRole.objects.filter(
            organization=organization,
            person_id__in=person_ids,
            holder_kind=RegisterRole.HolderKind.PERSON,
            role_type__is_key_role=True,
            is_deregistered=False,
            ended_at__isnull=True,
        )
        .select_related("role_type")
        .order_by("role_type_id")
    )
    for role in roles:
        key_roles[role.person_id].append(role.role_type)

    rows = {}
    for grant in grants:
        row = rows.setdefault(
            grant.person_id,
            {"person": grant.person, "key_roles": key_roles[grant.person_id]},
        )
        row.setdefault("grants", []).append(grant)
    return list(rows.values())


def get_grant_for_organization(*, organization, grant_id):
    """Return the grant in force at `organization` with this id, or 404."""
    grant = (
        grants_for_organization(organization=organization)
        .filter(pk=grant_id)
        .select_related("access_group__organization")
        .first()
    )
    if grant is None:
        raise Http404
    return grant


def grantable_for_user(user, *, organization):
    """Return the services and rights the user may give at `organization`.

    Main Administrators may give every active service and every right (R5);
    access managers only what they hold themselves.
    """
    services = Service.objects.filter(is_active=True).select_related("owner")
    rights = Right.objects.all()
    held = active_grants_for_user(user, organization=organization)
    codes = set(
        held.filter(access_group__right__isnull=False).values_list(
            "access_group__right__code", flat=True
        )
    )
    if Right.MAIN_ADMINISTRATOR not in codes:
        services = services.filter(
            access_groups__in=held.values("access_group")
        ).distinct()
        rights = rights.filter(code__in=codes)
    return list(services.order_by("name_nb", "pk")), list(rights)


def waiting_services_for_organization(*, organization):
    """Return the confidential services whose messages nobody there can read.

    A published confidential message waits while no user-level permission
    shares it and no access group holding `view_correspondence` on it has a
    grant in force. Each row gives the service (with its owner), how many
    messages wait and the oldest publication, never any content (R7). Two
    queries, whatever the number of messages.
    """
    readable_through_group = CorrespondenceGroupObjectPermission.objects.filter(
        content_object=OuterRef("pk"),
        permission__codename=VIEW_CORRESPONDENCE,
    ).filter(
        Exists(
            Grant.objects.active().filter(access_group__group_id=OuterRef("group_id"))
        )
    )
    shared = CorrespondenceUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), permission__codename=VIEW_CORRESPONDENCE
    )
    rows = list(
        Correspondence.objects.filter(
            recipient=organization,
            status=Correspondence.Status.PUBLISHED,
            is_confidential=True,
        )
        .exclude(Exists(readable_through_group))
        .exclude(Exists(shared))
        .values("service_id")
        .annotate(count=Count("pk"), oldest=Min("published_at"))
        .order_by("oldest", "service_id")
    )
    services = Service.objects.select_related("owner").in_bulk(
        [row["service_id"] for row in rows]
    )
    return [
        {
            "service": services[row["service_id"]],
            "count": row["count"],
            "oldest": row["oldest"],
        }
        for row in rows
    ]


def correspondence_readable_by(user, *, correspondence, organization):
    """Say whether the user may read the message now at `organization`.

    Through an access group they are in by a grant in force (R8), or a
    share of the message with them.
    """
    group_ids = access_group_ids_for_user(user, organization=organization)
    through_group = CorrespondenceGroupObjectPermission.objects.filter(
        content_object=correspondence,
        permission__codename=VIEW_CORRESPONDENCE,
        group_id__in=group_ids,
    )
    through_share = CorrespondenceUserObjectPermission.objects.filter(
        content_object=correspondence,
        permission__codename=VIEW_CORRESPONDENCE,
        user=user,
    )
    return through_group.exists() or through_share.exists()


def get_shareable_correspondence_for_user(user, *, party, public_id):
    """Return the party's published message that the user can read, or 404."""
    correspondence = (
        Correspondence.objects.filter(
            public_id=public_id,
            recipient=party,
            status=Correspondence.Status.PUBLISHED,
        )
        .select_related("service", "recipient")
        .first()
    )
    if correspondence is None or not correspondence_readable_by(
        user, correspondence=correspondence, organization=party
    ):
        raise Http404
    return correspondence


def shares_for_correspondence(*, correspondence):
    """Return the persons the message is shared with, one by one."""
    return Person.objects.filter(
        user__correspondenceuserobjectpermission__content_object=correspondence,
        user__correspondenceuserobjectpermission__permission__codename=(
            VIEW_CORRESPONDENCE
        ),
    ).order_by("last_name", "first_name", "pk")


def holders_for_user(user, *, organization):
    """Return `holders_for_organization`, each grant marked `revocable`.

    A grant is revocable by the user when it was delegated, not taken from
    the register, and is of a right the user may give.
    """
    services, rights = grantable_for_user(user, organization=organization)
    service_ids = {s.pk for s in services}
    right_ids = {r.pk for r in rights}
    rows = holders_for_organization(organization=organization)
    for row in rows:
        for grant in row["grants"]:
            group = grant.access_group
            grant.revocable = grant.source == Grant.Source.DELEGATION and (
                group.service_id in service_ids or group.right_id in right_ids
            )
    return rows


def person_get(*, pk):
    """Return the person, or 404 if they have been removed meanwhile."""
    person = Person.objects.select_related("user").filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def rights_get(*, service_ids, right_ids):
    """Return the active services and the rights with these ids."""
    services = Service.objects.filter(pk__in=service_ids, is_active=True)
    rights = Right.objects.filter(pk__in=right_ids)
    return list(services.select_related("owner")), list(rights)


def get_share_for_correspondence(*, correspondence, person_id):
    """Return the person the message is shared with, or 404."""
    person = shares_for_correspondence(correspondence=correspondence).filter(
        pk=person_id
    )
    person = person.select_related("user").first()
    if person is None:
        raise Http404
    return person
