from django.contrib import admin

from apps.audit.admin import ReadOnlyAdminMixin
from apps.delegations.models import AccessGroup, Grant


@admin.register(AccessGroup)
class AccessGroupAdmin(admin.ModelAdmin):
    list_display = ["organization", "service", "right", "created_at"]
    list_select_related = ["organization", "service", "right"]
    search_fields = ["organization__number", "organization__name"]
    raw_id_fields = ["organization", "service", "group"]
    readonly_fields = ["created_at"]

    def has_add_permission(self, request):
        # A group is made together with its Django group and object
        # permissions by access_group_ensure, never by hand.
        return False


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Grants are read here; they change only through the access page (R14)."""

    list_display = [
        "person",
        "access_group",
        "source",
        "granted_at",
        "valid_until",
        "ended_at",
        "end_reason",
    ]
    list_filter = ["source", "end_reason"]
    list_select_related = [
        "person",
        "access_group__organization",
        "access_group__service",
        "access_group__right",
    ]
    search_fields = ["access_group__organization__number", "person__last_name"]
