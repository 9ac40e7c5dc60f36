"""The architecture the README describes: one module per tab, and no tab module importing another."""

from __future__ import annotations

import ast

from tests.helpers import ROOT


def _tab_modules() -> set[str]:
    """The app's tab modules, as app.py lists them."""
    import app

    return {tab.__name__.split(".")[-1] for tab in app.TABS}


def _imported_tabs(path) -> set[str]:
    """The tab modules PATH imports (``from tabs.X import ...``, ``from tabs import X``, ``import tabs.X``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("tabs."):
                found.add(node.module.split(".")[1])
            elif node.module == "tabs":
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("tabs."))
    return found & _tab_modules()


def test_no_tab_module_imports_another():
    tabs = _tab_modules()
    assert len(tabs) == 10 and (ROOT / "tabs" / "runs.py").is_file()  # every tab, and the module they share
    for name in sorted(tabs):
        others = _imported_tabs(ROOT / "tabs" / f"{name}.py") - {name}
        assert not others, f"tabs/{name}.py imports the tab module(s) {sorted(others)}: move what they share down"


def test_the_import_finder_sees_each_form_of_import(tmp_path):
    source = tmp_path / "x.py"
    source.write_text("from tabs.playground import complete\nfrom tabs import improve, runs\nimport tabs.softmax\n")
    assert _imported_tabs(source) == {"playground", "improve", "softmax"}
