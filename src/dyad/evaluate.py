"""Scoring coded events against gold, the way the project's scorers do.

Two gold formats are read (``../shared/data/README.md``):

- article gold: one record per line ``{"doc", "kind": required|acceptable|forbidden, "source",
  "target", "types", "symmetric", "date": [lo, hi], "evidence"}``. A coded event is correct
  when a required or acceptable record of its document has its type, its source and target
  (either order when symmetric) and, strictly, a date in the window. Precision counts distinct
  (doc, source, target, type, date) events; recall counts required records matched. A coded
  event whose sentence holds a forbidden record's evidence and matches that record is a trap.
- sentence gold: ``{"id", "text", "expected": [{"source", "target", "plover"}]}``. Each
  sentence's distinct coded (source, target, type) triples are matched one-to-one with its
  expected ones; precision, recall and F1 are micro-averaged; type accuracy is the share of
  sentences whose coded types include every expected type.

``score_articles`` and ``score_sentences`` give the same figures as ``shared/eval/score.py`` and
``score_sentences.py`` on the same files (a test checks it); dyad adds the date-lenient figure,
per-type confusion and the list of misses and wrong events.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dyad.errors import GoldFormatError


def _norm(text: str | None) -> str:
    return " ".join((text or "").replace("\u2019", "'").replace("\u2018", "'").split()).lower()


def _code(actor: Any) -> str | None:
    if not isinstance(actor, dict):
        return None
    c = actor.get("code") or actor.get("country")
    return c[:3].upper() if c else None


@dataclass
class Coded:
    doc: str
    date: str | None
    source: str | None
    target: str | None
    plover: str
    sentence: str


@dataclass
class Score:
    """Figures of one evaluation, and what went wrong, for ``--show``."""

    kind: str  # articles | sentences
    precision: float
    recall: float
    f1: float
    events: int = 0
    correct: int = 0
    required: int = 0
    recalled: int = 0
    trap_hits: int = 0
    lenient_f1: float | None = None
    type_accuracy: float | None = None
    confusion: dict[str, Counter[str]] = field(default_factory=dict)  # expected -> coded types
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    traps: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.kind == "articles":
            return (
                f"precision {self.precision:.2f} recall {self.recall:.2f} f1 {self.f1:.2f} "
                f"(date-lenient f1 {self.lenient_f1:.2f}) traps {self.trap_hits} "
                f"({self.events} events, {self.recalled}/{self.required} required found)"
            )
        return (
            f"precision {self.precision:.2f} recall {self.recall:.2f} f1 {self.f1:.2f} "
            f"type_accuracy {self.type_accuracy:.2f} ({self.events} sentences)"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in self.__dict__.items()
            if k not in {"misses", "wrong", "traps", "confusion"}
        } | {"confusion": {k: dict(v) for k, v in self.confusion.items()}}


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise GoldFormatError(f"{path}:{n}: not JSON: {e}") from e
    return out


def gold_kind(gold: list[dict[str, Any]]) -> str:
    if gold and all("expected" in g for g in gold):
        return "sentences"
    if gold and all("doc" in g and "kind" in g for g in gold):
        return "articles"
    raise GoldFormatError(
        "gold is neither article gold (doc, kind, …) nor sentence gold (id, expected)"
    )


def evaluate(events_path: str | Path, gold_path: str | Path) -> Score:
    gold = load_jsonl(gold_path)
    events = load_jsonl(events_path)
    if gold_kind(gold) == "articles":
        return score_articles(events, gold)
    return score_sentences(events, gold)


def _matches(g: dict[str, Any], e: Coded, lenient: bool) -> bool:
    if e.plover not in g["types"]:
        return False

    def ok(gv: str, v: str | None) -> bool:
        return gv == "*" or gv == v

    fits = (ok(g["source"], e.source) and ok(g["target"], e.target)) or (
        bool(g.get("symmetric")) and ok(g["source"], e.target) and ok(g["target"], e.source)
    )
    if not fits:
        return False
    if lenient:
        return True
    lo, hi = g["date"]
    return bool(e.date) and lo <= (e.date or "")[:10] <= hi


def score_articles(raw_events: Iterable[dict[str, Any]], gold: list[dict[str, Any]]) -> Score:
    docs = {g["doc"] for g in gold}
    events = [
        Coded(
            str(r.get("doc_id") or ""),
            r.get("date"),
            _code(r.get("source")),
            _code(r.get("target")),
            (r.get("plover") or "").upper(),
            r.get("sentence") or "",
        )
        for r in raw_events
        if r.get("doc_id") in docs
    ]
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in gold:
        by_doc[g["doc"]].append(g)
    results = {}
    for lenient in (False, True):
        traps: list[tuple[dict[str, Any], Coded]] = []
        recalled: set[int] = set()
        support: dict[tuple[Any, ...], bool] = {}
        examples: dict[tuple[Any, ...], Coded] = {}
        for e in events:
            trapped = False
            for g in by_doc[e.doc]:
                if (
                    g["kind"] == "forbidden"
                    and _norm(g["evidence"]) in _norm(e.sentence)
                    and _matches(g, e, True)
                ):
                    traps.append((g, e))
                    trapped = True
            good = False
            if not trapped:
                for g in by_doc[e.doc]:
                    if g["kind"] != "forbidden" and _matches(g, e, lenient):
                        good = True
                        if g["kind"] == "required":
                            recalled.add(id(g))
            key = (e.doc, e.source, e.target, e.plover, (e.date or "")[:10])
            support[key] = support.get(key, False) or good
            examples.setdefault(key, e)
        required = [g for g in gold if g["kind"] == "required"]
        correct = sum(support.values())
        p = correct / len(support) if support else 0.0
        r = len([g for g in required if id(g) in recalled]) / len(required) if required else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        results[lenient] = (p, r, f1, support, examples, traps, recalled, required, correct)
    p, r, f1, support, examples, traps, recalled, required, correct = results[False]
    score = Score(
        "articles",
        p,
        r,
        f1,
        len(support),
        correct,
        len(required),
        len(recalled),
        len(traps),
        lenient_f1=results[True][2],
    )
    for g in required:
        if id(g) not in recalled:
            score.misses.append(
                f"MISS  {g['doc'][:12]} {g['source']}->{g['target']} {'|'.join(g['types'])} {g['date']} «{g['evidence']}»"
            )
            coded = {
                e.plover
                for e in events
                if e.doc == g["doc"] and {e.source, e.target} & {g["source"], g["target"]}
            }
            for t in g["types"][:1]:
                score.confusion.setdefault(t, Counter()).update(coded or {"(none)"})
    for k, ok in support.items():
        if not ok:
            e = examples[k]
            score.wrong.append(
                f"FP    {e.doc[:12]} {e.source}->{e.target} {e.plover} {e.date} «{e.sentence[:140]}»"
            )
    for g, e in traps:
        score.traps.append(
            f"TRAP  {e.doc[:12]} {e.source}->{e.target} {e.plover} «{g['evidence']}»"
        )
    return score


def score_sentences(
    raw_events: Iterable[dict[str, Any]], gold: list[dict[str, Any]], undirected: bool = False
) -> Score:
    by_id = {r["id"]: r for r in gold}
    got: dict[str, set[tuple[str | None, str | None, str]]] = defaultdict(set)
    for e in raw_events:
        if e.get("doc_id") in by_id:
            got[e["doc_id"]].add(
                (_code(e.get("source")), _code(e.get("target")), (e.get("plover") or "").upper())
            )

    def fits(x: dict[str, Any], g: tuple[str | None, str | None, str]) -> bool:
        s, t, p = g
        if p != x["plover"]:
            return False

        def ok(gv: str, v: str | None) -> bool:
            return gv == "*" or gv == v

        return (ok(x["source"], s) and ok(x["target"], t)) or (
            undirected and ok(x["source"], t) and ok(x["target"], s)
        )

    tp = fp = fn = 0
    typed = typed_n = 0
    score = Score("sentences", 0.0, 0.0, 0.0, events=len(by_id))
    for rid, r in by_id.items():
        exp = list(r["expected"])
        used = [False] * len(exp)
        for g in sorted(got[rid], key=str):
            hit = next((i for i, x in enumerate(exp) if not used[i] and fits(x, g)), None)
            if hit is None:
                fp += 1
                score.wrong.append(f"FP   {rid} {g} «{r['text'][:110]}»")
            else:
                used[hit] = True
                tp += 1
        coded_types = {g[2] for g in got[rid]}
        for i, x in enumerate(exp):
            if not used[i]:
                fn += 1
                score.misses.append(
                    f"MISS {rid} {x['source']}->{x['target']} {x['plover']} «{r['text'][:110]}»"
                )
            score.confusion.setdefault(x["plover"], Counter()).update(
                [x["plover"]] if x["plover"] in coded_types else (sorted(coded_types) or ["(none)"])
            )
        if exp:
            typed_n += 1
            typed += {x["plover"] for x in exp} <= coded_types
    score.precision = tp / (tp + fp) if tp + fp else 0.0
    score.recall = tp / (tp + fn) if tp + fn else 0.0
    score.f1 = (
        2 * score.precision * score.recall / (score.precision + score.recall)
        if score.precision + score.recall
        else 0.0
    )
    score.type_accuracy = typed / typed_n if typed_n else 0.0
    score.correct, score.required, score.recalled = tp, tp + fn, tp
    return score
