from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from apps.accounts.views import choose_party

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.accounts.urls")),
    path("party/", choose_party, name="party"),
    path("access/log/", include("apps.audit.urls")),
    path("access/", include("apps.delegations.urls")),
    path("", include("apps.correspondences.urls")),
    path("", RedirectView.as_view(pattern_name="inbox", permanent=False)),
]
