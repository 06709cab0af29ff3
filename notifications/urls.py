"""Notifications API routes (included under /api/v1/)."""

from django.urls import path

from notifications import api

urlpatterns = [
    path("notifications", api.NotificationListView.as_view(), name="notifications"),
    path("notifications/unread-count", api.UnreadCountView.as_view(), name="notifications-unread"),
    path("notifications/read", api.MarkReadView.as_view(), name="notifications-read"),
    path("notifications/channels", api.ChannelListView.as_view(), name="notifications-channels"),
    path(
        "notifications/channels/<int:pk>",
        api.ChannelDetailView.as_view(),
        name="notifications-channel",
    ),
    path(
        "notifications/channels/<int:pk>/test",
        api.ChannelTestView.as_view(),
        name="notifications-channel-test",
    ),
]
