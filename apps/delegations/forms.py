import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.correspondences.models import Service
from apps.delegations.selectors import person_identify
from apps.organizations.models import NotificationAddress
from apps.organizations.services import notification_address_normalize
from apps.organizations.validators import validate_national_identity_number
from apps.roles.models import Right

# One message for an unknown number and for a last name that does not
# match, so that the form reveals neither (section 6 of the design).
NO_SUCH_PERSON = _("No person with that national identity number and last name.")


class NationalIdentityNumberField(forms.CharField):
    def to_python(self, value):
        # People type the number in groups; the spaces carry nothing.
        return "".join(super().to_python(value).split())


class PersonIdentifyForm(forms.Form):
    """Name a person by national identity number and last name."""

    national_id = NationalIdentityNumberField(
        label=_("National identity number"),
        max_length=20,
        validators=[validate_national_identity_number],
        help_text=_("11 digits, or a D-number."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    # A service to tick in the next step, from the "waiting for access" list.
    service = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.person = person_identify(
            national_id=cleaned["national_id"], last_name=cleaned["last_name"]
        )
        if self.person is None:
            raise forms.ValidationError(NO_SUCH_PERSON, code="no_such_person")
        return cleaned


class GrantChoiceForm(forms.Form):
    """Choose the services, access packages and roles to give."""

    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.filter(is_active=True), required=False
    )
    rights = forms.ModelMultipleChoiceField(
        queryset=Right.objects.all(), required=False
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Leave empty for access until it is revoked."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_valid_until(self):
        day = self.cleaned_data["valid_until"]
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(
                _("The last day of access cannot be in the past."), code="past"
            )
        return day

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned["services"] or cleaned["rights"]):
            raise forms.ValidationError(
                _("Choose at least one service, access package or role."),
                code="empty",
            )
        return cleaned


def end_of_day(day):
    """Return the moment access given until `day` ends: the next midnight."""
    if day is None:
        return None
    midnight = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time()
    )
    return timezone.make_aware(midnight)


class NotificationAddressForm(forms.Form):
    """An email address or mobile number where the organisation is notified."""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=NotificationAddress.Channel.choices
    )
    address = forms.CharField(label=_("Email address or mobile number"), max_length=254)

    def clean(self):
        cleaned = super().clean()
        channel, address = cleaned.get("channel"), cleaned.get("address")
        if channel and address:
            try:
                notification_address_normalize(channel=channel, address=address)
            except ValidationError as error:
                self.add_error("address", error)
        return cleaned
