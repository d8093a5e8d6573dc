"""The public portal: submit with the challenge, rate limit, honeypot and time check, no enumeration, no
personal data or staff notes on the public page, rating with number and code."""
import re

import pytest
from django.core.cache import cache

from appeals.models import Appeal
from items.services import perform

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _answer(page):
    a, b = re.search(r"(\d+) 加 (\d+) 等于几", page).groups()
    return int(a) + int(b)


def submit(client, appeals_setup, settings, **overrides):
    from org.models import Area

    demo = type("D", (), {"areas": {"罗家镇": Area.objects.get(name="罗家镇")}})
    settings.TAIZHANG_PORTAL_MIN_SECONDS = 0
    page = client.get("/appeals/public/submit/").content.decode()
    data = {"category": appeals_setup.categories["city-sanitation"].pk, "description": "谢埠老街垃圾堆积三天无人清运",
            "area": demo.areas["罗家镇"].pk, "location": "谢埠老街", "name": "李四", "phone": "13900001111", "answer": _answer(page), "website": ""}
    data.update(overrides)
    return client.post("/appeals/public/submit/", data)


def test_a_citizen_submits_without_login_and_gets_a_number_and_code(client, appeals_setup, settings, demo):
    response = submit(client, appeals_setup, settings)
    assert response.status_code == 201
    page = response.content.decode()
    number = re.search(r'data-testid="tracking-number">(\w+)<', page).group(1)
    code = re.search(r'data-testid="verification-code">(\d+)<', page).group(1)
    appeal = Appeal.objects.get(tracking_number=number)
    assert appeal.channel == "portal" and appeal.requester_phone == "13900001111"
    assert appeal.verification_hash and code not in appeal.verification_hash
    assert appeal.state == "assigned" and appeal.lead_unit == demo.units["罗家镇"]  # routed by category × area


def test_a_wrong_answer_or_a_filled_honeypot_is_refused_and_nothing_written(client, appeals_setup, settings):
    settings.TAIZHANG_PORTAL_MIN_SECONDS = 0
    client.get("/appeals/public/submit/")
    r = client.post("/appeals/public/submit/", {"category": appeals_setup.categories["city-sanitation"].pk,
                                                "description": "垃圾堆积三天", "answer": 99})
    assert r.status_code == 400 and "验证问题回答错误" in r.content.decode()
    r = submit(client, appeals_setup, settings, website="http://spam")
    assert r.status_code == 400
    assert not Appeal.objects.exists()


def test_a_form_sent_back_too_fast_is_refused(client, appeals_setup, settings):
    page = client.get("/appeals/public/submit/").content.decode()
    settings.TAIZHANG_PORTAL_MIN_SECONDS = 30
    r = client.post("/appeals/public/submit/", {"category": appeals_setup.categories["city-sanitation"].pk,
                                                "description": "垃圾堆积三天", "answer": _answer(page)})
    assert r.status_code == 400 and not Appeal.objects.exists()


def test_a_non_image_photo_is_refused(client, appeals_setup, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")
    r = submit(client, appeals_setup, settings, photos=fake)
    assert r.status_code == 400 and not Appeal.objects.exists()


def test_the_portal_is_rate_limited_per_ip(client, appeals_setup, settings):
    settings.TAIZHANG_PORTAL_RATE = (2, 60)
    for _ in range(2):
        assert client.post("/appeals/public/track/", {"tracking_number": "X", "code": "1"}).status_code == 404
    r = client.post("/appeals/public/track/", {"tracking_number": "X", "code": "1"})
    assert r.status_code == 429


def test_a_wrong_code_and_an_unknown_number_look_the_same(client, appeals_setup, settings):
    page = submit(client, appeals_setup, settings).content.decode()
    number = re.search(r'data-testid="tracking-number">(\w+)<', page).group(1)
    wrong_code = client.post("/appeals/public/track/", {"tracking_number": number, "code": "000000x"})
    unknown = client.post("/appeals/public/track/", {"tracking_number": "ZZZZZZZZZZ", "code": "123456"})
    assert wrong_code.status_code == unknown.status_code == 404
    strip = lambda r: re.sub(r'"X-CSRFToken": "[^"]+"|value="[^"]*"', "", r.content.decode())  # noqa: E731
    assert strip(wrong_code) == strip(unknown)


def test_the_public_page_shows_state_and_reply_but_no_staff_notes_or_personal_data(client, appeals_setup,
                                                                                     settings, town_a):
    page = submit(client, appeals_setup, settings).content.decode()
    number = re.search(r'data-testid="tracking-number">(\w+)<', page).group(1)
    code = re.search(r'data-testid="verification-code">(\d+)<', page).group(1)
    appeal = Appeal.objects.get(tracking_number=number)
    perform(appeal, "accept", town_a, appeal.version)
    perform(appeal, "comment", town_a, appeal.version, note="内部备注：请城管协助")
    perform(appeal, "reply", town_a, appeal.version, data={"outcome": "solved", "reply": "已安排清运"})
    status = client.post("/appeals/public/track/", {"tracking_number": number, "code": code}).content.decode()
    assert "已办结" in status and "已安排清运" in status
    assert "内部备注" not in status and "13900001111" not in status and "王晓燕" not in status
    r = client.post("/appeals/public/rate/", {"tracking_number": number, "code": code, "satisfaction": "satisfied"})
    assert r.status_code == 200 and "感谢您的评价" in r.content.decode()
    assert Appeal.objects.get(pk=appeal.pk).satisfaction == "satisfied"
    again = client.post("/appeals/public/rate/", {"tracking_number": number, "code": code, "satisfaction": "dissatisfied",
                                                  "reason": "subjective"})
    assert again.status_code == 400
    assert client.post("/appeals/public/rate/", {"tracking_number": number, "code": "999999x",
                                                 "satisfaction": "satisfied"}).status_code == 404


def test_the_portal_views_are_marked_public(client):
    from django.urls import resolve

    for path in ("/appeals/public/", "/appeals/public/submit/", "/appeals/public/track/", "/appeals/public/rate/",
                 "/open311/v2/services.json"):
        assert getattr(resolve(path).func.view_class, "public", False) is True
    assert client.get("/appeals/public/submit/").status_code == 200
    assert client.get("/appeals/ledger/").status_code == 302  # staff pages still need a login


def test_a_photo_is_attached_after_its_content_is_checked(client, appeals_setup, settings, tmp_path):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = str(tmp_path)
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    photo = SimpleUploadedFile("现场.png", buffer.getvalue(), content_type="image/png")
    assert submit(client, appeals_setup, settings, photos=photo).status_code == 201
    appeal = Appeal.objects.get()
    assert [a.content_type for a in appeal.attachments.all()] == ["image/png"]
