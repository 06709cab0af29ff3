"""URL map: the admin (back office) and the REST API under /api/v1/."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from backoffice import two_factor
from backoffice.health import health
from backoffice.language import set_language
from backoffice.metrics_view import metrics_view

public: dict = {"permission_classes": [], "authentication_classes": []}  # any token, or none
api_v1 = [
    path("health", health, name="health"),
    path("schema/", SpectacularAPIView.as_view(**public), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema", **public)),
    path("auth/", include("accounts.urls")),
    path("", include("orders.urls")),
    path("", include("trading.copytrade.urls")),
    path("", include("notifications.urls")),
    path("", include("trading.futures.urls")),
    path("", include("trading.alpha.urls")),
]

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/2fa/", two_factor.setup_view, name="admin-2fa"),
    path("admin/language/", set_language, name="operator_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("metrics", metrics_view, name="metrics"),
]
