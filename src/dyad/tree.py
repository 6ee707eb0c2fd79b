"""Walking spaCy's dependency parse without losing the way.

spaCy builds a new ``Token`` object on every attribute access, so ``token.head is token`` is
never true, not even at the root: a climb that waits for it never ends. Tokens are compared by
their position (``.i``), and every climb is bounded by the length of the document, which no
path through a tree can exceed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token


def is_root(token: Token) -> bool:
    """Whether ``token`` heads its sentence (spaCy makes a root its own head)."""
    return token.head.i == token.i


def ancestors(token: Token) -> Iterator[Token]:
    """The heads above ``token``, nearest first, up to and including the root; at most as many
    as the document has tokens, whatever the parse."""
    current = token
    for _ in range(len(token.doc)):
        if is_root(current):
            return
        current = current.head
        yield current


def climb(token: Token, deps: set[str] | frozenset[str]) -> Token:
    """From ``token``, up through heads while the arc's label is in ``deps``: the first token
    whose own arc is not (``token`` itself if its arc is not)."""
    current = token
    for head in ancestors(token):
        if current.dep_ not in deps:
            break
        current = head
    return current
