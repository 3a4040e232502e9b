import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from catalogue.settings import env_bool, env_int, env_rate

ROOT = Path(__file__).resolve().parents[2]


def run_check(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_it_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_check(DEBUG="0", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "SECRET_KEY must be set when DEBUG is off (export SECRET_KEY=<a long random string>)."
    )


@pytest.mark.slow
def test_it_starts_with_a_secret_key_when_debug_is_off():
    result = run_check(DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "accepted"),
    [
        ("DEBUG", "ture", "use 1, true, yes or on for on; 0, false, no or off for off"),
        ("EMAIL_USE_TLS", "", "use 1, true, yes or on for on; 0, false, no or off for off"),
        ("TRUSTED_PROXIES", "abc", "use a whole number, 0 or more (no units)"),
        ("HUB_MAX_PDF_BYTES", "20MB", "use a whole number, 0 or more (no units)"),
        ("LOGIN_DELAY_SECONDS", "-1", "use a whole number, 0 or more (no units)"),
        (
            "DATABASE_URL",
            "",
            "use a database URL, e.g. postgres://user@host:5432/name or sqlite:///path/to/file.sqlite3",
        ),
        (
            "DATABASE_URL",
            "postgress://u@db.example.org/c",
            "use a database URL, e.g. postgres://user@host:5432/name or sqlite:///path/to/file.sqlite3",
        ),
        (
            "API_THROTTLE_ANON",
            "600 per hour",
            "use requests per period, e.g. 600/hour (periods: second, minute, hour, day)",
        ),
    ],
)
def test_it_refuses_to_start_on_a_value_it_cannot_read_naming_the_variable(variable, value, accepted):
    result = run_check(**{variable: value})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == f"{variable}={value!r} is not a valid value: {accepted}."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        (" Yes ", True),
        ("ON", True),
        ("0", False),
        ("False", False),
        ("no", False),
        ("off", False),
    ],
)
def test_it_reads_every_accepted_spelling_of_a_boolean(monkeypatch, value, expected):
    monkeypatch.setenv("SOME_SWITCH", value)
    assert env_bool("SOME_SWITCH", not expected) is expected


def test_it_takes_the_default_of_an_unset_variable_and_reads_a_set_number(monkeypatch):
    monkeypatch.delenv("SOME_NUMBER", raising=False)
    assert env_int("SOME_NUMBER", 7) == 7
    assert env_bool("SOME_NUMBER", True) is True
    monkeypatch.setenv("SOME_NUMBER", " 42 ")
    assert env_int("SOME_NUMBER", 7) == 42
    monkeypatch.setenv("SOME_RATE", "5/minute")
    assert env_rate("SOME_RATE", "600/hour") == "5/minute"


def variables_read_by_the_settings() -> set[str]:
    """Every variable named in a call of an env_* helper; and nothing else in the module may read
    the environment, so that none escapes this list."""
    tree = ast.parse((ROOT / "catalogue" / "settings.py").read_text())
    helpers = {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("env_")}
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef):
            continue
        for node in ast.walk(statement):
            assert not (isinstance(node, ast.Attribute) and node.attr in ("getenv", "environ")), (
                f"line {node.lineno} reads the environment without an env_* helper"
            )
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers:
            assert isinstance(node.args[0], ast.Constant), f"line {node.lineno}: name the variable literally"
            names.add(node.args[0].value)
    return names


def variables_in_the_readme_table() -> list[str]:
    text = (ROOT / "README.md").read_text()
    table = text.split("## Settings (environment variables)", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    return [name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])]


def test_it_documents_exactly_the_variables_the_settings_read_in_the_readme_table():
    read = variables_read_by_the_settings()
    documented = variables_in_the_readme_table()
    assert len(read) > 40  # the parser found the helpers' calls
    assert sorted(set(documented)) == sorted(read), (
        f"missing from README.md: {sorted(read - set(documented))}; not read: {sorted(set(documented) - read)}"
    )
    assert len(documented) == len(set(documented)), "a variable listed twice"


def test_it_writes_the_middleware_once_in_its_final_order():
    tree = ast.parse((ROOT / "catalogue" / "settings.py").read_text())
    assignments = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "MIDDLEWARE" for t in node.targets)
    ]
    changes = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "MIDDLEWARE"
    ]
    assert len(assignments) == 1 and isinstance(assignments[0].value, ast.List), "MIDDLEWARE is not one literal list"
    assert all(isinstance(item, ast.Constant) for item in assignments[0].value.elts)
    assert not changes, f"MIDDLEWARE changed after its assignment, line {changes[0].lineno if changes else ''}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT is PostgreSQL's")
@pytest.mark.django_db
def test_it_opens_postgresql_connections_with_jit_off():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_it_turns_jit_off_before_the_options_a_database_url_gives():
    """Options in DATABASE_URL come after the project's, so that `-c jit=on` there still wins."""
    environment = {**os.environ, "DATABASE_URL": "postgres://u@db.invalid:5432/c?options=-c%20jit%3Don"}
    result = subprocess.run(
        [sys.executable, "-c", "from catalogue import settings; print(settings.DATABASES['default']['OPTIONS'])"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'options': '-c jit=off -c jit=on'}"
