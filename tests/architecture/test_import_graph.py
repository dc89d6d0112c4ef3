"""The house stands the right way up: packages import only downwards, never in a circle
(issue 12 item 3, DESIGN.md "rules of the house").

The import graph is built by grimp from the source itself (every `import`, also those inside
functions), so a new upward import anywhere fails here with the modules that make it.
"""

from __future__ import annotations

from functools import cache

import grimp
import pytest

ROOT = "billbridge"
# Lowest first. A package may import only packages of a lower layer; those in one layer are
# siblings that never import each other (one provider never imports another).
LAYERS: list[set[str]] = [
    {"crypto", "queue", "emulators"},
    {"accounts"},
    {"bills"},
    {"ingest"},
    {"integrations"},  # the framework: base, registry, signals, services, api_common, …
    {"integrations.dinero", "integrations.economic", "fx"},  # providers and rates
    {"sync"},
    {"mailin"},
    {"web", "api"},
]
# Modules of billbridge itself that wire everything together (urls, settings, the demo).
TOP = {"urls", "settings", "wsgi", "demo", "demo_data", "chaos", "__main__"}
PROVIDERS = {"integrations.dinero", "integrations.economic"}


@cache
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(ROOT, include_external_packages=False)


def _package(module: str) -> str | None:
    """The layered package a module belongs to (the longest match), None for TOP modules."""
    name = module.removeprefix(ROOT + ".")
    best = None
    for layer in LAYERS:
        for package in layer:
            if (name == package or name.startswith(package + ".")) and (
                best is None or len(package) > len(best)
            ):
                best = package
    return best


def _rank(package: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if package in layer)


def _edges() -> dict[tuple[str, str], list[str]]:
    """(importing package, imported package) → the module imports that make the edge."""
    g = graph()
    edges: dict[tuple[str, str], list[str]] = {}
    for module in g.modules:
        for imported in g.find_modules_directly_imported_by(module):
            a, b = _package(module), _package(imported)
            if a and b and a != b:
                edges.setdefault((a, b), []).append(f"{module} -> {imported}")
    return edges


def test_every_package_has_a_layer():
    """A new package must say where it stands (add it to LAYERS), else it escapes the check."""
    g = graph()
    top_level = {m.removeprefix(ROOT + ".").split(".")[0] for m in g.modules if m != ROOT}
    unplaced = sorted(p for p in top_level - TOP if _package(f"{ROOT}.{p}") is None)
    assert unplaced == []


def test_no_package_imports_upwards_or_sideways():
    wrong = [
        f"{a} (layer {_rank(a)}) imports {b} (layer {_rank(b)}): {', '.join(sorted(ms)[:3])}"
        for (a, b), ms in sorted(_edges().items())
        if _rank(a) <= _rank(b)
    ]
    assert wrong == []


def test_the_packages_import_each_other_in_no_circle():
    edges = _edges()
    packages = {p for edge in edges for p in edge}
    circles = [
        (a, b)
        for a in sorted(packages)
        for b in sorted(packages)
        if a < b
        and (a, b) in edges
        and graph().chain_exists(f"{ROOT}.{b}", f"{ROOT}.{a}", as_packages=True)
    ]
    assert circles == []


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
@pytest.mark.parametrize("above", ["sync", "web", "api", "mailin"])
def test_a_provider_never_imports_sync_web_or_api(provider, above):
    chains = graph().find_shortest_chains(
        importer=f"{ROOT}.{provider}", imported=f"{ROOT}.{above}", as_packages=True
    )
    assert sorted(chains) == []


def test_the_integrations_core_never_imports_a_provider():
    """The framework knows providers only from the registry (by name, at run time)."""
    core = {m for m in graph().modules if _package(m) == "integrations"}
    found = [
        f"{m} -> {i}"
        for m in sorted(core)
        for i in graph().find_modules_directly_imported_by(m)
        if _package(i) in PROVIDERS
    ]
    assert found == []
