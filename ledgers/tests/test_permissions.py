"""Who may do what with a defined ledger, persona by persona: define it (the administrator only), register an
entry for 罗家镇, see it, change it — each the one rule (accounts.scope, ledgers.validation.may_write_for,
services.may_edit), through the services that pages, API and import share."""
import pytest

from accounts.scope import visible_to
from core.errors import NotFound, PermissionDenied
from ledgers import services
from ledgers.models import LedgerEntry

from .conftest import dispute_raw

pytestmark = pytest.mark.django_db

PERSONAS = ("admin_user", "leader", "town_a", "town_b", "village", "dept", "taskforce", "supervisor", "auditor")
# persona: (defines, registers for 罗家镇, sees a 罗家镇 entry, changes it)
MATRIX = {
    "admin_user": (True, True, True, True),
    "leader": (False, True, True, False),
    "town_a": (False, True, True, True),
    "town_b": (False, False, False, False),
    "village": (False, False, False, False),
    "dept": (False, False, False, False),
    "taskforce": (False, False, False, False),
    "supervisor": (False, False, True, False),
    "auditor": (False, False, True, False),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_permission_matrix(persona, request, demo, disputes, dispute):
    user = request.getfixturevalue(persona)
    defines, registers, sees, changes = MATRIX[persona]
    fields = services.definition_schema(disputes)["fields"]
    try:
        services.definition_save(actor=user, definition=disputes, expected_version=disputes.version,
                                 attrs={"name": "改名"}, fields=fields)
        defined = True
    except PermissionDenied:
        defined = False
    assert defined == defines
    try:
        services.entry_create(actor=user, definition=disputes, raw=dispute_raw(demo))
        registered = True
    except PermissionDenied:
        registered = False
    assert registered == registers
    assert visible_to(user, LedgerEntry.objects.filter(pk=dispute.pk)).exists() == sees
    entry = LedgerEntry.objects.get(pk=dispute.pk)
    try:
        services.entry_update(actor=user, entry=entry, raw={"people": "5"}, expected_version=entry.version)
        changed = True
    except (PermissionDenied, NotFound):
        changed = False
    assert changed == changes
