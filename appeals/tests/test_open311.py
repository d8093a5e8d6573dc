"""Open311 GeoReport v2 against a running server (pytest-django's live_server) with a real HTTP client
(urllib), in JSON and XML: every endpoint, the errors in the spec's format, no personal data."""
import datetime
import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest

API_KEY = "test-open311-key"


def call(base, path, *, params=None, data=None):
    url = f"{base}/open311/v2/{path}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, resp.headers.get("Content-Type"), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type"), exc.read()


def js(base, path, **kw):
    status, ctype, body = call(base, path + ".json", **kw)
    assert ctype.startswith("application/json"), (status, body[:2000])
    return status, json.loads(body)


def xml(base, path, **kw):
    status, ctype, body = call(base, path + ".xml", **kw)
    assert ctype.startswith("text/xml")
    return status, ET.fromstring(body)


@pytest.fixture
def server(live_server, settings):
    from appeals.services import appeal_create
    from appeals.setup import ensure_categories, ensure_centre
    from org.models import Area

    settings.TAIZHANG_APPEALS_OPEN311_API_KEYS = (API_KEY,)
    settings.TAIZHANG_APPEALS_OPEN311_MAX_PAGE_SIZE = 5
    cats = ensure_categories()
    centre = ensure_centre()
    # a hotline work order with a requester: its personal data must never appear
    appeal_create(actor=centre, title="路灯不亮", description="张三丰 13812345678 反映路灯不亮",
                  category=cats["city-roads"], channel="hotline", area=Area.objects.get(name="罗家镇"),
                  requester_name="张三丰", requester_phone="13812345678", requester_id_number="11010519491231002X",
                  dispatch=True)
    return live_server.url


@pytest.mark.django_db(transaction=True)
def test_open311_json_end_to_end(server):
    status, services = js(server, "services")
    assert status == 200
    codes = {s["service_code"] for s in services}
    assert "city-sanitation" in codes and "enterprise" not in codes  # enterprise appeals are not public
    assert {"service_name", "metadata", "type", "group"} <= set(services[0])
    status, definition = js(server, "services/city-sanitation")
    assert status == 200 and definition["service_code"] == "city-sanitation"
    assert js(server, "services/nope")[0] == 404

    status, created = js(server, "requests", data={
        "api_key": API_KEY, "service_code": "city-sanitation", "lat": "28.684", "long": "115.957",
        "address_string": "罗家镇谢埠老街", "description": "路边垃圾堆积多日", "first_name": "李", "last_name": "四",
        "phone": "13900001111", "jurisdiction_id": "qingshanhu.nanchang.gov.cn"})
    assert status == 201
    sid, token = created[0]["service_request_id"], created[0]["token"]
    assert sid.startswith("SQ-")

    status, one = js(server, f"requests/{sid}")
    row = one[0]
    assert status == 200 and row["status"] == "open" and row["service_code"] == "city-sanitation"
    assert row["agency_responsible"] == "罗家镇人民政府" or row["agency_responsible"]
    assert row["expected_datetime"] and row["lat"].startswith("28.684")
    assert js(server, f"tokens/{token}")[1] == [{"service_request_id": sid, "token": token}]
    assert js(server, "tokens/unknown")[0] == 404

    status, listed = js(server, "requests", params={"service_code": "city-sanitation,city-roads"})
    assert status == 200 and len(listed) == 2
    body = json.dumps(listed, ensure_ascii=False)
    assert "13812345678" not in body and "张三丰" not in body and "13900001111" not in body and "李四" not in body
    hotline = next(r for r in listed if r["service_code"] == "city-roads")
    assert hotline["description"] == "路灯不亮"  # the title, not the requester's own words
    assert js(server, "requests", params={"service_request_id": sid})[1][0]["service_request_id"] == sid
    assert js(server, "requests", params={"status": "closed"})[1] == []
    assert len(js(server, "requests", params={"status": "open"})[1]) == 2
    assert len(js(server, "requests", params={"page_size": 1, "page": 2})[1]) == 1

    # errors, in the spec's format
    for params, expected in [
        ({"start_date": "yesterday"}, 400),
        ({"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-06-01T00:00:00Z"}, 400),
        ({"page_size": 6}, 400),
        ({"status": "pending"}, 400),
        ({"jurisdiction_id": "elsewhere"}, 404),
    ]:
        status, errors = js(server, "requests", params=params)
        assert status == expected and set(errors[0]) == {"code", "description"}, params
    assert js(server, "requests", data={"service_code": "city-sanitation", "lat": "1", "long": "1",
                                        "description": "xxxxxx"})[0] == 403
    status, errors = js(server, "requests", data={"api_key": API_KEY, "lat": "1", "long": "1", "description": "xxxxx"})
    assert status == 400 and "service_code" in errors[0]["description"]
    status, errors = js(server, "requests", data={"api_key": API_KEY, "service_code": "city-sanitation",
                                                  "description": "xxxxxx"})
    assert status == 400 and "location" in errors[0]["description"]
    assert js(server, "requests/SQ-1999-0001")[0] == 404


@pytest.mark.django_db(transaction=True)
def test_open311_xml_end_to_end(server):
    status, root = xml(server, "services")
    assert status == 200 and root.tag == "services" and root.find("service/service_code") is not None
    status, root = xml(server, "services/city-noise")
    assert root.tag == "service_definition" and root.findtext("service_code") == "city-noise"
    status, root = xml(server, "requests", data={"api_key": API_KEY, "service_code": "city-noise",
                                                  "address_string": "湖坊镇顺化门", "description": "夜间施工噪音扰民"})
    assert status == 201 and root.tag == "service_requests"
    sid = root.findtext("request/service_request_id")
    token = root.findtext("request/token")
    status, root = xml(server, f"requests/{sid}")
    assert root.findtext("request/status") == "open" and root.findtext("request/address") == "湖坊镇顺化门"
    status, root = xml(server, f"tokens/{token}")
    assert root.findtext("request/service_request_id") == sid
    today = datetime.date.today()
    status, root = xml(server, "requests", params={"start_date": (today - datetime.timedelta(days=1)).isoformat(),
                                                   "end_date": (today + datetime.timedelta(days=1)).isoformat()})
    assert status == 200 and len(root.findall("request")) == 2
    assert "13812345678" not in ET.tostring(root, encoding="unicode")
    status, root = xml(server, "requests", params={"end_date": "2024-13-45"})
    assert status == 400 and root.tag == "errors" and root.findtext("error/code") == "400"
