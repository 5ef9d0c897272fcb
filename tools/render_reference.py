"""Render the sample dossiers' first pages and an exhibit page to PNG in docs/reference/, and
the first pages of the submission edition (``*.submission.p1.png`` …).

Needs pdftoppm (Debian poppler-utils). Run: python tools/render_reference.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from casekit import NOW, sample_case  # noqa: E402
from disputekit.assemble.build import build_dossier  # noqa: E402
from disputekit.models.build import BuildOptions  # noqa: E402

PAGES = {"signed-not-received": [1, 2, 3, 5, 7], "returned-not-ours": [1, 2]}
SUBMISSION_PAGES = [1, 2]


def main() -> None:
    out = ROOT / "docs" / "reference"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, pages in PAGES.items():
            for lang in ("zh", "en"):
                case = sample_case(name, Path(tmp) / f"{name}-{lang}")
                result = build_dossier(case, BuildOptions(now=NOW[name], lang=lang, upload=False))
                assert result.submission is not None
                for page in pages if lang == "zh" else pages[:1]:
                    render(result.dossier, page, out / f"{name}.{lang}.p{page}")
                for page in SUBMISSION_PAGES if lang == "zh" else SUBMISSION_PAGES[:1]:
                    render(result.submission, page, out / f"{name}.{lang}.submission.p{page}")


def render(pdf: Path, page: int, prefix: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", "-f", str(page),
                    "-l", str(page), str(pdf), str(prefix)], check=True)
    print(f"{prefix}.png")


if __name__ == "__main__":
    main()
