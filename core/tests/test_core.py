"""core: the badge tag, masking, Excel safety, the generic views' error mapping."""
import pytest
from django.template import Context, Template

from core.excel import safe_cell
from core.masking import mask_id_number, mask_name, mask_phone
from core.tables import Column, choice_badge
from org.models import Body, BodyKind


def render(template, **context):
    return Template("{% load tz_tags %}" + template).render(Context(context))


def test_the_badge_tag_takes_the_colour_of_the_choice(demo):
    hq = demo.bodies["总指挥部"]
    assert render('{% choice_badge body "kind" %}', body=hq) == '<span class="badge text-bg-danger">总指挥部</span>'
    task_force = demo.bodies["抓大引大专班"]
    assert "text-bg-primary" in render('{% choice_badge body "kind" %}', body=task_force)


def test_the_badge_tag_falls_back_to_grey_for_plain_choices(demo):
    # AreaLevel declares no colours
    assert "text-bg-secondary" in render('{% choice_badge a "level" %}', a=demo.areas["罗家镇"])


def test_the_badge_column_and_the_tag_agree(demo):
    body = demo.bodies["资金保障组"]
    column = Column("kind", "类别", badge=choice_badge("kind", BodyKind))
    assert column.html(body) == render('{% choice_badge body "kind" %}', body=body)


def test_the_badge_escapes_its_label(db):
    body = Body(kind="command")
    body.get_kind_display = lambda: "<b>x</b>"
    assert "&lt;b&gt;" in render('{% choice_badge body "kind" %}', body=body)


@pytest.mark.parametrize("value, masked", [("13912345678", "139****5678"), ("", ""), ("123", "***")])
def test_phones_are_masked(value, masked):
    assert mask_phone(value) == masked


def test_id_numbers_and_names_are_masked():
    assert mask_id_number("110101199003071234") == "110101********1234"
    assert mask_name("欧阳娜娜") == "欧***" and mask_name("张三") == "张*"


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2", "@cmd", "\t=x"])
def test_formula_like_text_is_never_a_formula_in_excel(value):
    assert safe_cell(value) == "'" + value


def test_plain_values_pass_through_excel_unchanged():
    assert safe_cell("罗家镇") == "罗家镇" and safe_cell(3) == 3 and safe_cell(None) == ""


def test_a_domain_error_on_delete_is_an_answer_not_a_500(demo, admin_user, rf):
    from django.contrib.messages.storage.fallback import FallbackStorage

    from core.errors import Conflict
    from core.views import ObjectDeleteView
    from org.models import Person

    class RefusingDelete(ObjectDeleteView):
        queryset = Person.objects.all()

        def delete(self, obj, expected_version):
            raise Conflict()

    person = demo.people["刘思远"]
    request = rf.post(f"/people/{person.pk}/delete/")
    request.user = admin_user
    request.session = {}
    request._messages = FallbackStorage(request)
    response = RefusingDelete.as_view()(request, pk=person.pk)
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    assert Person.objects.filter(pk=person.pk).exists()
