import pytest
from django.urls import reverse

from ledgers.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_a_seeded_ledger_takes_an_entry_through_page_api_and_list(dispute, disputes, town_a, town_b, client_for):
    assert dispute.number.startswith("MD-")
    assert dispute.state == "in_progress"
    assert dispute.title == "宅基地边界纠纷"
    c = client_for(town_a)
    page = c.get(reverse("ledgers:entry_detail", args=[dispute.pk]))
    assert page.status_code == 200, page.content[:2000]
    listing = c.get(reverse("ledgers:entry_list"), {"ledger": "disputes", "type": "neighbour"})
    assert listing.status_code == 200, listing.content[:3000]
    assert dispute.number in listing.content.decode()
    assert client_for(town_b).get(reverse("ledgers:entry_detail", args=[dispute.pk])).status_code == 404
    api = c.get(reverse("api:ledger-entry-list"), {"ledger": "disputes"})
    assert api.status_code == 200, api.content
    assert [r["number"] for r in api.json()["results"]] == [dispute.number]
    assert api.json()["results"][0]["data"]["party_phone"] == "138****5678"
    dash = c.get(reverse("ledgers:dashboard"), {"ledger": "disputes"})
    assert dash.status_code == 200, dash.content[:3000]
    assert LedgerEntry.objects.count() == 1
