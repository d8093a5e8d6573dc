"""Write the demo's 2023 office workbooks (imports/demo_data/*.xlsx) from imports.demo_books — the same bytes
every run (imports/tests/test_demo.py fails if the committed files differ from what the builder makes).

    .venv/bin/python scripts/make_demo_workbooks.py
"""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings.dev")

import django  # noqa: E402

django.setup()

from imports.demo_books import FILE_NAMES, closed_year_books  # noqa: E402

for code, data in closed_year_books().items():
    path = ROOT / "imports" / "demo_data" / FILE_NAMES[code]
    path.write_bytes(data)
    print(f"{path.relative_to(ROOT)}: {len(data)} bytes")
