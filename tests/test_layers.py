"""Layers point one way: no module imports a layer above its own, and modules form no import cycle.

Every module's imports are read with ``ast`` -- those inside functions too -- and checked against the
layers of docs/ARCHITECTURE.md (issue 16). An import inside a function must say why on its line
(or the line above) with a ``# lazy:`` comment: a heavy third-party library loaded on first use
(mlflow, matplotlib, prophet, scipy.stats, scikit-learn, statsmodels, dask ...) so that
``import mstarget`` and ``mstarget --help`` stay fast. Only the command line (one module per
subcommand, loaded when that subcommand runs) and the package's lazy ``mt.risk`` may import
mstarget's own modules that way -- and a package its own submodules wrapping a heavy library (the
report's Word and Excel renderers); anywhere else such an import would hide a cycle.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import mstarget

SRC = Path(mstarget.__file__).parent

#: bottom first; a module may import its own layer (without a cycle) and the layers below.
#: ``name`` is that module alone, ``name.*`` the module or package and everything in it; the
#: longest match wins (``risk.*`` computes, the package's face ``risk`` and ``risk.api`` log runs)
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("_version", "exceptions", "arguments", "progress", "collector", "engine", "metrics",
                    "quantiles")),
    ("readers and writers", ("pdf_three_line", "text_tables", "output_set", "io", "plotting", "chinese_script", "validation", "precision",
                             "units", "layout", "consistency", "matching", "plan", "history")),
    ("transforms", ("transforms",)),
    ("models", ("models.*",)),
    ("forecast", ("pooling", "calibration", "selection", "forecast")),
    ("assess / backtest", ("schedule", "chart_choice", "reliability", "reliability_charts", "counting", "assess", "suggest", "outcomes",
                           "pace_check", "backtest", "learning", "risk.*")),
    ("boundary", ("tracking.*", "report.*", "api", "risk", "risk.api", "risk.plot", "cli.*",
                  "__init__", "__main__")),
]

def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in SRC.rglob("*.py")}


def layer_of(module: str) -> int:
    """Index in :data:`LAYERS` of a mstarget module (the longest matching name wins)."""
    rel = module[len("mstarget."):] if module != "mstarget" else "__init__"
    best, best_len = None, -1
    for i, (_, names) in enumerate(LAYERS):
        for name in names:
            stem = name[:-2] if name.endswith(".*") else name
            hit = rel == stem or (name.endswith(".*") and rel.startswith(stem + "."))
            rank = 10_000 if name == stem else len(name)  # the module named alone wins
            if hit and rank > best_len:
                best, best_len = i, rank
    if best is None:
        raise AssertionError(f"{module} is in no layer of tests/test_layers.py: add it (and to "
                             "docs/ARCHITECTURE.md)")
    return best


def _resolve(module: str, is_package: bool, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The mstarget modules an import statement loads (third-party ones are left out)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "mstarget"]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    if prefix.split(".")[0] != "mstarget":
        return []
    out = []
    for alias in node.names:
        sub = f"{prefix}.{alias.name}"
        out.append(sub if sub in MODULES else prefix)
    return sorted(set(out))


def imports() -> list[tuple[str, str, int, bool, str]]:
    """``(module, imported module, line, inside a function, line text)`` for every import."""
    out = []
    for module, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        is_package = path.name == "__init__.py"

        def visit(node, in_function: bool):
            for child in ast.iter_child_nodes(node):
                inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    marker = lines[child.lineno - 1] + " " + (lines[child.lineno - 2] if child.lineno > 1 else "")
                    targets = _resolve(module, is_package, child)
                    if not targets:
                        targets = ["<third-party>"]
                    for target in targets:
                        out.append((module, target, child.lineno, in_function, marker))
                visit(child, inside)

        visit(tree, False)
    return out


IMPORTS = imports()


def test_every_module_is_in_a_layer():
    for module in MODULES:
        layer_of(module)


def test_no_import_points_up():  # issue 16
    upward = [f"{m}:{line} imports {t} ({LAYERS[layer_of(m)][0]} -> {LAYERS[layer_of(t)][0]})"
              for m, t, line, _, _ in IMPORTS
              if t != "<third-party>" and t in MODULES and layer_of(t) > layer_of(m)]
    assert not upward, "imports pointing to a higher layer:\n" + "\n".join(upward)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def strong(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(edges):
        if v not in index:
            strong(v)
    return out


def test_no_import_cycle():  # issue 16: the imports inside functions count too
    edges: dict[str, set[str]] = {}
    for m, t, _, _, _ in IMPORTS:
        if t in MODULES and t != m:
            edges.setdefault(m, set()).add(t)
    assert not _cycles(edges), f"import cycles: {_cycles(edges)}"


def test_imports_inside_functions_are_lazy_on_purpose():  # issue 16
    unmarked = [f"{m}:{line}: {text.strip()}" for m, t, line, inside, text in IMPORTS
                if inside and "# lazy" not in text]
    assert not unmarked, ("imports inside functions without a '# lazy: <why>' comment (move them to "
                          "the top of the module, or say which heavy library they defer):\n"
                          + "\n".join(unmarked))
    internal = [f"{m}:{line} imports {t}" for m, t, line, inside, _ in IMPORTS
                if inside and t in MODULES and not _lazy_allowed(m, t)]
    assert not internal, ("mstarget modules imported inside functions outside the command line "
                          "(a hidden cycle?):\n" + "\n".join(internal))


def _lazy_allowed(module: str, target: str) -> bool:
    """An in-function import of a mstarget module is allowed in the command line, in the package's
    ``__getattr__`` (``mt.risk``) and for a package's own submodules."""
    return (module.startswith("mstarget.cli.") or module == "mstarget"
            or (MODULES[module].name == "__init__.py" and target.startswith(module + ".")))


def test_the_checker_sees_an_upward_import_and_a_cycle(tmp_path):
    """The test above would fail on the faults it guards against (it cannot pass vacuously)."""
    tree = ast.parse("def f():\n    from .assess import assess\n")
    node = tree.body[0].body[0]
    assert _resolve("mstarget.forecast", False, node) == ["mstarget.assess"]
    assert layer_of("mstarget.assess") > layer_of("mstarget.forecast")
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert layer_of("mstarget.tracking.runs") > layer_of("mstarget.backtest")
    assert _resolve("mstarget.report", True, ast.parse("from . import charts").body[0]) == \
        ["mstarget.report.charts"]


@pytest.mark.parametrize("code", ["import mstarget", "import mstarget.cli.main as m; m.build_parser()"])
def test_heavy_libraries_load_on_first_use(code):  # issue 16: import and --help stay fast
    heavy = ["mlflow", "prophet", "matplotlib", "scipy.stats", "sklearn", "statsmodels", "dask",
             "cmdstanpy", "docx", "openpyxl"]
    probe = (f"{code}\nimport sys\n"
             f"print(','.join(m for m in {heavy!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "", f"{code!r} loads {loaded.stdout.strip()}"


def test_calibration_learn_is_the_learning_module_s():  # issue 16 / 17: the documented name works
    import mstarget as mt
    from mstarget import learning

    assert mt.calibration.learn is learning.learn
