from django.urls import path  # noqa: F401  (filled in by the API v1)

app_name = "api"
urlpatterns: list = []
