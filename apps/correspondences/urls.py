from django.urls import path

from apps.correspondences import views, views_sending

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path(
        "inbox/<uuid:public_id>/",
        views.correspondence_detail,
        name="correspondence_detail",
    ),
    path(
        "inbox/<uuid:public_id>/attachments/<uuid:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "inbox/<uuid:public_id>/confirm/",
        views.correspondence_confirm,
        name="correspondence_confirm",
    ),
    path(
        "inbox/<uuid:public_id>/archive/",
        views.correspondence_archive,
        name="correspondence_archive",
    ),
    path(
        "inbox/<uuid:public_id>/unarchive/",
        views.correspondence_unarchive,
        name="correspondence_unarchive",
    ),
    path("compose/", views_sending.compose, name="compose"),
    path(
        "compose/drafts/<uuid:draft_id>/",
        views_sending.compose,
        name="compose_draft",
    ),
    path("sent/", views_sending.sent, name="sent"),
    path("sent/<uuid:public_id>/", views_sending.sent_detail, name="sent_detail"),
    path(
        "sent/<uuid:public_id>/cancel/",
        views_sending.sent_cancel,
        name="sent_cancel",
    ),
]
