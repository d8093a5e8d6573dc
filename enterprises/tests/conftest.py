import pytest

from core.validators import credit_code_check_character


def make_credit_code(serial):
    """A valid 统一社会信用代码 for tests: 9136011 + 10-digit serial + check character."""
    body = f"91360111{serial:09d}"[:17]
    return body + credit_code_check_character(body)


@pytest.fixture
def enterprise_perms(grant):
    perms = ["enterprises.add_enterprise", "enterprises.change_enterprise", "enterprises.add_visit",
             "enterprises.add_pairing"]
    for role in ("town", "department", "task_force"):
        grant(role, *perms)


@pytest.fixture
def acme(demo, leader):
    from enterprises.models import Enterprise

    return Enterprise.objects.create(credit_code=make_credit_code(1), name="青山湖针织有限公司",
                                     area=demo.areas["谢埠村"], unit=demo.units["罗家镇"], building="谢埠老街1号楼",
                                     contact_name="张三丰", contact_phone="13812345678", scale="above")
