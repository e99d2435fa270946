from django import forms
from django.utils.translation import gettext_lazy as _

from apps.audit.models import AuditEntry
from apps.organizations.models import Person


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # A name only: the log never shows a national identity number.
        return obj.full_name


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("What"),
        required=False,
        choices=[("", _("Everything"))] + AuditEntry.Action.choices,
    )
    person = PersonChoiceField(
        label=_("Person"),
        required=False,
        queryset=Person.objects.none(),
        empty_label=_("Everyone"),
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date comes before the start date."))
        return cleaned
