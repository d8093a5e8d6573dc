"""A defined ledger's entries pass the contract every ledger kind passes (items.testing.ItemKindContract):
one scope on page, API and export; versions on every write; an idempotent repeat; a refusal audited."""
from items.testing import ItemKindContract
from ledgers import seeds, services

from .conftest import dispute_raw


class TestLedgerEntryKind(ItemKindContract):
    detail_url_name = "ledgers:entry_detail"
    list_url_name = "ledgers:entry_list"
    api_basename = "ledger-entry"
    action, actor, refused_actor = "close", "town_a", "leader"

    def make_row(self, demo, people):
        definition = seeds.load_seed("disputes", actor=people["admin_user"], mechanism=demo.mechanism)
        return services.entry_create(actor=people["town_a"], definition=definition, raw=dispute_raw(demo))
