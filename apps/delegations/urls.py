from django.urls import path

from apps.delegations import views

urlpatterns = [
    path("", views.access, name="access"),
    path("give/", views.access_give, name="access_give"),
    path("give/choose/", views.access_give_choose, name="access_give_choose"),
    path("give/confirm/", views.access_give_confirm, name="access_give_confirm"),
    path("revoke/<int:grant_id>/", views.access_revoke, name="access_revoke"),
    path(
        "addresses/",
        views.notification_address_add,
        name="notification_address_add",
    ),
    path(
        "addresses/<int:address_id>/remove/",
        views.notification_address_remove,
        name="notification_address_remove",
    ),
    path(
        "share/<uuid:public_id>/",
        views.correspondence_share,
        name="correspondence_share",
    ),
    path(
        "share/<uuid:public_id>/unshare/<int:person_id>/",
        views.correspondence_unshare,
        name="correspondence_unshare",
    ),
]
