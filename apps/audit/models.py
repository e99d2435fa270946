from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an entry of the access log."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The access log is append-only.")

    def delete(self):
        raise AppendOnlyError("The access log is append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("The access log is append-only.")


class AuditEntry(models.Model):
    """One event of the access log (R14): who did what to whom, when, where."""

    class Action(models.TextChoices):
        GRANT = "grant", _("access granted")
        REVOKE = "revoke", _("access revoked")
        EXPIRE = "expire", _("access expired")
        REGISTER_GRANT = "register-grant", _("access from the register")
        REGISTER_END = "register-end", _("access ended in the register")
        SHARE = "share", _("message shared")
        UNSHARE = "unshare", _("message sharing revoked")
        OPEN = "open", _("confidential message opened")
        DOWNLOAD = "download", _("attachment downloaded")
        ADDRESS_ADD = "address-add", _("notification address added")
        ADDRESS_REMOVE = "address-remove", _("notification address removed")

    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("what"), max_length=20, choices=Action)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    subject = models.ForeignKey(
        "organizations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("whom"),
    )
    # A plain description of the right or object, kept as text so that the
    # entry still reads right after the object has changed.
    target = models.CharField(_("on what"), max_length=255, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("from"), null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization", "-occurred_at"], name="audit_org_time"
            ),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The access log is append-only.")
