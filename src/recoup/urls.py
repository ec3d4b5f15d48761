from django.urls import include, path

from recoup.api.main import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("recoup.web.urls")),
]
