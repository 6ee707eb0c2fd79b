"""The lexicon: which words, with which arguments, are which CAMEO event.

``PatternBook`` loads dyad's event patterns (``data/events/patterns.yaml``) and the CAMEO code
table (``data/events/cameo.yaml``), validates them, and answers one question for the coder:
which pattern does this token of a parsed sentence match (``match``), and which action does a
complement pattern embed (``embedded``: "agreed to <hold talks>")?
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from dyad.errors import DataFileError
from dyad.tree import children, prep_objects
from dyad.types import PLOVER_TYPES, QuadClass

if TYPE_CHECKING:
    from spacy.tokens import Token

COMPLEMENTS = frozenset(
    {"intent", "promise", "threat", "refusal", "request", "order", "prepare", "decide"}
)

DEFAULT_TARGETS = (
    "dobj", "dative", "nsubjpass", "with", "to", "against", "on", "at", "into", "toward",
    "towards", "upon", "from", "over", "between", "owner",
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
        "pp",
        "reverse_cameo",
        "origin",
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


@dataclass(frozen=True, slots=True)
class Words:
    """What a pattern's object, subject or prepositional object must say: one of ``single``,
    as the head of the noun phrase or a word modifying it, or one of ``phrases``, whose last
    word is the head and whose other words come before it in the phrase ("arms shipment",
    "mock attack"). A phrase's word may be any of several (a class: "@FOOD aid")."""

    single: frozenset[str]
    phrases: tuple[tuple[frozenset[str], ...], ...] = ()

    def heads(self) -> frozenset[str]:
        """Every word that can head a match (what the candidate filter looks for)."""
        return self.single.union(*(p[-1] for p in self.phrases))

    def describe(self) -> str:
        words = sorted(self.single) + [
            " ".join("|".join(sorted(slot))[:20] for slot in p) for p in self.phrases
        ]
        return "|".join(words)[:60]

    def match(self, head: Token | Noun) -> bool:
        noun = head if isinstance(head, Noun) else Noun.of(head)
        if self.single & noun.words:
            return True
        for *modifiers, last in self.phrases:
            if last & noun.head and all(slot & noun.before for slot in modifiers):
                return True
        return False


@dataclass(frozen=True, slots=True)
class Noun:
    """The words of a noun phrase a pattern's ``Words`` are matched against, read once however
    many patterns ask: its head, the head with its modifiers and conjuncts, and every word
    before the head in its phrase (each as lemma and as written)."""

    token: Token
    head: frozenset[str]
    words: frozenset[str]
    before: frozenset[str]

    @classmethod
    def of(cls, head: Token) -> Noun:
        def forms(tokens: Iterable[Token]) -> frozenset[str]:
            return frozenset(f for t in tokens for f in (t.lemma_.lower(), t.lower_))

        near = [head]
        for c in head.children:
            if c.dep_ in {"compound", "amod", "conj"}:
                near.append(c)
        return cls(
            head,
            forms([head]),
            forms(near),
            forms(t for t in head.subtree if t.i < head.i),
        )


NO_EVENT = "---"  # a pattern that says a word with these arguments is no event


@dataclass(frozen=True)
class Pattern:
    index: int
    kind: str  # verb | noun | adj
    lemmas: frozenset[str]
    cameo: str | None  # NO_EVENT: the word, so used, is no event
    objects: Words | None = None
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
    subjects: Words | None = None
    reciprocal: bool = False
    plover: str | None = None  # overrides the CAMEO code's PLOVER type
    pp: tuple[tuple[str, Words | None], ...] = ()  # prepositional phrases: (preposition, object)
    reverse_cameo: str | None = None  # what the target does back ("visited X": X hosted)
    lexicon: str = "dyad"  # which file it came from: dyad's own, or converted from CAMEO
    origin: str | None = None  # where in that lexicon's source

    @property
    def specificity(self) -> int:
        # A subject constraint says most about the event ("peacekeepers arrived"): it counts twice.
        return (
            sum(x is not None for x in (self.objects, self.particles, self.preps))
            + len(self.pp)
            + 2 * (self.subjects is not None)
        )

    def describe(self) -> str:
        parts = [f"{self.kind} {'|'.join(sorted(self.lemmas))[:60]}"]
        if self.subjects:
            parts.append(f"subject {self.subjects.describe()}")
        if self.particles:
            parts.append(f"+{'|'.join(sorted(self.particles))}")
        if self.preps:
            parts.append(f"prep {'|'.join(sorted(self.preps))}")
        if self.objects:
            parts.append(f"object {self.objects.describe()}")
        for prep, words in self.pp:
            parts.append(f"({prep}{' ' + words.describe() if words else ''})")
        if self.complement:
            parts.append(f"complement {self.complement}")
        where = (
            f"dyad pattern {self.index}"
            if self.lexicon == "dyad"
            else f"{self.lexicon} {self.origin or self.index}"
        )
        code = self.cameo or "from complement"
        if self.reverse_cameo:
            code += f", back {self.reverse_cameo}"
        return f"{where} ({' '.join(parts)}) -> {code}"


@dataclass(frozen=True)
class Frame:
    """A predicate with its pattern, before actors are attached."""

    trigger: Token
    pattern: Pattern
    cameo: str
    obj: Token | None  # the object that satisfied the pattern's object constraint


class Site:
    """What the patterns ask of one predicate (its particles, prepositions, subject, object
    candidates), read from the parse once however many patterns ask."""

    def __init__(self, token: Token) -> None:
        self.token = token
        kids = list(token.children)
        prts = [c for c in kids if c.dep_ == "prt"]
        self.particles_or_preps = {c.lower_ for c in kids if c.dep_ in {"prt", "prep"}}
        self.preps = {c.lower_ for c in kids if c.dep_ in {"prep", "agent", "dative"}} | {
            pp.lower_ for pr in prts for pp in pr.children
        }
        self.has_object = any(c.dep_ == "dobj" for c in kids)
        self._subjects: list[Noun] | None = None
        self._objects: dict[str, list[Noun]] = {}

    @property
    def subjects(self) -> list[Noun]:
        if self._subjects is None:
            heads = children(self.token, "nsubj", "nsubjpass")
            heads += [o for h in heads for o in prep_objects(h, {"of"})]
            self._subjects = [Noun.of(h) for h in heads]
        return self._subjects

    def objects(self, kind: str) -> list[Noun]:
        """Where a verb's (or an event noun's) object may be, in order."""
        if kind not in self._objects:
            token = self.token
            candidates: list[Token] = []
            if kind == "verb":
                candidates += children(token, "dobj", "nsubjpass", "attr", "dative")
                candidates += [
                    c for prt in children(token, "prt") for c in prt.children if c.dep_ == "pobj"
                ]
                candidates += prep_objects(token, {"for", "on", "to", "of", "in", "under"})
            else:
                candidates += prep_objects(token, {"of"})
                candidates += children(token, "compound", "amod", "nmod")
                candidates.append(token)
            # "declared al-Shabab a terrorist organisation": what the object is declared to be
            candidates += [o for c in list(candidates) for o in children(c, "appos", "oprd")]
            candidates += children(token, "oprd")
            # "declared Hezbollah a terrorist organisation" parsed as a small clause
            candidates += [c for c in children(token, "ccomp") if c.pos_ == "NOUN"]
            for c in list(candidates):
                if c.pos_ in {"NOUN", "PROPN", "PRON", "NUM"} and c.i != token.i:
                    # "part of a military aid program", "the return of inspectors";
                    # an amount is "in" what it counts ("$300 million in aid")
                    candidates += prep_objects(c, {"of", "in"} if c.pos_ == "NUM" else {"of"})
            self._objects[kind] = [Noun.of(c) for c in candidates]
        return self._objects[kind]

    def has_pps(self, obj: Token | None, p: Pattern) -> bool:
        """Whether each of the pattern's prepositional phrases hangs off the predicate, its
        particle or its object ("rushed police to the border")."""
        token = self.token
        hosts = [token, *children(token, "prt"), *([obj] if obj is not None else [])]
        preps = [c for h in hosts for c in h.children if c.dep_ in {"prep", "agent", "dative"}]
        for prep, words in p.pp:
            if not any(
                c.lower_ == prep
                and (words is None or any(words.match(o) for o in children(c, "pobj")))
                for c in preps
            ):
                return False
        return True


class PatternBook:
    """Event patterns and CAMEO codes, loaded and validated from ``data/events``: dyad's own
    patterns (``patterns.yaml``), then those converted from PETRARCH-2's CAMEO verb dictionary
    (``cameo_verbs.yaml``), which are tried only for a word none of dyad's fits."""

    LEXICONS = (("dyad", "patterns.yaml"), ("CAMEO 2.0", "cameo_verbs.yaml"))

    def __init__(
        self,
        patterns: list[Pattern],
        codes: dict[str, CameoCode],
        forms: dict[str, frozenset[str]] | None = None,
    ) -> None:
        self.patterns = patterns
        self.codes = codes
        self.forms = forms or {}  # irregular inflections of trigger verbs ("withdrew")
        self._lexicons = list(dict.fromkeys(p.lexicon for p in patterns))
        self._by_lemma: dict[str, dict[tuple[str, str], list[Pattern]]] = {
            name: {} for name in self._lexicons
        }
        for p in patterns:
            for lemma in p.lemmas:
                self._by_lemma[p.lexicon].setdefault((p.kind, lemma), []).append(p)

    @classmethod
    def load(cls) -> PatternBook:
        base = resources.files("dyad").joinpath("data/events")
        codes = _codes(base.joinpath("cameo.yaml").read_text("utf-8"))
        patterns: list[Pattern] = []
        forms: dict[str, frozenset[str]] = {}
        for lexicon, name in cls.LEXICONS:
            where = f"dyad/data/events/{name}"
            data = _yaml(where, base.joinpath(name).read_text("utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("patterns"), list):
                raise DataFileError(where, "top level", "expected classes and a patterns list")
            book = _Classes(data.get("classes") or {}, where)
            read = [
                _pattern(where, i, raw, book, codes, lexicon)
                for i, raw in enumerate(data["patterns"])
            ]
            # A converted verb's code on its own, with no object, phrase or subject to say
            # which sense is meant, is not taken: the dictionary's blocks group verbs by one
            # sense, and most of them have others ("face", "claim", "serve", "take"). On the
            # dev sets these codes made 3 right events for 26 wrong ones.
            patterns += [p for p in read if p.lexicon == "dyad" or p.specificity > 0]
            for verb, inflected in (data.get("forms") or {}).items():
                forms[str(verb)] = forms.get(str(verb), frozenset()) | frozenset(
                    str(f).lower() for f in inflected
                )
        return cls(patterns, codes, forms)

    def candidates(self, token: Token) -> list[list[Pattern]]:
        """The patterns of each lexicon, in order of precedence, whose word ``token`` is."""
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
        out = []
        for name in self._lexicons:
            index = self._by_lemma[name]
            found = index.get((kind, lemma), [])
            if not found and kind == "noun" and token.tag_ == "NNS":
                found = index.get((kind, token.lower_), [])
            if not found and kind == "verb" and token.tag_ == "VBN":
                found = index.get(("verb", token.lower_), [])
            out.append(found)
        return out

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
            if p.cameo == NO_EVENT:
                continue
            words = [
                g.heads() if isinstance(g, Words) else g
                for g in (p.objects, p.particles, p.preps, p.subjects)
                if g is not None
            ]
            words += [frozenset({prep}) for prep, _ in p.pp]
            groups = tuple(words)
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
        found = self.matches(token)
        return found[0] if found else None

    def matches(self, token: Token) -> list[Frame]:
        """Every pattern whose constraints hold for ``token``, most specific first, from the
        first lexicon (in ``LEXICONS`` order) that has any: the coder takes the next when
        the sentence lacks the arguments the first needs."""
        lexicons = [patterns for patterns in self.candidates(token) if patterns]
        site = Site(token) if lexicons else None
        for patterns in lexicons:
            assert site is not None
            frames = [f for f in (self._fits(site, p) for p in patterns) if f is not None]
            if frames:
                # stable: of equally specific patterns the one listed first comes first
                return sorted(frames, key=lambda f: -f.pattern.specificity)
        if token.pos_ == "VERB" and any(
            c.dep_ == "aux" and c.lower_ in DEONTIC for c in token.children
        ):
            return [Frame(token, generic(token), "", None)]
        return []

    @staticmethod
    def _fits(site: Site, p: Pattern) -> Frame | None:
        token = site.token
        obj = None
        # "forced the agency out of the country": "out" may be parsed as a preposition
        if p.particles is not None and not (site.particles_or_preps & p.particles):
            return None
        # "called on Pakistan": the preposition may hang off the particle
        if p.preps is not None and not (site.preps & p.preps):
            return None
        if p.intransitive and site.has_object:
            return None
        # the subject's head and its modifiers, or what it is "of" ("deployment of troops");
        # not deeper words ("US military chief General Dunford" is no troop movement)
        if p.subjects is not None and not any(p.subjects.match(n) for n in site.subjects):
            return None
        if p.objects is not None:
            found = next((n for n in site.objects(p.kind) if p.objects.match(n)), None)
            if found is None:
                return None
            obj = found.token
        if p.pp and not site.has_pps(obj, p):
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


def _codes(text: str) -> dict[str, CameoCode]:
    where = "dyad/data/events/cameo.yaml"
    raw_codes = _yaml(where, text)
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
    return codes


class _Classes:
    """A patterns file's named word classes, each read once however many patterns use it."""

    def __init__(self, raw: Any, where: str) -> None:
        if not isinstance(raw, dict):
            raise DataFileError(where, "classes", "expected a mapping of names to words")
        self.raw = raw
        self.where = where
        self._read: dict[str, frozenset[str]] = {}

    def __getitem__(self, name: str) -> frozenset[str]:
        if name not in self._read:
            if name not in self.raw:
                raise KeyError(name)
            self._read[name] = frozenset(str(w).lower() for w in self.raw[name])
        return self._read[name]

    def __contains__(self, name: object) -> bool:
        return name in self.raw


def _strings(raw: Any, where: str, what: str) -> list[str]:
    items = raw if isinstance(raw, list) else [raw]
    for item in items:
        if not isinstance(item, str):
            hint = (
                " (quote on, off, yes and no: YAML reads them as true/false)"
                if isinstance(item, bool)
                else ""
            )
            raise DataFileError(where, what, f"expected words, got {item!r}{hint}")
    return items


def _class(name: str, classes: _Classes, where: str, what: str) -> frozenset[str]:
    if name not in classes:
        raise DataFileError(where, what, f"unknown class @{name}")
    return classes[name]


def _lemmas(raw: Any, classes: _Classes, where: str, what: str) -> frozenset[str] | None:
    """Single words (lemmas, particles, prepositions): a word or a class, or a list of them."""
    if raw is None:
        return None
    out: set[str] = set()
    for item in _strings(raw, where, what):
        out |= _class(item[1:], classes, where, what) if item.startswith("@") else {item.lower()}
    return frozenset(out)


def _words(raw: Any, classes: _Classes, where: str, what: str) -> Words | None:
    """Object or subject words: words, classes, or phrases of words and classes
    ("arms shipment", "@FOOD aid")."""
    if raw is None:
        return None
    single: set[str] = set()
    phrases: list[tuple[frozenset[str], ...]] = []

    def slot(word: str) -> frozenset[str]:
        return (
            _class(word[1:], classes, where, what)
            if word.startswith("@")
            else frozenset({word.lower()})
        )

    for item in _strings(raw, where, what):
        words = item.split()
        if len(words) > 1:
            # a class member of several words cannot fill one word of a phrase
            phrases.append(tuple(frozenset(x for x in slot(w) if " " not in x) for w in words))
            continue
        for w in slot(item):
            if " " in w:  # a class member of several words is a phrase of its own
                phrases.append(tuple(frozenset({x}) for x in w.split()))
            else:
                single.add(w)
    return Words(frozenset(single), tuple(phrases))


def _pp(raw: Any, classes: _Classes, where: str, what: str) -> tuple[tuple[str, Words | None], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, dict) and len(x) == 1 for x in raw):
        raise DataFileError(where, what, "pp is a list of {preposition: words or null}")
    out = []
    for item in raw:
        ((prep, words),) = item.items()
        out.append((str(prep).lower(), _words(words, classes, where, what)))
    return tuple(out)


def _pattern(
    where: str,
    i: int,
    raw: Any,
    classes: _Classes | dict[str, Any],
    codes: dict[str, CameoCode],
    lexicon: str = "dyad",
) -> Pattern:
    what = f"pattern {i}"
    if not isinstance(classes, _Classes):
        classes = _Classes(classes, where)
    if not isinstance(raw, dict):
        raise DataFileError(where, what, "must be a mapping")
    unknown = set(raw) - PATTERN_KEYS
    if unknown:
        raise DataFileError(where, what, f"unknown keys {sorted(unknown)}")
    kinds = [k for k in ("verb", "noun", "adj") if k in raw]
    if len(kinds) != 1:
        raise DataFileError(where, what, "needs exactly one of verb, noun, adj")
    lemmas = _lemmas(raw[kinds[0]], classes, where, what)
    assert lemmas is not None
    cameo = raw.get("cameo")
    complement = raw.get("complement")
    if complement is not None and complement not in COMPLEMENTS:
        raise DataFileError(where, what, f"unknown complement {complement!r}")
    if cameo is None and complement != "decide":
        raise DataFileError(where, what, "needs a cameo code")
    for key in ("cameo", "reverse_cameo"):
        code = raw.get(key)
        if code is not None and str(code) not in codes and str(code) != NO_EVENT:
            raise DataFileError(where, what, f"unknown CAMEO code {code!r}")
    refine = raw.get("refine") or {}
    for word, code in refine.items():
        if str(code) not in codes:
            raise DataFileError(where, what, f"refine {word}: unknown CAMEO code {code!r}")
    targets = raw.get("target", list(DEFAULT_TARGETS))
    plover = raw.get("plover")
    if plover is not None and plover not in PLOVER_TYPES:
        raise DataFileError(where, what, f"unknown PLOVER type {plover!r}")
    reverse_cameo = raw.get("reverse_cameo")
    return Pattern(
        index=i,
        kind=kinds[0],
        lemmas=lemmas,
        cameo=str(cameo) if cameo is not None else None,
        objects=_words(raw.get("object"), classes, where, what),
        particles=_lemmas(raw.get("particle"), classes, where, what),
        preps=_lemmas(raw.get("prep"), classes, where, what),
        complement=complement,
        targets=tuple(targets if isinstance(targets, list) else [targets]),
        mutual=bool(raw.get("mutual")),
        speech=bool(raw.get("speech")),
        refine=tuple((str(k).lower(), str(v)) for k, v in refine.items()),
        # PETRARCH codes an event from its dictionary only with a source and a target
        needs_target=bool(raw.get("needs_target")) or lexicon != "dyad",
        intransitive=bool(raw.get("intransitive")),
        reverse=bool(raw.get("reverse")),
        action_only=bool(raw.get("action_only")),
        subjects=_words(raw.get("subject"), classes, where, what),
        reciprocal=bool(raw.get("reciprocal")),
        plover=plover,
        pp=_pp(raw.get("pp"), classes, where, what),
        reverse_cameo=str(reverse_cameo) if reverse_cameo is not None else None,
        lexicon=lexicon,
        origin=str(raw["origin"]) if raw.get("origin") is not None else None,
    )


def generic(token: Token) -> Pattern:
    """A frame for a verb no pattern knows (the embedded action of "agreed to X", or a verb
    under "must" in reported speech)."""
    return Pattern(-1, "verb", frozenset({token.lemma_.lower()}), None)
