"""The layering is a test, not a wish: geo/ and store/ import no UI library, pages stay thin."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UI = {"streamlit", "streamlit_folium", "folium", "branca"}
PURE = sorted([*ROOT.joinpath("geo").rglob("*.py"), *ROOT.joinpath("store").rglob("*.py")])
PAGES = sorted([ROOT / "app.py", *ROOT.joinpath("pages").glob("*.py")])
RUNTIME = sorted([*PAGES, *ROOT.joinpath("components").rglob("*.py"), *PURE])


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("module", PURE, ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_code_imports_no_ui_library(module):
    assert not UI & imported(module)


@pytest.mark.parametrize("module", [p for p in PURE if p.name != "__init__.py"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_every_public_domain_function_has_a_docstring(module):
    tree = ast.parse(module.read_text(encoding="utf-8"))
    missing = [node.name for node in tree.body
               if isinstance(node, ast.FunctionDef | ast.ClassDef)
               and not node.name.startswith("_") and not ast.get_docstring(node)]
    assert not missing


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_are_thin(page):
    assert len(page.read_text(encoding="utf-8").splitlines()) <= 80


@pytest.mark.parametrize("module", RUNTIME, ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_the_app_runs_reads_the_shared_folder(module):
    text = module.read_text(encoding="utf-8")
    assert "../shared" not in text or module.name in {"__main__.py", "prepare.py", "importer.py"}


def test_only_components_data_declares_caches():
    declaring = [p.relative_to(ROOT).as_posix() for p in RUNTIME
                 if "@st.cache_" in p.read_text(encoding="utf-8")]
    assert declaring == ["components/data.py"]


def test_only_components_uploads_shows_a_file_uploader():
    """Every uploader opens uploads for its session through ``components.uploads``."""
    showing = [p.relative_to(ROOT).as_posix() for p in RUNTIME
               if "st.file_uploader(" in p.read_text(encoding="utf-8")]
    assert showing == ["components/uploads.py"]


def test_ruff_finds_nothing():
    """The house style is what the tooling enforces (``pyproject.toml``'s Ruff rules)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--quiet", str(ROOT)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-3000:]
