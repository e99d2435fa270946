import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.correspondences.forms import InboxFilterForm
from apps.correspondences.models import Correspondence
from apps.correspondences.recipients import MAX_RECIPIENTS, recipients_parse
from apps.correspondences.sending import LIMITS, dates_check, recipients_check
from apps.correspondences.uploads import ALLOWED_EXTENSIONS, check_uploads
from apps.notifications import texts
from apps.notifications.models import NotificationOrder
from apps.notifications.services import NotificationSpec, notification_spec_check

Channel = NotificationOrder.Channel
Template = NotificationOrder.Template

TEXT_FIELDS = ("email_subject", "email_body", "sms_text")
REMINDER_FIELDS = tuple(f"reminder_{name}" for name in TEXT_FIELDS)
# What a draft keeps: everything typed, no files, no key of a form sent.
DRAFT_FIELDS = (
    "service",
    "recipients",
    "title",
    "summary",
    "body",
    "language",
    "when",
    "publish_at",
    "due_at",
    "requires_confirmation",
    "sender_reference",
    "notify",
    "channel",
    "template",
    *TEXT_FIELDS,
    "reminder_enabled",
    *REMINDER_FIELDS,
)
CHECKBOXES = {"requires_confirmation", "notify", "reminder_enabled"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


def _datetime_field(label, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=False,
        help_text=help_text,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )


def standard_texts(*, template, language):
    """Return the standard texts of a template as form values, with tokens."""
    confidential = template == Template.CONFIDENTIAL
    standard = texts.default_texts(confidential=confidential, language=language)
    reminder = texts.default_texts(
        confidential=confidential, language=language, reminder=True
    )
    return {
        "email_subject": standard.subject,
        "email_body": standard.body,
        "sms_text": standard.sms,
        "reminder_email_subject": reminder.subject,
        "reminder_email_body": reminder.body,
        "reminder_sms_text": reminder.sms,
    }


class ComposeForm(forms.Form):
    """A message to one or many organisations, and how they are notified."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=None, empty_label=None
    )
    recipients = forms.CharField(
        label=_("Recipients"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    title = forms.CharField(label=_("Title"), max_length=LIMITS["title"])
    summary = forms.CharField(
        label=_("Summary"), max_length=LIMITS["summary"], required=False
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=LIMITS["body"],
        required=False,
        help_text=_(
            "Markdown: **bold**, *italics*, lists, links. HTML is shown as text."
        ),
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=Correspondence.Language.choices
    )
    when = forms.ChoiceField(
        label=_("Publication"),
        choices=[("now", _("Publish now")), ("later", _("Publish at a set time"))],
        initial="now",
        widget=forms.RadioSelect,
    )
    publish_at = _datetime_field(_("Publish at"))
    due_at = _datetime_field(_("Due"), _("Optional: when a reply or action is due."))
    requires_confirmation = forms.BooleanField(
        label=_("Ask the recipient to confirm"), required=False
    )
    sender_reference = forms.CharField(
        label=_("Your reference"),
        max_length=LIMITS["sender_reference"],
        required=False,
        help_text=_("Your case number. You can search for it among sent messages."),
    )

    notify = forms.BooleanField(
        label=_("Notify the recipient"), required=False, initial=True
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, initial=Channel.BOTH
    )
    template = forms.ChoiceField(
        label=_("Text"),
        choices=Template.choices,
        help_text=_(
            "The standard texts are filled in for you; choose “own text” to "
            "write your own."
        ),
    )
    email_subject = forms.CharField(label=_("Email subject"), required=False)
    email_body = forms.CharField(
        label=_("Email text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    sms_text = forms.CharField(
        label=_("SMS text"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reminder_enabled = forms.BooleanField(
        label=_("Send a reminder when the message is not opened"), required=False
    )
    reminder_email_subject = forms.CharField(
        label=_("Reminder email subject"), required=False
    )
    reminder_email_body = forms.CharField(
        label=_("Reminder email text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    reminder_sms_text = forms.CharField(
        label=_("Reminder SMS text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, services, check_files=False, **kwargs):
        super().__init__(*args, **kwargs)
        # Confidential services first: the first is chosen, and the standard
        # text filled in is the one that fits it.
        self.fields["service"].queryset = services.order_by(
            "-is_confidential", "name_nb", "pk"
        )
        # Set here, not on the class, so that they are in the request's
        # language.
        self.fields["recipients"].help_text = _(
            "Organisation numbers, up to %(limit)s, separated by commas, spaces "
            "or new lines."
        ) % {"limit": MAX_RECIPIENTS}
        self.fields["attachments"].help_text = _("Allowed: %(types)s.") % {
            "types": ALLOWED_EXTENSIONS
        }
        self.check_files = check_files
        self.organizations = []
        if self.is_bound:
            # A standard template shows, and sends, its own texts: what is
            # previewed is what goes out.
            self.data = self.data.copy()
            template = self.data.get("template")
            if template in (Template.CONFIDENTIAL, Template.ORDINARY):
                self.data.update(
                    standard_texts(template=template, language=self._language())
                )
        else:
            self._initial_texts()

    def _language(self):
        language = self.data.get("language")
        return language if language in Correspondence.Language.values else "nb"

    def _initial_texts(self):
        service = self.fields["service"].queryset.first()
        template = self.initial.get("template") or (
            Template.CONFIDENTIAL
            if service is not None and service.is_confidential
            else Template.ORDINARY
        )
        language = self.initial.get("language", "nb")
        self.initial.setdefault("idempotency_key", uuid.uuid4())
        self.initial.setdefault("template", template)
        self.initial.setdefault("reminder_enabled", template == Template.CONFIDENTIAL)
        if self.initial["template"] != Template.CUSTOM:
            defaults = standard_texts(
                template=self.initial["template"], language=language
            )
            for name, text in defaults.items():
                self.initial.setdefault(name, text)

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if self.check_files and files:
            check_uploads(files)
        return files

    def clean(self):
        cleaned = super().clean()
        service = cleaned.get("service")
        if service is None:
            return cleaned
        self._clean_recipients(cleaned, service)
        self._clean_dates(cleaned)
        self._clean_notification(cleaned, service)
        return cleaned

    def _clean_recipients(self, cleaned, service):
        if "recipients" not in cleaned:
            return
        try:
            self.organizations = recipients_check(
                numbers=recipients_parse(cleaned["recipients"]),
                confidential=service.is_confidential,
            )
        except ValidationError as error:
            self.add_error("recipients", error)

    def _clean_dates(self, cleaned):
        if cleaned.get("when") == "later":
            if cleaned.get("publish_at") is None and "publish_at" not in self.errors:
                self.add_error(
                    "publish_at",
                    ValidationError(_("Choose when to publish."), code="required"),
                )
        else:
            cleaned["publish_at"] = None
        problems = dates_check(
            publish_at=cleaned.get("publish_at"),
            due_at=cleaned.get("due_at"),
            now=timezone.now(),
        )
        for field, errors in problems.items():
            self.add_error(field, errors)

    def _clean_notification(self, cleaned, service):
        if not cleaned.get("notify"):
            if service.is_confidential:
                self.add_error(
                    "notify",
                    ValidationError(
                        _(
                            "A confidential message must be notified to the "
                            "recipient (by email and/or SMS), so that someone "
                            "there is given access to it."
                        ),
                        code="notification_required",
                    ),
                )
            return
        if service.is_confidential and cleaned.get("template") == Template.ORDINARY:
            self.add_error(
                "template",
                ValidationError(
                    _(
                        "The generic text does not say that the message is "
                        "confidential; choose the confidential standard text "
                        "or write your own."
                    ),
                    code="ordinary_template",
                ),
            )
            return
        if "channel" not in cleaned or "template" not in cleaned:
            return
        try:
            notification_spec_check(spec=self.notification_spec())
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                self.add_error(None, error)
                return
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)

    def notification_spec(self):
        """Return the notification as the caseworker wrote it, or None."""
        data = self.cleaned_data
        if not data.get("notify"):
            return None
        return NotificationSpec(
            channel=data["channel"],
            template=data["template"],
            reminder_enabled=bool(data.get("reminder_enabled")),
            **{name: data.get(name, "") for name in TEXT_FIELDS + REMINDER_FIELDS},
        )

    def add_service_errors(self, error):
        """Put the errors of a refused send on the fields they are about."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            if field == "notification":
                field = "notify"
            self.add_error(field if field in self.fields else None, errors)

    def recipients_key(self):
        """Return the checked recipients as one value, to compare after a
        preview: a list changed since is checked again before it is sent.
        """
        return " ".join(o.number for o in self.organizations)

    def draft_fields(self):
        """Return the form's values as typed, for a draft."""
        return {
            name: bool(self.data.get(name))
            if name in CHECKBOXES
            else str(self.data.get(name, ""))
            for name in DRAFT_FIELDS
        }


class SentFilterForm(InboxFilterForm):
    """The search and filters of the sent messages; what does not fit is ignored."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("scheduled", _("Scheduled")),
            ("unopened", _("Published, not opened")),
            ("opened", _("Opened")),
            ("confirmed", _("Confirmed")),
            ("cancelled", _("Cancelled")),
        ],
    )
    archived = None
    after = None

    def filters(self):
        found = super().filters()
        return {key: found[key] for key in ("search", "service", "status")}
