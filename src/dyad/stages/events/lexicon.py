"""The lexicon: which words, with which arguments, are which CAMEO event.

``PatternBook`` loads dyad's event patterns (``data/events/patterns.yaml``) and the CAMEO code
table (``data/events/cameo.yaml``), validates them, and answers one question for the coder:
which pattern does this token of a parsed sentence match (``match``), and which action does a
complement pattern embed (``embedded``: "agreed to <hold talks>")?
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from dyad.errors import DataFileError
from dyad.tree import children, particles, prep_objects
from dyad.types import PLOVER_TYPES, QuadClass

if TYPE_CHECKING:
    from spacy.tokens import Token

COMPLEMENTS = frozenset(
    {"intent", "promise", "threat", "refusal", "request", "order", "prepare", "decide"}
)

DEFAULT_TARGETS = (
    "dobj", "dative", "nsubjpass", "with", "to", "against", "on", "at", "into", "toward",
    "towards", "upon", "from", "over", "owner",
)  # fmt: skip

PATTERN_KEYS = frozenset(
    [
        "verb",
        "noun",
        "adj",
        "cameo",
        "object",
        "particle",
        "prep",
        "complement",
        "target",
        "mutual",
        "speech",
        "refine",
        "needs_target",
        "intransitive",
        "reverse",
        "action_only",
        "subject",
        "reciprocal",
        "plover",
    ]
)

DEONTIC = frozenset({"must", "should", "ought"})

ASPECTUAL = frozenset(
    ["resume", "continue", "start", "begin", "keep", "stop", "cease", "carry", "go", "step"]
)


def conflictual(code: str) -> bool:
    return code[:2] >= "09"


@dataclass(frozen=True, slots=True)
class CameoCode:
    code: str
    name: str
    goldstein: float
    plover: str | None
    mode: str | None

    @property
    def quad_class(self) -> QuadClass:
        root = int(self.code[:2])
        if root <= 5:
            return QuadClass.VERBAL_COOPERATION
        if root <= 8:
            return QuadClass.MATERIAL_COOPERATION
        if root <= 13:
            return QuadClass.VERBAL_CONFLICT
        return QuadClass.MATERIAL_CONFLICT


@dataclass(frozen=True)
class Pattern:
    index: int
    kind: str  # verb | noun | adj
    lemmas: frozenset[str]
    cameo: str | None
    objects: frozenset[str] | None = None
    particles: frozenset[str] | None = None
    preps: frozenset[str] | None = None
    complement: str | None = None
    targets: tuple[str, ...] = DEFAULT_TARGETS
    mutual: bool = False
    speech: bool = False
    refine: tuple[tuple[str, str], ...] = ()
    needs_target: bool = False
    intransitive: bool = False
    reverse: bool = False
    action_only: bool = False
    subjects: frozenset[str] | None = None
    reciprocal: bool = False
    plover: str | None = None  # overrides the CAMEO code's PLOVER type

    @property
    def specificity(self) -> int:
        # A subject constraint says most about the event ("peacekeepers arrived"): it counts twice.
        return sum(x is not None for x in (self.objects, self.particles, self.preps)) + 2 * (
            self.subjects is not None
        )

    def describe(self) -> str:
        parts = [f"{self.kind} {'|'.join(sorted(self.lemmas))}"]
        if self.particles:
            parts.append(f"+{'|'.join(sorted(self.particles))}")
        if self.preps:
            parts.append(f"prep {'|'.join(sorted(self.preps))}")
        if self.objects:
            parts.append(f"object {'|'.join(sorted(self.objects))[:60]}")
        if self.complement:
            parts.append(f"complement {self.complement}")
        return f"pattern {self.index} ({' '.join(parts)}) -> {self.cameo or 'from complement'}"


@dataclass(frozen=True)
class Frame:
    """A predicate with its pattern, before actors are attached."""

    trigger: Token
    pattern: Pattern
    cameo: str
    obj: Token | None  # the object that satisfied the pattern's object constraint


class PatternBook:
    """Event patterns and CAMEO codes, loaded and validated from ``data/events``."""

    def __init__(self, patterns: list[Pattern], codes: dict[str, CameoCode]) -> None:
        self.patterns = patterns
        self.codes = codes
        self._by_lemma: dict[tuple[str, str], list[Pattern]] = {}
        for p in patterns:
            for lemma in p.lemmas:
                self._by_lemma.setdefault((p.kind, lemma), []).append(p)

    @classmethod
    def load(cls) -> PatternBook:
        base = resources.files("dyad").joinpath("data/events")
        where = "dyad/data/events/cameo.yaml"
        raw_codes = _yaml(where, base.joinpath("cameo.yaml").read_text("utf-8"))
        if not isinstance(raw_codes, dict):
            raise DataFileError(where, "top level", "expected a mapping of codes")
        codes: dict[str, CameoCode] = {}
        for code, info in raw_codes.items():
            code = str(code)
            if not code.isdigit() or not isinstance(info, dict):
                raise DataFileError(where, code, "a code is digits mapped to {name, goldstein, …}")
            plover = info.get("plover")
            if plover is not None and plover not in PLOVER_TYPES:
                raise DataFileError(where, code, f"unknown PLOVER type {plover!r}")
            try:
                goldstein = float(info["goldstein"])
            except (KeyError, TypeError, ValueError) as e:
                raise DataFileError(where, code, "goldstein must be a number") from e
            codes[code] = CameoCode(
                code, str(info.get("name", "")), goldstein, plover, info.get("mode")
            )
        where = "dyad/data/events/patterns.yaml"
        data = _yaml(where, base.joinpath("patterns.yaml").read_text("utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("patterns"), list):
            raise DataFileError(where, "top level", "expected classes and a patterns list")
        classes = data.get("classes") or {}
        patterns = [
            _pattern(where, i, raw, classes, codes) for i, raw in enumerate(data["patterns"])
        ]
        return cls(patterns, codes)

    def candidates(self, token: Token) -> list[Pattern]:
        if token.ent_type_ in {"DATE", "TIME", "PERSON", "GPE"}:
            return []  # "last March" is a month; "Strike" may be a name
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB" or (token.pos_ == "AUX" and lemma not in {"be", "have", "do"}):
            kind = "verb"
        elif token.pos_ in {"NOUN", "PROPN"}:
            kind = "noun"
        elif token.pos_ == "ADJ":
            kind = "adj"
        else:
            return []
        found = self._by_lemma.get((kind, lemma), [])
        if not found and kind == "noun" and token.tag_ == "NNS":
            found = self._by_lemma.get((kind, token.lower_), [])
        if not found and kind == "verb" and token.tag_ == "VBN":
            found = self._by_lemma.get(("verb", token.lower_), [])
        return found

    def code(self, code: str) -> CameoCode:
        found = self.codes.get(code) or self.codes.get(code[:3]) or self.codes.get(code[:2])
        if found is None:
            raise KeyError(code)
        return found

    def trigger_rules(
        self,
    ) -> tuple[set[str], list[tuple[frozenset[str], tuple[frozenset[str], ...]]]]:
        """What the candidate filter looks for: lemmas that are triggers on their own, and
        lemmas that are triggers only with certain other words in the sentence (a pattern's
        object, particle, preposition or subject: "hold" only with "talks", "meeting"…)."""
        strong: set[str] = set(DEONTIC)
        conditional: list[tuple[frozenset[str], tuple[frozenset[str], ...]]] = []
        for p in self.patterns:
            groups = tuple(
                g for g in (p.objects, p.particles, p.preps, p.subjects) if g is not None
            )
            if p.action_only:
                groups += (frozenset({"to"}),)  # "wants Pakistan to act", "decision to scrap"
            if groups:
                conditional.append((p.lemmas, groups))
            else:
                strong |= p.lemmas
        return strong, conditional

    def match(self, token: Token) -> Frame | None:
        """The most specific pattern whose constraints hold for ``token``; for a verb that no
        pattern knows but that someone says another "must" do, a generic frame (a demand)."""
        best: Frame | None = None
        for p in self.candidates(token):
            frame = self._fits(token, p)
            if frame is not None and (best is None or p.specificity > best.pattern.specificity):
                best = frame
        if (
            best is None
            and token.pos_ == "VERB"
            and any(c.dep_ == "aux" and c.lower_ in DEONTIC for c in token.children)
        ):
            best = Frame(token, generic(token), "", None)
        return best

    def _fits(self, token: Token, p: Pattern) -> Frame | None:
        obj = None
        if p.particles is not None and not (
            (particles(token) | {c.lower_ for c in children(token, "prep")}) & p.particles
        ):
            return (
                None  # "forced the agency out of the country": "out" may be parsed as a preposition
            )
        if p.preps is not None:
            preps = {c.lower_ for c in token.children if c.dep_ in {"prep", "agent", "dative"}}
            if not (preps & p.preps):
                # "called on Pakistan": the preposition may hang off the particle
                prts = [c for c in token.children if c.dep_ == "prt"]
                if not any(pp.lower_ in p.preps for pr in prts for pp in pr.children):
                    return None
        if p.intransitive and children(token, "dobj"):
            return None
        if p.subjects is not None:
            # the subject's head and its modifiers, or what it is "of" ("deployment of troops");
            # not deeper words ("US military chief General Dunford" is no troop movement)
            heads = children(token, "nsubj", "nsubjpass")
            heads += [o for h in heads for o in prep_objects(h, {"of"})]
            words = {t.lemma_.lower() for h in heads for t in [h, *children(h, "compound", "amod")]}
            if not words & p.subjects:
                return None
        if p.objects is not None:
            obj = self._object_in(token, p)
            if obj is None:
                return None
        cameo = p.cameo or "030"
        if p.refine:
            words = {t.lemma_.lower() for t in (obj.subtree if obj is not None else token.subtree)}
            words |= {t.lemma_.lower() for t in token.children if t.dep_ in {"amod", "compound"}}
            for word, code in p.refine:
                if word in words:
                    cameo = code
                    break
        return Frame(token, p, cameo, obj)

    def _object_in(self, token: Token, p: Pattern) -> Token | None:
        assert p.objects is not None
        candidates: list[Token] = []
        if p.kind == "verb":
            candidates += children(token, "dobj", "nsubjpass", "attr", "dative")
            candidates += [
                c for prt in children(token, "prt") for c in prt.children if c.dep_ == "pobj"
            ]
            candidates += prep_objects(token, {"for", "on", "to", "of", "in", "under"})
        else:
            candidates += prep_objects(token, {"of"})
            candidates += children(token, "compound", "amod", "nmod")
            candidates.append(token)
        for c in list(candidates):
            if c.pos_ in {"NOUN", "PROPN", "PRON", "NUM"} and c.i != token.i:
                # "part of a military aid program", "the return of inspectors";
                # an amount is "in" what it counts ("$300 million in aid")
                candidates += prep_objects(c, {"of", "in"} if c.pos_ == "NUM" else {"of"})
        for c in candidates:
            for t in [c, *children(c, "compound", "amod"), *children(c, "conj")]:
                if t.lemma_.lower() in p.objects or t.lower_ in p.objects:
                    return c
        return None

    def embedded(self, token: Token) -> Frame | None:
        """The action a complement pattern is about: "agreed to <hold talks>", "agreed to <a
        ceasefire>", "demand that <the US cancel> plans"."""
        pool = children(token, "xcomp", "ccomp", "acl", "advcl")
        if token.pos_ == "NOUN" and token.dep_ == "dobj":
            pool += children(token.head, "ccomp")  # "reiterated its demand that Israel ease…"
        for prep in children(token, "prep"):
            pool += children(prep, "pcomp")
            if prep.lower_ in {"to", "on", "for"}:
                pool += [o for o in children(prep, "pobj") if o.pos_ == "NOUN"]
        pool += [o for o in children(token, "dobj") if o.pos_ == "NOUN"]
        for c in pool:
            frame = self.match(c)
            if frame is not None and frame.pattern.index != -1:
                return frame
        for c in pool:
            if c.pos_ in {"VERB", "AUX"} and len(c.text) > 2:
                if c.lemma_.lower() in ASPECTUAL:
                    # "prepared to resume shelling": the action is the shelling
                    inner = self.embedded(c)
                    if inner is not None:
                        return inner
                # A complement dyad has no pattern for: still an action, coded generically.
                return Frame(c, generic(c), "", None)
        return None


def _yaml(where: str, text: str) -> Any:
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        raise DataFileError(where, "whole file", f"not valid YAML: {e}") from e


def _words(raw: Any, classes: dict[str, Any], where: str, what: str) -> frozenset[str] | None:
    if raw is None:
        return None
    items = raw if isinstance(raw, list) else [raw]
    out: set[str] = set()
    for item in items:
        if not isinstance(item, str):
            hint = (
                " (quote on, off, yes and no: YAML reads them as true/false)"
                if isinstance(item, bool)
                else ""
            )
            raise DataFileError(where, what, f"expected words, got {item!r}{hint}")
        if item.startswith("@"):
            if item[1:] not in classes:
                raise DataFileError(where, what, f"unknown class {item}")
            out.update(str(w).lower() for w in classes[item[1:]])
        else:
            out.add(item.lower())
    return frozenset(out)


def _pattern(
    where: str, i: int, raw: Any, classes: dict[str, Any], codes: dict[str, CameoCode]
) -> Pattern:
    what = f"pattern {i}"
    if not isinstance(raw, dict):
        raise DataFileError(where, what, "must be a mapping")
    unknown = set(raw) - PATTERN_KEYS
    if unknown:
        raise DataFileError(where, what, f"unknown keys {sorted(unknown)}")
    kinds = [k for k in ("verb", "noun", "adj") if k in raw]
    if len(kinds) != 1:
        raise DataFileError(where, what, "needs exactly one of verb, noun, adj")
    lemmas = _words(raw[kinds[0]], classes, where, what)
    assert lemmas is not None
    cameo = raw.get("cameo")
    complement = raw.get("complement")
    if complement is not None and complement not in COMPLEMENTS:
        raise DataFileError(where, what, f"unknown complement {complement!r}")
    if cameo is None and complement != "decide":
        raise DataFileError(where, what, "needs a cameo code")
    if cameo is not None and str(cameo) not in codes:
        raise DataFileError(where, what, f"unknown CAMEO code {cameo!r}")
    refine = raw.get("refine") or {}
    for word, code in refine.items():
        if str(code) not in codes:
            raise DataFileError(where, what, f"refine {word}: unknown CAMEO code {code!r}")
    targets = raw.get("target", list(DEFAULT_TARGETS))
    plover = raw.get("plover")
    if plover is not None and plover not in PLOVER_TYPES:
        raise DataFileError(where, what, f"unknown PLOVER type {plover!r}")
    return Pattern(
        index=i,
        kind=kinds[0],
        lemmas=lemmas,
        cameo=str(cameo) if cameo is not None else None,
        objects=_words(raw.get("object"), classes, where, what),
        particles=_words(raw.get("particle"), classes, where, what),
        preps=_words(raw.get("prep"), classes, where, what),
        complement=complement,
        targets=tuple(targets if isinstance(targets, list) else [targets]),
        mutual=bool(raw.get("mutual")),
        speech=bool(raw.get("speech")),
        refine=tuple((str(k).lower(), str(v)) for k, v in refine.items()),
        needs_target=bool(raw.get("needs_target")),
        intransitive=bool(raw.get("intransitive")),
        reverse=bool(raw.get("reverse")),
        action_only=bool(raw.get("action_only")),
        subjects=_words(raw.get("subject"), classes, where, what),
        reciprocal=bool(raw.get("reciprocal")),
        plover=plover,
    )


def generic(token: Token) -> Pattern:
    """A frame for a verb no pattern knows (the embedded action of "agreed to X", or a verb
    under "must" in reported speech)."""
    return Pattern(-1, "verb", frozenset({token.lemma_.lower()}), None)
