from django.urls import include, path
from rest_framework.routers import SimpleRouter

from taizhang.urls import urlpatterns as site

from .models import HazardList, HazardPage, HazardViewSet

router = SimpleRouter()
router.register("hazards", HazardViewSet, basename="hazard")
pages = [path("", HazardList.as_view(), name="list"), path("<int:pk>/", HazardPage.as_view(), name="detail")]
urlpatterns = [path("hazards/", include((pages, "kindkit"))),
               path("api/kindkit/", include((router.urls, "kindkit_api"))), *site]
