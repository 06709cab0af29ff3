"""URL map: the admin (back office) and the REST API under /api/v1/."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from backoffice.health import health

api_v1 = [
    path("health", health, name="health"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[]), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema", permission_classes=[])),
    path("auth/", include("accounts.urls")),
    path("", include("orders.urls")),
    path("", include("trading.copytrade.urls")),
    path("", include("trading.futures_trading.urls")),
]

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
]
