"""The apps' imports point one way: no app imports the project package, no app imports itself in a
circle. Read from the source (every import statement, those inside functions too), not by
importing, so a deferred import cannot hide a cycle."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["initiatives", "rotas_import", "hub"]
PROJECT = "catalogue"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> set[str]:
    """Each module an import statement in the file names, `from x import y` giving x and x.y."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return names


def app_modules(app: str) -> dict[str, set[str]]:
    """{module: the modules of the same app it imports}; migrations left out (Django writes them)."""
    files = [path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]
    modules = {module_name(path): path for path in files}
    return {
        module: {name for name in imported_names(path) if name in modules and name != module}
        for module, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_it_finds_a_cycle_in_a_made_up_graph():
    graph = {"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "a.w": {"a.x"}}
    assert cycles(graph) == [["a.x", "a.y", "a.z"]]


def test_no_app_imports_the_project_package():
    offending = [
        f"{path.relative_to(ROOT)} imports {name}"
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        for name in imported_names(path)
        if name == PROJECT or name.startswith(PROJECT + ".")
    ]
    assert offending == []


def test_no_import_cycle_inside_an_app():
    found = {app: cycles(app_modules(app)) for app in [*APPS, PROJECT]}
    assert found == {app: [] for app in [*APPS, PROJECT]}
