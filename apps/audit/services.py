from apps.audit.models import AuditEntry


def client_address(request):
    """Return the address the request came from, as the proxy set-up says."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action,
    actor=None,
    organization=None,
    subject=None,
    target="",
    target_id="",
    ip_address=None,
    details=None,
):
    """Append one entry to the access log. Never pass message content here."""
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        organization=organization,
        subject=subject,
        target=str(target)[:255],
        target_id=str(target_id),
        ip_address=ip_address,
        details=details or {},
    )
