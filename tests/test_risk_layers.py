"""Issue 16: the risk package's modules import only downward; no import cycle, no hidden imports."""
import ast
from pathlib import Path

import mstarget

RISK = Path(mstarget.__file__).parent / "risk"
# each module may import only modules of a lower layer (computing modules never see charts,
# the tracked API or the tracking layer)
LAYER = {"periods": 0, "samples": 1, "shrinkage": 1, "features": 2, "records": 2, "score": 2,
         "allocate": 3, "evaluate": 4, "plot": 4, "api": 5, "__init__": 6}


def _imports(path: Path):
    """(module imported, inside a function?) for every import of a mstarget module in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    funcs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    inner = {id(n) for f in funcs for n in ast.walk(f) if n is not f}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            mod = node.module or ""
            if node.level == 1 and not mod:
                names = [a.name for a in node.names]
            elif node.level == 1:
                names = [mod.split(".")[0]]
            elif mod:
                names = [".." + mod]
            else:
                names = [".." + a.name for a in node.names]
            for name in names:
                yield name, id(node) in inner


def test_risk_modules_import_only_downward_and_at_the_top():
    problems = []
    for path in sorted(RISK.glob("*.py")):
        me = path.stem
        for name, in_function in _imports(path):
            if in_function:
                problems.append(f"{me}: in-function import of {name}")
            if name.startswith(".."):
                if name.startswith("..tracking") and me != "api":
                    problems.append(f"{me}: imports the tracking layer")
                continue
            if LAYER.get(name, 99) >= LAYER[me]:
                problems.append(f"{me} imports {name} (same or higher layer)")
    assert problems == []
