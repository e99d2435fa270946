from django import forms
from django.utils.translation import gettext_lazy as _


class InboxFilterForm(forms.Form):
    """The inbox's search and filters; a value that does not fit is ignored."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=None, required=False, empty_label=_("All")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("unread", _("Unread")),
            ("read", _("Read")),
            ("confirmed", _("Confirmed")),
        ],
    )
    archived = forms.BooleanField(required=False, widget=forms.HiddenInput)
    after = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services

    def filters(self):
        self.is_valid()
        data = self.cleaned_data
        return {
            "search": data.get("q") or None,
            "service": data.get("service"),
            "status": data.get("status") or None,
            "archived": bool(data.get("archived")),
            "after": data.get("after"),
        }
