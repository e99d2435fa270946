import datetime

from django.db.models import Q
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.organizations.models import Person


def audit_entries_for_organization(
    *, organization, action=None, person=None, date_from=None, date_to=None
):
    """Return the organisation's access log, newest first, filtered.

    `person` matches entries they did and entries done to them; the dates
    are local days, both included.
    """
    entries = AuditEntry.objects.filter(organization=organization)
    if action:
        entries = entries.filter(action=action)
    if person is not None:
        done_by = Q(actor_id=person.user_id) if person.user_id else Q(pk__in=[])
        entries = entries.filter(Q(subject=person) | done_by)
    if date_from is not None:
        entries = entries.filter(occurred_at__gte=_local_midnight(date_from))
    if date_to is not None:
        next_day = date_to + datetime.timedelta(days=1)
        entries = entries.filter(occurred_at__lt=_local_midnight(next_day))
    return entries.select_related("actor__person", "subject").order_by(
        "-occurred_at", "-id"
    )


def audit_persons_for_organization(*, organization):
    """Return the persons who appear in the organisation's log, by name."""
    entries = AuditEntry.objects.filter(organization=organization)
    return Person.objects.filter(
        Q(pk__in=entries.values("subject_id"))
        | Q(user__in=entries.filter(actor__isnull=False).values("actor_id"))
    ).order_by("last_name", "first_name", "pk")


def _local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
