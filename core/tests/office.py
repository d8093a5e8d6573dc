"""LibreOffice headless helpers for the document tests: .docx → PDF → text / PNG."""
import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def require_office():
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: `make browser-deps` installs libreoffice-writer-nogui")
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftotext, pdftoppm) is not installed: `make browser-deps` installs it")


def docx_to_pdf(data: bytes, workdir: Path, name="document") -> Path:
    """Convert with a private LibreOffice profile (other processes may run soffice at the same time)."""
    require_office()
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / f"{name}.docx"
    source.write_bytes(data)
    profile = (workdir / "lo-profile").resolve().as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(workdir), str(source)], check=True, timeout=180,
                   capture_output=True)
    pdf = workdir / f"{name}.pdf"
    assert pdf.exists(), "LibreOffice produced no PDF"
    return pdf


def pdf_text(pdf: Path) -> str:
    """The PDF's text with all whitespace removed (pdftotext puts spaces between CJK and digits)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60)
    return "".join(out.stdout.decode("utf-8").split())


def pdf_pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, timeout=60).stdout.decode()
    for line in out.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return 0


def pdf_page1_png(pdf: Path, target: Path, dpi=80) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    stem = target.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                   check=True, timeout=60)
    return target
