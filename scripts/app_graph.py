"""The app-to-app import graph of the ``preceptor`` package (``make graph``).

Counts every import, including those made inside functions (grimp reads the source, as lint-imports does);
test modules are left out, as in the import-linter contracts. Prints one line per app with the apps it
imports, then the cycles; exits 1 when there is a cycle. ``--dot`` prints Graphviz instead.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict

import grimp

PACKAGE = "preceptor"


def app_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2 or "tests" in parts or parts[1] == "conftest":
        return None
    return parts[1]


def app_edges() -> dict[str, dict[str, int]]:
    """{app: {imported app: number of module-level import links}}."""
    graph = grimp.build_graph(PACKAGE, include_external_packages=False)
    edges: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for module in graph.modules:
        source = app_of(module)
        if source is None:
            continue
        edges.setdefault(source, defaultdict(int))
        for imported in graph.find_modules_directly_imported_by(module):
            target = app_of(imported)
            if target is not None and target != source:
                edges[source][target] += 1
    return {app: dict(targets) for app, targets in edges.items()}


def cycles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components with more than one app (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        on_stack.add(app)
        for target in edges.get(app, {}):
            if target not in index:
                visit(target)
                low[app] = min(low[app], low[target])
            elif target in on_stack:
                low[app] = min(low[app], index[target])
        if low[app] == index[app]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == app:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for app in sorted(edges):
        if app not in index:
            visit(app)
    return found


def depth(edges: dict[str, dict[str, int]]) -> dict[str, int]:
    """Each app's layer: 0 for an app that imports no other, else one more than the deepest it imports."""
    memo: dict[str, int] = {}

    def of(app: str, seen: frozenset[str]) -> int:
        if app in memo:
            return memo[app]
        below = [of(t, seen | {app}) for t in edges.get(app, {}) if t not in seen]
        memo[app] = 1 + max(below) if below else 0
        return memo[app]

    return {app: of(app, frozenset()) for app in edges}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dot", action="store_true", help="print a Graphviz digraph")
    args = parser.parse_args(argv)
    edges = app_edges()
    loops = cycles(edges)
    levels = depth(edges) if not loops else {app: 0 for app in edges}
    ordered = sorted(edges, key=lambda app: (-levels[app], app))
    if args.dot:
        print("digraph apps {\n  rankdir=TB;")
        for app in ordered:
            for target, count in sorted(edges[app].items()):
                print(f'  "{app}" -> "{target}" [label={count}];')
        print("}")
    else:
        for app in ordered:
            targets = ", ".join(f"{t} ({n})" for t, n in sorted(edges[app].items(), key=lambda x: -levels.get(x[0], 0)))
            print(f"{levels[app]:>2}  {app:<10} -> {targets or '(nothing)'}")
        print()
        print("cycles: " + ("; ".join(" <-> ".join(c) for c in loops) if loops else "none"))
    return 1 if loops else 0


if __name__ == "__main__":
    sys.exit(main())
