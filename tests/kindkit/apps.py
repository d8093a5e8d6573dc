from django.apps import AppConfig


class KindKitConfig(AppConfig):
    name = "tests.kindkit"
    label = "kindkit"

    def ready(self):
        from items.kinds import KindSpec, register_kind

        from .models import Hazard

        register_kind(KindSpec(code="hazard", model=Hazard, prefix="YH", label="安全隐患", url_name="kindkit:detail"))
