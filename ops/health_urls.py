"""Unauthenticated operations endpoints, mounted at the root (taizhang.urls): /health/…, /metrics."""
from django.urls import path

from . import health, metrics

urlpatterns = [
    path("health/live/", health.live, name="health_live"),
    path("health/ready/", health.Ready.as_view(), name="health_ready"),
    path("metrics", metrics.metrics, name="metrics"),
]
