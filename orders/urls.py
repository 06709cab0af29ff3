"""Orders API routes (included under /api/v1/)."""

from django.urls import path

from orders.views import BindingView, ExecutionView, PullView, SettingsView, ping

urlpatterns = [
    path("ping", ping, name="ping"),
    path("event-orders/pull", PullView.as_view(), name="event-orders-pull"),
    path("event-orders/settings", SettingsView.as_view(), name="event-orders-settings"),
    path("event-orders/binding", BindingView.as_view(), name="event-orders-binding"),
    path(
        "event-orders/<str:order_id>/executions",
        ExecutionView.as_view(),
        name="event-orders-executions",
    ),
]
