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


def children(token: Token, *deps: str) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def with_conjuncts(token: Token) -> list[Token]:
    out = [token]
    for c in token.children:
        if c.dep_ == "conj" and c.pos_ in {"NOUN", "PROPN", "PRON"}:
            out.extend(with_conjuncts(c))
    return out


def prep_objects(token: Token, preps: set[str] | frozenset[str]) -> list[Token]:
    out: list[Token] = []
    for c in token.children:
        if c.dep_ in {"prep", "agent", "dative"} and c.lower_ in preps:
            objects = [p for p in c.children if p.dep_ == "pobj"]
            if not objects and not list(c.children):
                # "asylum to five officers holed up in…": the parser made the object the
                # subject of the next clause and left the preposition bare
                objects = [
                    t
                    for t in c.doc[c.i + 1 : c.i + 6]
                    if t.dep_ in {"nsubj", "nsubjpass"} and t.pos_ in {"NOUN", "PROPN"}
                ][:1]
            out.extend(objects)
        elif c.dep_ == "prt":
            # "pull out of Afghanistan": the preposition hangs off the particle's verb
            continue
    return out


def particles(token: Token) -> set[str]:
    return {c.lower_ for c in token.children if c.dep_ == "prt"}


def is_infinitive(token: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)


def in_quote(token: Token) -> bool:
    """Whether ``token`` sits inside quotation marks in its sentence."""
    opening = sum(1 for t in token.sent if t.i < token.i and t.text in {'"', "“", "``"})
    closing = sum(1 for t in token.sent if t.i < token.i and t.text in {"”", "''"})
    plain = sum(1 for t in token.sent if t.i < token.i and t.text == '"')
    if plain:
        return plain % 2 == 1
    return opening > closing


def will(token: Token) -> bool:
    """Whether a clause speaks of the future ("will meet", "would release", "is to visit")."""
    return any(
        c.dep_ in {"aux", "auxpass"} and c.lower_ in {"will", "would", "shall", "'ll", "wo"}
        for c in token.children
    )


def clause_tokens(token: Token) -> list[Token]:
    """The predicate's own clause: its subtree without embedded clauses of its own."""
    out = []
    stack = [token]
    while stack:
        t = stack.pop()
        out.append(t)
        for c in t.children:
            if (
                c.dep_ in {"ccomp", "relcl", "advcl", "xcomp", "parataxis", "csubj"}
                and c.i != token.i
            ):
                continue
            if c.dep_ == "conj" and (
                c.pos_ in {"VERB", "AUX"}
                or any(g.dep_ in {"nsubj", "nsubjpass"} for g in c.children)
            ):
                continue  # another clause ("and sceptics in Washington will not be impressed")
            stack.append(c)
    return out
