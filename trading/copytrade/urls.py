"""URL routes (filled in by the app)."""

urlpatterns: list = []
