from django.urls import path

from apps.correspondences import views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
]
