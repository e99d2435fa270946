"""
The operators' view of the notification queue: what waits, what failed and
why. Read-only, and without the texts, which carry the message's title.
"""

from django.contrib import admin

from apps.audit.admin import ReadOnlyAdminMixin
from apps.notifications.models import Delivery, DeliveryAttempt
from apps.notifications.selectors import mask_address


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ["started_at", "finished_at", "outcome", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "kind",
        "channel",
        "masked_address",
        "status",
        "attempts",
        "not_before",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "channel", "kind"]
    fields = [
        "order",
        "kind",
        "channel",
        "masked_address",
        "status",
        "not_before",
        "attempts",
        "last_error",
        "provider_reference",
        "claimed_at",
        "sent_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [DeliveryAttemptInline]
    show_full_result_count = False

    @admin.display(description="address")
    def masked_address(self, delivery):
        return mask_address(delivery.channel, delivery.address)
