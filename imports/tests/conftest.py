import pytest


@pytest.fixture
def enterprise_import(grant):
    perms = ["enterprises.add_enterprise", "enterprises.change_enterprise", "enterprises.delete_enterprise"]
    for role in ("town", "department", "task_force"):
        grant(role, *perms)


@pytest.fixture
def run_import():
    """run_import(actor, target_code, data, name) → the checked batch (upload, proposed mapping, check)."""
    from imports import services
    from imports.targets import get_target

    def do(actor, code, data, name="file.xlsx", mapping=None, options=None):
        batch = services.batch_upload(actor=actor, target=get_target(code), data=data, name=name, options=options)
        if mapping is not None:
            batch = services.batch_set_mapping(actor=actor, batch=batch, mapping=mapping, options=options,
                                               expected_version=batch.version)
        return services.batch_check(actor=actor, batch=batch)

    return do


@pytest.fixture(autouse=True)
def _chinese():
    """Messages are asserted in Chinese, whatever language an earlier test's request left active."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield
