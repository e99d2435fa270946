from django.urls import path

from apps.audit import views

urlpatterns = [
    path("", views.access_log, name="access_log"),
]
