"""The tests are grouped by the package they test (tests/<package>/test_*.py), so one app's tests
sit together and run alone with `pytest tests/<package>`; shared fixtures and helpers stay in
tests/ itself."""

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


def ignored(folder: Path) -> bool:
    return folder.name == "__pycache__" or folder.name.startswith(".")


def test_it_keeps_test_modules_out_of_the_top_of_tests():
    stray = sorted(path.name for path in TESTS.glob("test_*.py"))
    assert stray == [], f"Move {', '.join(stray)} into the folder of the package it tests (tests/<package>/)."


def test_it_names_each_test_folder_after_a_package_of_the_repository():
    folders = sorted(path for path in TESTS.iterdir() if path.is_dir() and not ignored(path))
    assert folders, "tests/ has no app folders"
    strangers = [folder.name for folder in folders if not (ROOT / folder.name / "__init__.py").is_file()]
    assert strangers == [], f"Name each folder of tests/ after the package it tests, not {', '.join(strangers)}."


def test_it_makes_each_test_folder_a_package_so_equal_basenames_cannot_clash():
    # Without __init__.py, pytest imports two folders' test_models.py under one module name. A
    # folder of data files only (the list's HTML snapshots) holds no module to clash.
    folders = [path for path in TESTS.rglob("*") if path.is_dir() and not ignored(path) and any(path.rglob("*.py"))]
    bare = sorted(str(folder.relative_to(ROOT)) for folder in folders if not (folder / "__init__.py").is_file())
    assert bare == [], f"Add an __init__.py to {', '.join(bare)}"
