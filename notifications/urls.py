"""Notifications API routes (included under /api/v1/)."""

from django.urls import path

from notifications import views

urlpatterns = [
    path("notifications", views.NotificationListView.as_view(), name="notifications"),
    path(
        "notifications/unread-count", views.UnreadCountView.as_view(), name="notifications-unread"
    ),
    path("notifications/read", views.MarkReadView.as_view(), name="notifications-read"),
    path("notifications/channels", views.ChannelListView.as_view(), name="notifications-channels"),
    path(
        "notifications/channels/<int:pk>",
        views.ChannelDetailView.as_view(),
        name="notifications-channel",
    ),
    path(
        "notifications/channels/<int:pk>/test",
        views.ChannelTestView.as_view(),
        name="notifications-channel-test",
    ),
]
