"""Walking the parse never loops: no identity tests between tokens, every climb bounded."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest

from dyad.tree import ancestors, climb, is_root

SRC = Path(__file__).resolve().parent.parent / "src" / "dyad"
_CONSTANTS = (None, True, False, ...)


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text("utf-8"))) for p in sorted(SRC.rglob("*.py"))]


def test_no_identity_comparison_between_objects() -> None:
    """spaCy makes a new Token on every access: ``token.head is not token`` is always true, so a
    climb that waits for it never ends. Only None, True, False and ... may be compared by
    identity anywhere in dyad; tokens are compared by ``.i``."""
    found = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            for op, a, b in zip(node.ops, operands, operands[1:], strict=False):
                if isinstance(op, ast.Is | ast.IsNot) and not any(
                    isinstance(x, ast.Constant) and x.value in _CONSTANTS for x in (a, b)
                ):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}: {ast.unparse(node)}")
    assert not found, "compare tokens by .i, not identity:\n" + "\n".join(found)


def test_no_unbounded_climb_of_the_parse() -> None:
    """A ``while`` loop whose condition reads the parse (``.head``, ``.dep_``, ``.children``)
    has no bound; climbs go through ``dyad.tree`` (bounded by the document's length)."""
    found = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.While):
                names = {n.attr for n in ast.walk(node.test) if isinstance(n, ast.Attribute)}
                if names & {"head", "dep_", "children", "ancestors", "subtree"}:
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not found, "use dyad.tree.ancestors/climb:\n" + "\n".join(found)


def test_climbing_stops_at_the_root(pipeline) -> None:
    doc = pipeline.nlp.nlp("Ghana said that Togo closed the border after a raid near Lome.")
    root = next(t for t in doc if t.dep_ == "ROOT")
    assert is_root(root) and not is_root(doc[0])
    for token in doc:
        chain = list(ancestors(token))
        assert len(chain) < len(doc)
        assert (chain[-1].i if chain else token.i) == root.i
    raid = next(t for t in doc if t.text == "raid")
    assert climb(raid, {"pobj", "prep"}).i != raid.i
    assert climb(root, {"pobj", "prep", "ROOT"}).i == root.i


def _finishes(fn, seconds: float) -> bool:
    done = threading.Event()

    def run() -> None:
        fn()
        done.set()

    threading.Thread(target=run, daemon=True).start()
    return done.wait(seconds)


@pytest.mark.parametrize(
    "text",
    [
        # a relative pronoun the parser hangs under a clausal complement, not a relative clause
        "Germany condemns the bombing yesterday in Herat that killed four Canadian soldiers.",
        "France condemned the raid on Monday in Gao that wounded two Malian officers.",
        "The envoys met at a hotel in Geneva, at which both delegations were present.",
    ],
)
def test_a_relative_pronoun_outside_a_relative_clause_is_coded(coder, text: str) -> None:
    assert _finishes(lambda: coder(text), 20), f"coding did not finish: {text}"
