from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.audit.admin import ReadOnlyAdminMixin
from apps.organizations.models import (
    NotificationAddress,
    Organization,
    Person,
    RegisterRole,
)


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class NotificationAddressInline(ReadOnlyInline):
    model = NotificationAddress
    fields = ["channel", "address", "created_at"]


class RegisterRoleInline(ReadOnlyInline):
    model = RegisterRole
    fk_name = "organization"
    fields = [
        "role_type",
        "holder_kind",
        "holder_name",
        "holder_organization",
        "is_deregistered",
        "ended_at",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("role_type", "holder_organization")
        )


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "name",
        "form",
        "is_bankrupt",
        "is_deleted",
        "is_registered",
    ]
    list_filter = ["is_bankrupt", "is_deleted", "is_registered", "form"]
    search_fields = ["=number", "name"]
    raw_id_fields = ["parent"]
    inlines = [NotificationAddressInline, RegisterRoleInline]
    # Counting every organisation again for each filtered page is slow at
    # the size of the register.
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        # Whether a unit is deleted decides its register rights (R2): it
        # changes through the import, which recomputes them.
        if obj is None:
            return ["created_at", "updated_at"]
        return ["is_deleted", "deleted_on", "is_registered", "created_at", "updated_at"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Persons as operators see them: never with the national id in full.

    The number is typed once, when a person is added by hand, and shown
    masked after that. Search is by last name, so that no national id ends
    up in an address or a server log.
    """

    list_display = ["last_name", "first_name", "middle_name", "masked_national_id"]
    search_fields = ["last_name"]
    raw_id_fields = ["user"]

    @admin.display(description=_("national identity number"))
    def masked_national_id(self, obj):
        return obj.masked_national_id

    def get_fields(self, request, obj=None):
        names = ["first_name", "middle_name", "last_name", "user"]
        if obj is None:
            return ["national_id", *names]
        return ["masked_national_id", *names, "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["masked_national_id", "created_at", "updated_at"]


@admin.register(RegisterRole)
class RegisterRoleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Roles as imported. Changing them here would bypass the rights sync
    (R1–R3), so the import is the only way in."""

    list_display = [
        "organization",
        "role_type",
        "holder_kind",
        "holder_name",
        "is_deregistered",
        "ended_at",
    ]
    list_filter = [
        "role_type__is_key_role",
        "holder_kind",
        "is_deregistered",
        ("ended_at", admin.EmptyFieldListFilter),
        "role_type",
    ]
    search_fields = ["=organization__number", "holder_name"]
    list_select_related = ["organization", "role_type"]
    show_full_result_count = False
    fields = [
        "organization",
        "role_type",
        "holder_kind",
        "holder_name",
        "holder_birth_date",
        "person",
        "holder_organization",
        "holder_data",
        "is_deregistered",
        "ended_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
