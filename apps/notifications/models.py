"""
Notification orders and their deliveries: the outbox of Taushet.

An order is written in the same transaction as its correspondence, with one
delivery per address. Workers claim a delivery with a conditional update,
send it, and store the outcome on the row. The texts stored here are ours:
R10 keeps personal data out of them. Nothing of the correspondence's body is
ever copied here.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationOrder(models.Model):
    """How and with which texts the recipient of one correspondence is told."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("email")
        SMS = "sms", _("SMS")
        EMAIL_PREFERRED = "email-preferred", _("email, or SMS if there is no email")
        SMS_PREFERRED = "sms-preferred", _("SMS, or email if there is no SMS")
        BOTH = "both", _("email and SMS")

    class Template(models.TextChoices):
        CONFIDENTIAL = "confidential", _("standard text for confidential mail")
        ORDINARY = "ordinary", _("generic text")
        CUSTOM = "custom", _("own text")

    class ReminderState(models.TextChoices):
        NONE = "", _("no reminder")
        WAITING = "waiting", _("waits for publication")
        SCHEDULED = "scheduled", _("scheduled")
        SENT = "sent", _("sent")
        CANCELLED = "cancelled", _("cancelled, the message was opened")

    correspondence = models.OneToOneField(
        "correspondences.Correspondence",
        on_delete=models.CASCADE,
        related_name="notification_order",
    )
    channel = models.CharField(_("channel"), max_length=15, choices=Channel)
    template = models.CharField(_("template"), max_length=12, choices=Template)
    # The texts as rendered for this recipient, tokens replaced.
    email_subject = models.CharField(_("email subject"), max_length=255, blank=True)
    email_body = models.TextField(_("email body"), blank=True)
    sms_text = models.TextField(_("SMS text"), blank=True)
    reminder_enabled = models.BooleanField(_("reminder"), default=False)
    reminder_email_subject = models.CharField(
        _("reminder email subject"), max_length=255, blank=True
    )
    reminder_email_body = models.TextField(_("reminder email body"), blank=True)
    reminder_sms_text = models.TextField(_("reminder SMS text"), blank=True)
    reminder_after_days = models.PositiveSmallIntegerField(
        _("reminder after days"), default=7
    )
    reminder_state = models.CharField(
        max_length=10, choices=ReminderState, default=ReminderState.NONE, blank=True
    )
    # Set when the correspondence is published; the periodic task finds due
    # reminders by this column, never by a long countdown in the broker.
    reminder_due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notification order")
        verbose_name_plural = _("notification orders")
        indexes = [
            models.Index(
                fields=["reminder_due_at"],
                condition=models.Q(reminder_state="scheduled"),
                name="notification_reminder_due",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} #{self.pk}"


class Delivery(models.Model):
    """One notification or reminder to one address."""

    class Kind(models.TextChoices):
        NOTIFICATION = "notification", _("notification")
        REMINDER = "reminder", _("reminder")

    class Channel(models.TextChoices):
        EMAIL = "email", _("email")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    order = models.ForeignKey(
        NotificationOrder, on_delete=models.CASCADE, related_name="deliveries"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind, default=Kind.NOTIFICATION
    )
    channel = models.CharField(_("channel"), max_length=5, choices=Channel)
    address = models.CharField(_("address"), max_length=254)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING
    )
    # Null until the correspondence is published, so that nothing is sent
    # for a message that is scheduled, or cancelled before it went out. For
    # SMS it is moved into the next sending window.
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    provider_reference = models.CharField(max_length=255, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["id"]
        indexes = [
            # The sweep reads only unfinished rows, however many were sent.
            models.Index(
                fields=["not_before"],
                condition=models.Q(status="pending"),
                name="delivery_pending_due",
            ),
            models.Index(
                fields=["claimed_at"],
                condition=models.Q(status="sending"),
                name="delivery_claimed",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.channel} #{self.pk}"

    @property
    def subject_and_text(self):
        """Return the (email subject, text) of this delivery's kind."""
        order = self.order
        if self.kind == self.Kind.REMINDER:
            subject = order.reminder_email_subject
            body = order.reminder_email_body
            sms = order.reminder_sms_text
        else:
            subject, body, sms = order.email_subject, order.email_body, order.sms_text
        return (subject, body) if self.channel == self.Channel.EMAIL else ("", sms)


class DeliveryAttempt(models.Model):
    """One try to hand a delivery to the provider, whatever came of it."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("sent")
        TRANSIENT = "transient", _("temporary error")
        PERMANENT = "permanent", _("permanent error")

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written when the attempt ends; for a worker that died, by the sweep.
    # Empty for a delivery cancelled before it went.
    outcome = models.CharField(max_length=10, choices=Outcome, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["id"]

    def __str__(self):
        return f"{self.outcome or '…'} {self.started_at:%Y-%m-%d %H:%M:%S}"


class OrganizationReminder(models.Model):
    """The one R12 reminder correspondence an organisation has at a time."""

    organization = models.OneToOneField(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="unopened_reminder",
    )
    correspondence = models.OneToOneField(
        "correspondences.Correspondence",
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The ids of the messages the reminder lists now.
    listed = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder of unopened messages")
        verbose_name_plural = _("reminders of unopened messages")

    def __str__(self):
        return f"{self.organization_id}: {len(self.listed)}"
