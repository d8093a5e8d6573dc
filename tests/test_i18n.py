"""English is the second locale: every string has a translation, the catalogue matches the code, and the
switcher really switches the pages."""
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _msgids(path):
    return {(e.msgid, e.msgid_plural or "") for e in polib.pofile(str(path)) if not e.obsolete}


def test_every_string_has_an_english_translation():
    po = polib.pofile(str(PO))
    missing = [e.msgid for e in po if not e.obsolete and ("fuzzy" in e.flags or not (
        all(e.msgstr_plural.get(i) for i in (0, 1)) if e.msgid_plural else e.msgstr))]
    assert not missing, f"{len(missing)} untranslated (run scripts/i18n.py): {missing[:10]}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is installed by `make test-deps`")
def test_the_catalogue_matches_the_code(tmp_path):
    # makemessages writes into any `locale` directory under its working directory, so it runs in a mirror of
    # the project (symlinks to the sources, a copy of locale/): the committed catalogue is never rewritten.
    mirror = tmp_path / "src"
    mirror.mkdir()
    skip = {"locale", ".venv", ".git", "static", "staticfiles", "test-artifacts", "build", "media"}
    for entry in ROOT.iterdir():
        if entry.name not in skip:
            (mirror / entry.name).symlink_to(entry)
    locale = mirror / "locale"
    shutil.copytree(ROOT / "locale", locale)
    env = {"TAIZHANG_LOCALE_DIR": str(locale), "DJANGO_SETTINGS_MODULE": "taizhang.settings.test",
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    ignores = [f"--ignore={i}" for i in sorted(skip - {"locale"})]
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "--no-location",
                    "--symlinks", *ignores], cwd=mirror, env=env, check=True, capture_output=True)
    fresh = _msgids(locale / "en" / "LC_MESSAGES" / "django.po")
    committed = _msgids(PO)
    assert fresh == committed, (
        f"locale/en is out of date: new {sorted(fresh - committed)[:5]}, gone {sorted(committed - fresh)[:5]}; "
        "run `python scripts/i18n.py update` and translate")


def test_the_switcher_turns_the_mechanism_page_english(client_for, leader):
    client = client_for(leader)
    chinese = client.get("/").content.decode()
    assert 'lang="zh-hans"' in chinese and "推进机制" in chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/").content.decode()
    assert 'lang="en"' in english
    assert "Task Force · 5" in english  # the chart's level heading, translated
    assert "Promotion Mechanism" in english and "Log Out" in english
    assert "推进机制" not in english.split("<main")[0]  # the shell (sidebar, top bar) is all English
