"""English locale upkeep: the code's msgids are Chinese (the product is Chinese first); English is the
second locale in locale/en/LC_MESSAGES/django.po.

    python scripts/i18n.py update            # makemessages -l en (keeps existing translations)
    python scripts/i18n.py export DIR N      # untranslated entries → DIR/chunk-K.json ({msgid: ""}), N chunks
    python scripts/i18n.py apply DIR         # fill msgstr from DIR/*.json, then compile
    python scripts/i18n.py check             # exit 1 if any entry is untranslated or fuzzy
Plural entries are exported as "msgid\\u0000msgid_plural" keys with a [singular, plural] list as value.
"""
import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
IGNORES = [".venv", "static", "staticfiles", "test-artifacts", "build", "media"]


def manage(*args):
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT)


def update():
    manage("makemessages", "-l", "en", "--no-obsolete", "--no-location", *[f"--ignore={i}" for i in IGNORES])


def untranslated(po):
    out = []
    for e in po:
        if e.obsolete:
            continue
        if e.msgid_plural:
            if "fuzzy" in e.flags or not all(e.msgstr_plural.get(i) for i in (0, 1)):
                out.append(e)
        elif "fuzzy" in e.flags or not e.msgstr:
            out.append(e)
    return out


def export(directory, chunks):
    po = polib.pofile(str(PO))
    todo = untranslated(po)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    size = max(1, -(-len(todo) // int(chunks)))
    for k in range(0, len(todo), size):
        part = {}
        for e in todo[k:k + size]:
            key = f"{e.msgid}\u0000{e.msgid_plural}" if e.msgid_plural else e.msgid
            part[key] = ["", ""] if e.msgid_plural else ""
        (directory / f"chunk-{k // size + 1}.json").write_text(json.dumps(part, ensure_ascii=False, indent=1))
    print(f"{len(todo)} untranslated entries → {directory}")


def apply(directory):
    po = polib.pofile(str(PO))
    index = {(e.msgid, e.msgid_plural or ""): e for e in po}
    filled = 0
    for path in sorted(Path(directory).glob("*.json")):
        for key, value in json.loads(path.read_text()).items():
            msgid, _, plural = key.partition("\u0000")
            entry = index.get((msgid, plural))
            if entry is None or not value:
                continue
            if plural:
                entry.msgstr_plural = {0: value[0], 1: value[1]}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
    po.save(str(PO))
    manage("compilemessages", "-l", "en", *[f"--ignore={i}" for i in IGNORES])
    print(f"filled {filled} entries")


def check():
    missing = untranslated(polib.pofile(str(PO)))
    for e in missing[:50]:
        print("untranslated:", e.msgid)
    print(f"{len(missing)} untranslated entries")
    return 1 if missing else 0


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "check"
    if cmd == "update":
        update()
    elif cmd == "export":
        export(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else 1)
    elif cmd == "apply":
        apply(sys.argv[2])
    else:
        sys.exit(check())
