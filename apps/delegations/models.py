from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessGroup(models.Model):
    """A right that one organisation hands out, backed by one Django group.

    The right is a single service or an access package or role. Grants and
    revocations change only who is in the group, so they cost the same
    however many messages the group may read.
    """

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="access_groups",
    )
    service = models.ForeignKey(
        "correspondences.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="access_groups",
    )
    right = models.ForeignKey(
        "roles.Right",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_groups",
    )
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="access_group"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("access group")
        verbose_name_plural = _("access groups")
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=True, right__isnull=False)
                | Q(service__isnull=False, right__isnull=True),
                name="access_group_service_xor_right",
            ),
            models.UniqueConstraint(
                fields=["organization", "service"],
                condition=Q(service__isnull=False),
                name="access_group_unique_service",
            ),
            models.UniqueConstraint(
                fields=["organization", "right"],
                condition=Q(right__isnull=False),
                name="access_group_unique_right",
            ),
        ]

    def __str__(self):
        return f"{self.subject} @ {self.organization}"

    @property
    def subject(self):
        return self.service or self.right

    @property
    def is_confidential(self):
        return self.subject.is_confidential


class GrantQuerySet(models.QuerySet):
    def active(self, *, at=None):
        at = at or timezone.now()
        return self.filter(ended_at__isnull=True).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=at)
        )


class Grant(models.Model):
    """One person's membership of an access group, and where it came from."""

    class Source(models.TextChoices):
        REGISTER = "register", _("the Register of Business Enterprises")
        DELEGATION = "delegation", _("granted")

    class EndReason(models.TextChoices):
        REVOKED = "revoked", _("revoked")
        EXPIRED = "expired", _("expired")
        REGISTER = "register", _("changed in the register")

    access_group = models.ForeignKey(
        AccessGroup, on_delete=models.CASCADE, related_name="grants"
    )
    person = models.ForeignKey(
        "organizations.Person", on_delete=models.CASCADE, related_name="grants"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    end_reason = models.CharField(max_length=10, choices=EndReason, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.UniqueConstraint(
                fields=["access_group", "person", "source"],
                condition=Q(ended_at__isnull=True),
                name="grant_one_open_per_source",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "ended_at"], name="grant_person_open"),
        ]

    def __str__(self):
        return f"{self.person} → {self.access_group}"

    def is_active(self, *, at=None):
        at = at or timezone.now()
        return self.ended_at is None and (
            self.valid_until is None or self.valid_until > at
        )
