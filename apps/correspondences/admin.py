"""
The operators' view of services and correspondence.

Operators manage services and their access policies. Of correspondence they
see metadata only (R15): never a body, a summary or an attachment, and no
title of a confidential message. Nothing about a message can be added or
changed here.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.audit.admin import ReadOnlyAdminMixin
from apps.correspondences.models import Correspondence, Service, StatusEvent
from apps.correspondences.services import service_policy_check


class ServiceAdminForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = [
            "owner",
            "code",
            "name_nb",
            "name_en",
            "is_confidential",
            "opened_by",
            "is_active",
        ]

    def clean(self):
        data = super().clean()
        try:
            service_policy_check(
                is_confidential=data.get("is_confidential", False),
                opened_by=data.get("opened_by") or [],
            )
        except ValidationError as error:
            self.add_error("opened_by", error)
        return data


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceAdminForm
    list_display = ["code", "name_nb", "owner", "is_confidential", "is_active"]
    list_filter = ["is_confidential", "is_active"]
    search_fields = ["code", "name_nb", "name_en", "owner__number", "owner__name"]
    filter_horizontal = ["opened_by"]
    list_select_related = ["owner"]


class StatusEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StatusEvent
    fields = ["kind", "occurred_at", "actor"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["occurred_at", "id"]


METADATA = [
    "public_id",
    "sender",
    "recipient",
    "service",
    "is_confidential",
    "status",
    "language",
    "publish_at",
    "published_at",
    "due_at",
    "requires_confirmation",
    "first_opened_at",
    "confirmed_at",
    "archived_at",
    "created_at",
    "attachment_count",
]


@admin.register(Correspondence)
class CorrespondenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "public_id",
        "ordinary_title",
        "sender",
        "recipient",
        "service",
        "is_confidential",
        "status",
        "published_at",
        "first_opened_at",
    ]
    list_filter = ["status", "is_confidential", "requires_confirmation"]
    list_select_related = ["sender", "recipient", "service"]
    # No title, summary or body: a search would tell an operator what a
    # confidential message says without showing it.
    search_fields = ["=public_id", "sender__number", "recipient__number"]
    date_hierarchy = "published_at"
    inlines = [StatusEventInline]

    def get_fields(self, request, obj=None):
        if obj is not None and not obj.is_confidential:
            return ["title", *METADATA]
        return METADATA

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_queryset(self, request):
        # Leave the content out of the query too, so that it cannot reach
        # a template by accident.
        return super().get_queryset(request).defer("body", "summary")

    @admin.display(description=_("title"))
    def ordinary_title(self, obj):
        if obj.is_confidential:
            return _("(confidential)")
        return obj.title

    @admin.display(description=_("attachments"))
    def attachment_count(self, obj):
        return obj.attachments.count()
