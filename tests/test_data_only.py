"""No code runs from data: nothing in the repository unpickles, evaluates or imports by name what it reads, but
the one place a researcher names a custom policy (``kind = "package.module:Class"``) in a scenario file on their
own computer. The workshop refuses such a scenario from a browser (tests/workshop/test_untrusted_values.py).

Read from the syntax tree of every Python file in git but the tests (which read only their own constants), so a
comment or a string that mentions ``eval`` does not count and an aliased import does.
"""

from __future__ import annotations

import ast
import subprocess

import pytest

from tests.conftest import ROOT

UNSAFE_MODULES = {"pickle", "_pickle", "cPickle", "dill", "cloudpickle", "jsonpickle", "marshal", "shelve", "yaml"}
UNSAFE_BUILTINS = {"eval", "exec", "compile", "__import__"}
# methods that run code or import by name: pandas' eval/query and pickles, importlib's loaders, runpy
UNSAFE_METHODS = {"eval", "query", "read_pickle", "to_pickle", "import_module", "load_module", "exec_module",
                  "spec_from_file_location", "run_path", "run_module"}  # fmt: skip
ALLOWED = {("model/policies.py", "policy_class", "import_module")}  # a custom policy the researcher named


def python_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [path for path in listed.stdout.split() if not path.startswith("tests/") and (ROOT / path).is_file()]


def unsafe_uses(path: str, source: str) -> list[tuple[str, str, str]]:
    """(file, enclosing function, what) for each import of an unsafe module and call of an unsafe function."""
    found = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            found.extend((path, function, name) for name in names if name.split(".")[0] in UNSAFE_MODULES)
        if isinstance(node, ast.Call):
            callee = node.func
            if isinstance(callee, ast.Name) and callee.id in UNSAFE_BUILTINS:
                found.append((path, function, callee.id))
            if isinstance(callee, ast.Attribute) and callee.attr in UNSAFE_METHODS:
                found.append((path, function, callee.attr))
            if any(k.arg == "shell" and not (isinstance(k.value, ast.Constant) and not k.value.value)
                   for k in node.keywords):  # fmt: skip
                found.append((path, function, "shell=True"))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(ast.parse(source, path), "(module)")
    return found


def test_nothing_unpickles_evaluates_or_imports_by_name_but_a_researchers_own_policy():
    found = {use for path in python_files() for use in unsafe_uses(path, (ROOT / path).read_text(encoding="utf-8"))}
    assert found == ALLOWED


@pytest.mark.parametrize(
    "source",
    ["import pickle", "from yaml import load", "eval(text)", "x = __import__(name)", "importlib.import_module(n)",
     "frame.query(text)", "subprocess.run(line, shell=True)", "import cloudpickle as cp"],
)  # fmt: skip
def test_the_scan_sees_each_kind_of_unsafe_use(source):
    assert unsafe_uses("x.py", f"def f():\n    {source}\n")


def test_the_scan_ignores_what_only_mentions_them():
    assert not unsafe_uses("x.py", '"""eval, pickle"""\n# exec(x)\nre.compile("x")\nsubprocess.run(a, shell=False)\n')
