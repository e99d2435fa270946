import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Service(models.Model):
    """A service that an agency sends correspondence on.

    Its access policy names the access packages or roles that open its
    messages at a receiving organisation, besides a grant of the service
    itself (R6).
    """

    owner = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="owned_services",
        verbose_name=_("service owner"),
    )
    code = models.SlugField(_("code"), max_length=80, unique=True)
    name_nb = models.CharField(_("name (Bokmål)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    is_confidential = models.BooleanField(_("confidential"), default=False)
    opened_by = models.ManyToManyField(
        "roles.Right",
        blank=True,
        related_name="services",
        verbose_name=_("opened by"),
        help_text=_("Access packages or roles that open this service's messages."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name_nb"]
        permissions = [
            ("send_correspondence", _("Can send correspondence on the service")),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if get_language() == "en" else self.name_nb


class ServiceUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Service, on_delete=models.CASCADE)


class ServiceGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Service, on_delete=models.CASCADE)


class Dispatch(models.Model):
    """One request to send: the correspondences it made share it.

    Its key comes from the compose form, so that a form sent twice (a double
    click, a reload) sends once.
    """

    idempotency_key = models.UUIDField(unique=True)
    sender = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")

    def __str__(self):
        return str(self.idempotency_key)


class Correspondence(models.Model):
    """One message from an agency, on one of its services, to one organisation."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    class Language(models.TextChoices):
        NB = "nb", _("Norwegian Bokmål")
        EN = "en", _("English")

    public_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    sender = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="sent_correspondences",
        verbose_name=_("sender"),
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="correspondences"
    )
    recipient = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="correspondences",
        verbose_name=_("recipient"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=255)
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    body = models.TextField(_("body"), max_length=30_000, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language, default=Language.NB
    )
    is_confidential = models.BooleanField(_("confidential"), default=False)
    sender_reference = models.CharField(
        _("sender's reference"), max_length=100, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    requires_confirmation = models.BooleanField(
        _("confirmation required"), default=False
    )
    first_opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    dispatch = models.ForeignKey(
        Dispatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correspondences",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("correspondence")
        verbose_name_plural = _("correspondences")
        indexes = [
            models.Index(
                fields=["status", "publish_at"], name="correspondence_due_publish"
            ),
            models.Index(
                fields=["recipient", "service", "status"],
                name="correspondence_recipient",
            ),
            models.Index(
                fields=["sender", "-created_at"], name="correspondence_sender"
            ),
            # The unread badge counts only these rows, however many messages
            # the organisation has read.
            models.Index(
                fields=["recipient"],
                condition=models.Q(first_opened_at__isnull=True, status="published"),
                name="correspondence_unread",
            ),
        ]

    def __str__(self):
        # Never the title: it may name a case officer or a case (R7, R15).
        return str(self.public_id)


class StatusEvent(models.Model):
    """One step of a correspondence's history, which only grows."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("published")
        OPENED = "opened", _("opened")
        READ = "read", _("read")
        CONFIRMED = "confirmed", _("confirmed")
        ARCHIVED = "archived", _("archived")
        UNARCHIVED = "unarchived", _("taken out of the archive")
        CANCELLED = "cancelled", _("cancelled")

    correspondence = models.ForeignKey(
        Correspondence, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=10, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("status event")
        verbose_name_plural = _("status history")
        ordering = ["occurred_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"


def attachment_storage():
    return storages["attachments"]


class Attachment(models.Model):
    """A file of a correspondence, stored under a name of our own."""

    correspondence = models.ForeignKey(
        Correspondence, on_delete=models.CASCADE, related_name="attachments"
    )
    public_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    file = models.FileField(storage=attachment_storage, max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self):
        return str(self.public_id)


class CorrespondenceUserObjectPermission(UserObjectPermissionBase):
    """One message shared with one person."""

    content_object = models.ForeignKey(Correspondence, on_delete=models.CASCADE)


class CorrespondenceGroupObjectPermission(GroupObjectPermissionBase):
    """A message given to an access group when it was published.

    Rows are written in the order of publication, so the newest page of a
    group is the top of its own index by id.
    """

    # Led by the message, for "may these groups read it?" probes that stop at
    # the first match; it serves the foreign key too.
    content_object = models.ForeignKey(
        Correspondence, on_delete=models.CASCADE, db_index=False
    )

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [
            models.Index(fields=["group", "permission", "-id"], name="corr_gop_page"),
            models.Index(
                fields=["content_object", "group", "permission"], name="corr_gop_object"
            ),
        ]


class Draft(models.Model):
    """A message being written, kept for its author alone.

    The form's fields are kept as they were typed, checked only when the
    message is sent; attachments are chosen when it is sent.
    """

    public_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sender = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255, blank=True)
    fields = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        indexes = [
            models.Index(
                fields=["author", "sender", "-updated_at"], name="draft_author"
            ),
        ]

    def __str__(self):
        return str(self.public_id)
