from django.contrib import admin

from apps.roles.models import RegisterRoleType, Right


@admin.register(RegisterRoleType)
class RegisterRoleTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nb", "name_en", "is_key_role"]
    list_filter = ["is_key_role"]
    search_fields = ["code", "name_nb", "name_en"]

    def get_readonly_fields(self, request, obj=None):
        # The key roles are fixed by R1; the import adds other types, never
        # key roles. Only the names may be edited.
        return ["code", "is_key_role"] if obj else ["is_key_role"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Right)
class RightAdmin(admin.ModelAdmin):
    """The catalogue of rights. Services and access groups refer to these by
    code, so code, kind and confidentiality stay as the catalogue has them."""

    list_display = ["code", "kind", "name_nb", "name_en", "is_confidential"]
    list_filter = ["kind", "is_confidential"]
    search_fields = ["code", "name_nb", "name_en"]
    readonly_fields = ["code", "kind", "is_confidential"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
