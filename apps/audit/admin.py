from django.contrib import admin

from apps.audit.models import AuditEntry


class ReadOnlyAdminMixin:
    """Show the rows to read; nobody adds, changes or removes one here.

    For admins and inlines alike, of rows that change through services
    only, which keep rights and the access log right.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The access log, to read only: it is append-only (R14)."""

    fields = [
        "occurred_at",
        "action",
        "organization",
        "actor",
        "subject",
        "target",
        "target_id",
        "ip_address",
        "details",
    ]
    readonly_fields = fields
    list_display = [f for f in fields if f not in {"target_id", "details"}]
    list_filter = ["action"]
    list_select_related = ["organization", "actor", "subject"]
    search_fields = ["organization__number", "target_id"]
    date_hierarchy = "occurred_at"
