"""The import contracts in `.importlinter` hold: each app imports only the apps below it, ledger kinds and
registers do not import each other, and no app's modules import each other in a cycle
(docs/architecture.md). `make lint` runs the same contracts; a failure here prints the broken contract as
lint-imports reports it — which import, on which line."""
import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"


def _contract_ids():
    parser = configparser.ConfigParser()
    parser.read(CONFIG, encoding="utf-8")
    return [section.split(":", 2)[2] for section in parser.sections() if section.startswith("importlinter:contract:")]


def _lint_imports():
    beside = Path(sys.executable).with_name("lint-imports")
    found = str(beside) if beside.exists() else shutil.which("lint-imports")
    if found is None:
        pytest.fail("lint-imports is not installed: `pip install -e '.[test]'` (import-linter)")
    return found


def test_the_contracts_cover_the_layers_and_the_cycles():
    assert {"layers", "acyclic"} <= set(_contract_ids())


@pytest.mark.parametrize("contract", _contract_ids())
def test_the_import_contract_is_kept(contract):
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    result = subprocess.run([_lint_imports(), str(CONFIG), "--contract", contract, "--no-cache"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        report = result.stdout
        broken = report[report.find("Broken contracts"):] if "Broken contracts" in report else report
        pytest.fail(f"import contract {contract!r} is broken (.importlinter):\n{broken}\n{result.stderr}",
                    pytrace=False)
