"""Microbenchmark of the safe YAML loader on a registry's YAML files.

    python benchmarks/bench_yaml.py REGISTRY [--rounds 5]

Reads every ``*.yaml`` file under REGISTRY into memory (``.git`` and ``.hub`` skipped), then,
with the cyclic GC paused, times ``--rounds`` passes over all of them for each stage and prints
the best and median microseconds per file:

* compose, PyYAML's ``CSafeLoader`` (``get_single_node()``): the reference;
* compose, the loader ``safeyaml`` uses;
* build: ``safeyaml``'s builder over already composed node trees (data from nodes, safety rules);
* ``safeyaml.parse``: compose and build, as ``hub validate`` calls it.

Files that ``safeyaml.parse`` refuses (a generated registry has a few on purpose) are timed too.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from hubrails.core.registry import safeyaml, yaml_loader


def read_texts(root: Path) -> list[str]:
    """The decoded text of every YAML file under ``root``, in a stable order."""
    texts = []
    for path in sorted(root.rglob("*.yaml")):
        if {".git", ".hub"}.isdisjoint(path.relative_to(root).parts):
            texts.append(safeyaml.decode(path.read_bytes()))
    return texts


def compose_with(loader_class: Any) -> Callable[[str], object]:
    """A function composing one text with ``loader_class``, as ``safeyaml.parse`` does."""

    def compose(text: str) -> object:
        loader = loader_class(text)
        try:
            return loader.get_single_node()
        except yaml.YAMLError:
            return None
        finally:
            loader.dispose()

    return compose


def parse(text: str) -> object:
    try:
        return safeyaml.parse(text)
    except safeyaml.LoadError:
        return None


def time_rounds(items: Sequence[Any], run: Callable[[Any], object], rounds: int) -> list[float]:
    """Microseconds per item of each of ``rounds`` passes over ``items``."""
    per_item = []
    gc.disable()
    try:
        for _ in range(rounds):
            started = time.perf_counter()
            for item in items:
                run(item)
            per_item.append((time.perf_counter() - started) / len(items) * 1e6)
    finally:
        gc.enable()
    return per_item


def main(argv: Sequence[str] | None = None) -> int:
    """Time every stage and print a markdown table."""
    parser = argparse.ArgumentParser(description="Benchmark the safe YAML loader.")
    parser.add_argument("registry", type=Path, help="a folder of *.yaml files, e.g. a registry")
    parser.add_argument("--rounds", type=int, default=5, help="passes over all files per stage")
    args = parser.parse_args(argv)
    texts = read_texts(args.registry)
    if not texts:
        print(f"no *.yaml files under {args.registry}", file=sys.stderr)
        return 2
    compose = compose_with(yaml_loader.Loader)
    nodes = [
        (node, safeyaml._may_alias(text)) for text in texts if (node := compose(text)) is not None
    ]

    def build(item: tuple[yaml.Node, bool]) -> object:
        node, aliases = item
        try:
            return safeyaml._Builder(safeyaml.DEFAULT_MAX_ALIAS_NODES, aliases=aliases).build(node)
        except safeyaml.LoadError:
            return None

    reference = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    stages: list[tuple[str, Sequence[Any], Callable[[Any], object]]] = [
        (f"compose, PyYAML {reference.__name__}", texts, compose_with(reference)),
        (f"compose, safeyaml ({yaml_loader.Loader.__name__})", texts, compose),
        ("build (safeyaml._Builder)", nodes, build),
        ("safeyaml.parse", texts, parse),
    ]
    size = sum(map(len, texts)) / len(texts)
    print(f"{len(texts)} files, {size:,.0f} characters each on average, {args.rounds} rounds")
    print(
        f"Python {platform.python_version()}, PyYAML {yaml.__version__}"
        f"{' with libyaml' if yaml.__with_libyaml__ else ''}, "
        f"load average {os.getloadavg()[0]:.2f}\n"
    )
    print("| stage | best µs/file | median µs/file |")
    print("|---|---:|---:|")
    for label, items, run in stages:
        times = time_rounds(items, run, args.rounds)
        print(f"| {label} | {min(times):.1f} | {statistics.median(times):.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
