"""The house in layers: folders are layers, imports point down only, front ends call services.

Read from the source with ``ast`` (every import, also those inside functions and under
TYPE_CHECKING: a lazy import is still a dependency).

    kernel (assistant/*.py but app.py)  <  adapters/  <  core/  <  app.py  <  front/
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"
LAYERS = {"kernel": 0, "adapters": 1, "core": 2, "app": 3, "front": 4}
# What a front end may use of the core: the service packages' public faces (their __init__).
# The packages whose __init__ is a whole use case (answer, draft, ingest, cite/verify).
SERVICE_FACES = {
    "assistant.core.answering",
    "assistant.core.citations",
    "assistant.core.drafting",
    "assistant.core.ingest",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ("adapters", "core", "front", "app"):
        return parts[1]
    return "kernel"


def _type_only(tree: ast.AST) -> set[int]:
    """ids of the import nodes under ``if TYPE_CHECKING:`` (they never run)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            out |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return out


def imports_of(path: Path, runtime_only: bool = False) -> set[str]:
    """Every ``assistant…`` module this file imports, resolved to the deepest existing module.

    ``runtime_only`` leaves out the imports under TYPE_CHECKING (annotations only: no cycle).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_only(tree) if runtime_only else set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("assistant")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant"):
            for alias in node.names:  # ``from assistant.x import y``: y may be a module itself
                sub = f"{node.module}.{alias.name}"
                found.add(sub if _exists(sub) else node.module)
    return found


def _exists(module: str) -> bool:
    base = PACKAGE.parent.joinpath(*module.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def graph(runtime_only: bool = False) -> dict[str, set[str]]:
    return {module_name(p): imports_of(p, runtime_only) for p in sorted(PACKAGE.rglob("*.py"))}


def test_the_layer_folders_exist():
    for folder in ("adapters", "core", "front"):
        assert (PACKAGE / folder / "__init__.py").is_file(), folder
    kernel = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "app"}
    assert kernel <= {"config", "prompts", "documents", "numerals", "bigrams", "messages", "hanzi"}, kernel


def test_no_module_imports_upward():
    upward = [
        f"{src} → {dst}"
        for src, targets in graph().items()
        for dst in targets
        if LAYERS[layer(dst)] > LAYERS[layer(src)]
    ]
    assert upward == []


def test_front_ends_use_only_services_and_the_composition_root():
    reach = [
        f"{src} → {dst}"
        for src, targets in graph().items()
        if layer(src) == "front"
        for dst in targets
        if layer(dst) in ("adapters", "core") and dst not in SERVICE_FACES
    ]
    assert reach == []


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle among ``edges`` (as a path), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_between_modules():
    edges = {src: {d for d in dst if d != src and not src.startswith(d + ".")}
             for src, dst in graph(runtime_only=True).items()}
    assert _cycle(edges) is None, " → ".join(_cycle(edges) or [])


def test_no_import_cycle_between_core_packages():
    def package(module: str) -> str:
        return ".".join(module.split(".")[:3])

    edges: dict[str, set[str]] = {}
    for src, targets in graph().items():
        if layer(src) == "core":
            edges.setdefault(package(src), set()).update(
                package(d) for d in targets if layer(d) == "core" and package(d) != package(src))
    assert _cycle(edges) is None, " → ".join(_cycle(edges) or [])


def test_the_checks_can_fail():
    assert _cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert layer("assistant.front.cli") == "front" and layer("assistant.config") == "kernel"
    assert "assistant.core.drafting.service" in imports_of(PACKAGE / "app.py")


def test_packaged_data_has_one_loader():
    """Rule tables, prompts and model files are read through assistant/prompts.py only."""
    import re

    ways = re.compile(r"importlib\.resources|(?<![\w.])(?<!def )files\(|Path\(__file__\)")
    others = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if p.name != "prompts.py" and "front" not in p.parts  # the UI's own css/js assets
        and ways.search(p.read_text(encoding="utf-8"))
    ]
    assert others == []
    assert not list((PACKAGE / "resources").glob("*.yaml"))  # rule tables live in prompts/rules
