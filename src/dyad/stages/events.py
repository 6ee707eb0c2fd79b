"""Stage 6, events: predicates with their source and target, coded in PLOVER and CAMEO.

For every token of a parsed sentence that a pattern (``data/events/patterns.yaml``) knows — a
verb, an event noun, a predicate adjective — the coder:

1. picks the most specific pattern whose constraints hold (object, particle, preposition);
2. asks ``factuality.assess`` whether the clause asserts it; statements that are not asserted
   are not coded, except intents a speaker announces for themselves (AGREE, THREATEN, REJECT)
   and demands that another "must" act (REQUEST);
3. for patterns with a complement ("agreed to hold talks", "threatened to shoot down drones"),
   codes the embedded action and derives the intent, threat, refusal or request from it;
4. finds the source (subject, passive agent, possessor, the subject of the governing clause) and
   the target (object, "with/to/against/on…" phrase, a place's country, the owner of the object)
   and resolves each to actors with ``actors.noun_phrase_actor``; coordinated actors give one
   event per pair, and "X and Y agreed" gives reciprocal events;
5. dates the event by its own clause (``dates.resolve``), else by the clause that reports it,
   else by the publication date; and locates it by a place named in the clause.

Every decision is recorded as a ``Decision`` so ``dyad explain`` can show why a predicate was
or was not coded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from dyad.errors import DataFileError
from dyad.stages import dates
from dyad.stages.actors import (
    COREF_CONFIDENCE,
    ActorBook,
    Discourse,
    Known,
    SentenceActors,
    counted,
    noun_phrase_actor,
    np_tokens,
    resolve,
)
from dyad.stages.factuality import ASSERTED, Factuality, assess
from dyad.tree import ancestors, is_root
from dyad.types import (
    PLOVER_TYPES,
    Actor,
    ActorMention,
    DatePrecision,
    Event,
    EventDate,
    Location,
    Modality,
    QuadClass,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

COMPLEMENTS = frozenset(
    {"intent", "promise", "threat", "refusal", "request", "order", "prepare", "decide"}
)
# What an authority orders that makes the order coercive: "ordered the paper to suspend…".
RESTRICTIONS = frozenset(
    [
        "suspend",
        "stop",
        "close",
        "halt",
        "leave",
        "cease",
        "shut",
        "vacate",
        "disband",
        "dissolve",
        "surrender",
        "quit",
        "evacuate",
    ]
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
STATE_VERBS = frozenset(
    ["be", "have", "seem", "become", "remain", "stay", "get", "appear", "look", "sound"]
)
# Where an actor's country is unknown ("police", "rebels"), the event's place or the other
# party's country is used, at this confidence factor.
DOMESTIC_CONFIDENCE = 0.7
# Verbs whose object is who does the embedded action: "urged Pakistan to act".
OBJECT_CONTROL = frozenset(
    [
        "urge",
        "ask",
        "tell",
        "force",
        "compel",
        "allow",
        "let",
        "permit",
        "invite",
        "encourage",
        "order",
        "persuade",
        "convince",
        "help",
        "pressure",
        "press",
        "push",
        "request",
        "require",
        "instruct",
        "authorize",
        "want",
        "expect",
        "nominate",
        "appoint",
        "warn",
        "call",
        "implore",
    ]
)
REL_PRONOUNS = frozenset(["that", "which", "who", "whom", "whose"])
DEONTIC = frozenset({"must", "should", "ought"})
ASPECTUAL = frozenset(
    ["resume", "continue", "start", "begin", "keep", "stop", "cease", "carry", "go", "step"]
)
# Nouns whose "of" phrase is what they count: "part of a military aid program".
QUANTITY_NOUNS = frozenset(
    [
        "part",
        "portion",
        "some",
        "most",
        "half",
        "all",
        "much",
        "rest",
        "share",
        "bulk",
        "tranche",
        "installment",
        "instalment",
    ]
)
# Subjects that are weapons or incidents, not actors: the perpetrators are the place's.
INSTRUMENT_NOUNS = frozenset(
    [
        "bombing",
        "explosion",
        "blast",
        "attack",
        "bomb",
        "device",
        "mine",
        "minefield",
        "rocket",
        "shell",
        "missile",
        "shelling",
        "airstrike",
        "strike",
        "ambush",
        "gunfire",
        "fire",
        "raid",
    ]
)

# "the two leaders", "both countries": a pair the story has named
PAIR_NOUNS = frozenset(
    ["leader", "country", "nation", "government", "neighbour", "neighbor", "minister",
     "president", "state", "capital"]
)  # fmt: skip
ANAPHORIC_STATE_NOUNS = frozenset(
    ["country", "nation", "state", "government", "republic", "kingdom"]
)

# How an embedded action's CAMEO code becomes an intent, threat, refusal or request code.
_INTENT = {
    "04": "036", "045": "039", "046": "036", "05": "032", "057": "030", "06": "031", "061": "0311",
    "062": "0312", "063": "0313", "064": "0314", "07": "033", "071": "0331", "072": "0332",
    "073": "0333", "074": "0334", "08": "035", "081": "0351", "0813": "0351", "0814": "0351",
    "082": "0352", "083": "034", "0831": "0341", "084": "0353", "0841": "0353", "0842": "0353",
    "085": "0354", "086": "0355", "087": "0356", "0871": "0356", "0874": "0356", "03": None,
}  # fmt: skip
_THREAT = {
    "16": "131", "160": "1313", "161": "1313", "162": "1311", "1621": "1311", "1622": "1311",
    "1623": "1311", "163": "1312", "164": "134", "165": "135", "166": "136", "17": "137",
    "172": "132", "1721": "1321", "1722": "1322", "1723": "1323", "1724": "1324", "173": "137",
    "174": "137", "175": "137", "18": "1383", "19": "138", "190": "1384", "191": "1381",
    "192": "1382", "193": "1384", "194": "1384", "195": "1384", "20": "1385", "14": "133",
    "12": "130", "10": "130", "11": "130", "09": "130", "13": None, "15": "138",
}  # fmt: skip
_REFUSAL = {
    "04": "125", "045": "126", "046": "125", "03": "120", "05": "120", "06": "121", "061": "1211",
    "062": "1212", "063": "1213", "064": "1214", "07": "122", "071": "1221", "072": "1222",
    "073": "1223", "074": "1224", "075": "122", "08": "124", "081": "1241", "082": "1242",
    "083": "123", "0841": "1243", "084": "1243", "085": "1244", "086": "1245", "087": "1246",
    "0871": "1246", "10": "120", "12": None,
}  # fmt: skip
_REQUEST = {
    "03": "100", "04": "106", "045": "108", "046": "106", "05": "102", "06": "101", "061": "1011",
    "062": "1012", "063": "1013", "064": "1014", "07": "103", "071": "1031", "072": "1032",
    "073": "1033", "074": "1034", "08": "105", "081": "1051", "082": "1052", "083": "104",
    "0831": "1041", "084": "1053", "0841": "1053", "085": "1054", "086": "1055", "087": "1056",
    "0871": "1056", "10": None,
}  # fmt: skip


def _map_code(table: dict[str, str | None], code: str, default: str) -> str:
    for key in (code, code[:3], code[:2]):
        if key in table:
            return table[key] or code
    return default


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


# -- the coder -----------------------------------------------------------------------------


@dataclass
class Decision:
    """What the coder made of one candidate predicate (for ``dyad explain``)."""

    trigger: str
    index: int
    pattern: str | None
    coded: bool
    reason: str
    events: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Frame:
    """A predicate with its pattern, before actors are attached."""

    trigger: Token
    pattern: Pattern
    cameo: str
    obj: Token | None  # the object that satisfied the pattern's object constraint


@dataclass(frozen=True, slots=True)
class SentenceContext:
    """What the coder needs to know about the sentence it codes."""

    doc_id: str
    index: int  # sentence index in the document
    start: int  # character offset of the sentence in the document
    text: str
    pub_date: dt.date | None


def _children(token: Token, *deps: str) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def _with_conjuncts(token: Token) -> list[Token]:
    out = [token]
    for c in token.children:
        if c.dep_ == "conj" and c.pos_ in {"NOUN", "PROPN", "PRON"}:
            out.extend(_with_conjuncts(c))
    return out


def _prep_objects(token: Token, preps: set[str] | frozenset[str]) -> list[Token]:
    out: list[Token] = []
    for c in token.children:
        if c.dep_ in {"prep", "agent"} and c.lower_ in preps:
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


def _particles(token: Token) -> set[str]:
    return {c.lower_ for c in token.children if c.dep_ == "prt"}


def _object(token: Token) -> Token | None:
    objs = _children(token, "dobj", "attr", "oprd")
    if objs:
        return objs[0]
    passive = _children(token, "nsubjpass")
    return passive[0] if passive else None


class Coder:
    """Codes parsed sentences into events."""

    def __init__(
        self, actors: ActorBook, patterns: PatternBook, nlp: Any, fuzzy_threshold: float = 90.0
    ) -> None:
        self.actors = actors
        self.patterns = patterns
        self.nlp = nlp
        self.fuzzy_threshold = fuzzy_threshold

    # -- patterns ------------------------------------------------------------------------

    def match(self, token: Token) -> Frame | None:
        """The most specific pattern whose constraints hold for ``token``; for a verb that no
        pattern knows but that someone says another "must" do, a generic frame (a demand)."""
        best: Frame | None = None
        for p in self.patterns.candidates(token):
            frame = self._fits(token, p)
            if frame is not None and (best is None or p.specificity > best.pattern.specificity):
                best = frame
        if (
            best is None
            and token.pos_ == "VERB"
            and any(c.dep_ == "aux" and c.lower_ in DEONTIC for c in token.children)
        ):
            best = Frame(token, _generic(token), "", None)
        return best

    def _fits(self, token: Token, p: Pattern) -> Frame | None:
        obj = None
        if p.particles is not None and not (
            (_particles(token) | {c.lower_ for c in _children(token, "prep")}) & p.particles
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
        if p.intransitive and _children(token, "dobj"):
            return None
        if p.subjects is not None:
            # the subject's head and its modifiers, or what it is "of" ("deployment of troops");
            # not deeper words ("US military chief General Dunford" is no troop movement)
            heads = _children(token, "nsubj", "nsubjpass")
            heads += [o for h in heads for o in _prep_objects(h, {"of"})]
            words = {
                t.lemma_.lower() for h in heads for t in [h, *_children(h, "compound", "amod")]
            }
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
            candidates += _children(token, "dobj", "nsubjpass", "attr", "dative")
            candidates += [
                c for prt in _children(token, "prt") for c in prt.children if c.dep_ == "pobj"
            ]
            candidates += _prep_objects(token, {"for", "on", "to", "of", "in", "under"})
        else:
            candidates += _prep_objects(token, {"of"})
            candidates += _children(token, "compound", "amod", "nmod")
            candidates.append(token)
        for c in list(candidates):
            if c.pos_ in {"NOUN", "PROPN", "PRON", "NUM"} and c.i != token.i:
                # "part of a military aid program", "the return of inspectors";
                # an amount is "in" what it counts ("$300 million in aid")
                candidates += _prep_objects(c, {"of", "in"} if c.pos_ == "NUM" else {"of"})
        for c in candidates:
            for t in [c, *_children(c, "compound", "amod"), *_children(c, "conj")]:
                if t.lemma_.lower() in p.objects or t.lower_ in p.objects:
                    return c
        return None

    # -- coding a sentence ---------------------------------------------------------------

    def code(
        self, doc: Doc, ctx: SentenceContext, discourse: Discourse, explain: bool = False
    ) -> tuple[list[Event], list[Decision]]:
        """Every event ``doc`` states (those not asserted carry their modality), and, for
        ``explain``, a decision per candidate predicate."""
        sent = SentenceActors(doc, self.actors.find(doc, self.nlp))
        coded: list[tuple[Event, Decision]] = []
        decisions: list[Decision] = []
        seen: set[tuple[Any, ...]] = set()
        frames = [f for f in (self.match(t) for t in doc) if f is not None]
        # "lodged an official protest": the verb's object is its event, not another one
        taken = {f.obj.i for f in frames if f.obj is not None and f.pattern.kind == "verb"}
        for frame in frames:
            token = frame.trigger
            if frame.pattern.kind == "noun" and token.i in taken:
                continue
            decision = Decision(token.text, token.i, frame.pattern.describe(), False, "")
            decisions.append(decision)
            for event in self._code_frame(frame, sent, ctx, discourse, decision):
                # one sentence saying one thing twice ("decided to keep Pakistan on the
                # list": the decision and the keeping) is one mention
                key = (
                    event.source.cameo,
                    event.target.cameo if event.target else None,
                    event.plover,
                    event.modality,
                )
                if key not in seen:
                    seen.add(key)
                    coded.append((event, decision))
        # "established ties with and opened an embassy in Tehran": one event with its target
        # makes the same actor's same kind of event without one a duplicate
        targeted = {(e.source.cameo, e.plover, e.modality) for e, _ in coded if e.target}
        kept = []
        for e, d in coded:
            if e.target is None and (e.source.cameo, e.plover, e.modality) in targeted:
                d.reason += "; without a target, while the sentence codes it with one"
            else:
                kept.append((e, d))
        for event, decision in kept:
            if event.modality == Modality.ASSERTED:
                decision.events.append(_describe(event))
        for decision in decisions:
            decision.coded = bool(decision.events)
        events = [e for e, _ in kept]
        discourse.observe(ctx.index, doc, sent.matches)
        self._remember_people(doc, sent, discourse, ctx.index)
        return events, decisions

    def _remember_people(
        self, doc: Doc, sent: SentenceActors, discourse: Discourse, index: int
    ) -> None:
        """Persons the dictionaries do not know, so a later surname does not fall to a known
        person of the same name (Tauseef Ahmed Khan is not Imran Khan)."""
        for ent in doc.ents:
            if ent.label_ != "PERSON" or len(ent) < 2:
                continue
            if any(
                m.entry.kind == "person" and m.start <= ent.root.i < m.end for m in sent.matches
            ):
                continue
            known = discourse.surname(ent[-1].text)
            if known is not None and known.text == ent.text:
                continue
            mention = noun_phrase_actor(ent.root, sent, discourse, index)
            actor = (
                mention.actor
                if mention and mention.actor.code and mention.how != "coreference"
                else None
            )
            discourse.remember(Known(actor, ent.text, index, "person", ent[-1].text))

    def _code_frame(
        self,
        frame: Frame,
        sent: SentenceActors,
        ctx: SentenceContext,
        discourse: Discourse,
        decision: Decision,
    ) -> list[Event]:
        token, p = frame.trigger, frame.pattern
        fact = assess(token)
        cameo = frame.cameo
        embedded: Frame | None = None
        if p.complement is not None:
            embedded = self._embedded(token)
            if p.action_only and (
                embedded is None
                or embedded.trigger.lemma_ in STATE_VERBS
                or not (embedded.trigger.dep_ == "xcomp" or _is_infinitive(embedded.trigger))
            ):
                decision.reason = (
                    "no action in the complement (a wish about a state, not a request)"
                )
                return []
            result = self._complement_code(p, embedded)
            if result is None:
                decision.reason = "the embedded action is not an event dyad codes"
                return []
            cameo = result
        modality = Modality.ASSERTED
        confidence = 1.0
        sources = self._sources(frame, sent, ctx, discourse, fact)
        targets: list[ActorMention] | None = None
        plover_override = p.plover
        if fact.cue in {"to (purpose)", "for (purpose)"} and cameo[:2] == "14":
            # "converged on Lagos to protest", "gathered for a rally": the protest is the act
            fact = ASSERTED
        if fact.modality != Modality.ASSERTED:
            converted = self._convert(frame, fact, cameo, sent, ctx, discourse, sources)
            if converted is None:
                if p.index == -1:
                    decision.reason = f"not asserted: {fact.modality.value} ({fact.cue})"
                    return []
                modality = fact.modality
                decision.reason = f"not asserted: {fact.modality.value} ({fact.cue})"
            else:
                cameo, sources, targets, why, confidence = converted
                plover_override = None
                decision.reason = why
        elif p.index == -1:
            decision.reason = "no event word dyad knows"
            return []
        elif fact.speech_verb is not None and p.complement is None and not p.speech:
            decision.reason = f"reported by '{fact.speech_verb.text}'"
        info = self.patterns.code(cameo)
        plover = plover_override or info.plover
        if plover is None:
            decision.reason = f"CAMEO {cameo} is a statement, not an event"
            return []
        if (
            not sources
            and token.pos_ in {"VERB", "AUX"}
            and (
                _children(token, "nsubjpass")
                or any(sj.lemma_.lower() in INSTRUMENT_NOUNS for sj in _children(token, "nsubj"))
            )
        ):
            sources = self._passive_source(token, sent, discourse)
        if not sources:
            decision.reason = (
                decision.reason + "; " if decision.reason else ""
            ) + "no source actor"
            return []
        location = self._location(token, sent, discourse)
        if location is None and embedded is not None:
            location = self._location(embedded.trigger, sent, discourse)
        unresolved: list[Token] = []
        if targets is None:
            targets = self._targets(frame, embedded, sent, discourse, ctx, sources, unresolved)
        if p.reverse:
            givers = targets
            targets = [s for s in sources if s.actor.code]
            sources = givers
            if not sources:
                decision.reason = "no source actor (the giver)"
                return []
        needs_target = p.needs_target or (embedded is not None and embedded.pattern.needs_target)
        actor_like = [
            u
            for u in unresolved
            if u.ent_type_ in {"ORG", "PERSON", "NORP"} or u.i in sent.by_token
        ]
        # Last resort for an agent whose country nothing says ("President Dos Santos"): the
        # country the story is about.
        story_country = discourse.main_country(
            a for m in sent.matches for a in [resolve(m.entry, discourse.day)] if a
        )
        fallback = (
            Location(story_country, story_country)
            if story_country and location is None
            else location
        )
        pairs = self._pairs(
            sources,
            targets,
            p,
            plover,
            location,
            needs_target,
            bool(unresolved),
            bool(actor_like),
            fallback,
        )
        if not pairs:
            why = (
                "no source actor with a country"
                if not any(s.actor.code for s in sources)
                else "no target actor"
                if needs_target or not targets
                else "source and target are one actor"
            )
            decision.reason = (decision.reason + "; " if decision.reason else "") + why
            return []
        if (
            p.reciprocal
            and not p.reverse
            and modality == Modality.ASSERTED
            and plover_override == p.plover
        ):
            pairs += [
                (t, s)
                for s, t in pairs
                if t is not None
                and t.how in {"dictionary", "modifier", "place", "fuzzy", "title", "surname"}
            ]
        when = self._date(token, ctx, fact)
        events = [
            self._event(
                frame, cameo, info, plover, src, tgt, when, location, modality, ctx, confidence
            )
            for src, tgt in pairs
        ]
        if not decision.reason:
            decision.reason = "asserted"
        return events

    def _embedded(self, token: Token) -> Frame | None:
        """The action a complement pattern is about: "agreed to <hold talks>", "agreed to <a
        ceasefire>", "demand that <the US cancel> plans"."""
        pool = _children(token, "xcomp", "ccomp", "acl", "advcl")
        if token.pos_ == "NOUN" and token.dep_ == "dobj":
            pool += _children(token.head, "ccomp")  # "reiterated its demand that Israel ease…"
        for prep in _children(token, "prep"):
            pool += _children(prep, "pcomp")
            if prep.lower_ in {"to", "on", "for"}:
                pool += [o for o in _children(prep, "pobj") if o.pos_ == "NOUN"]
        pool += [o for o in _children(token, "dobj") if o.pos_ == "NOUN"]
        for c in pool:
            frame = self.match(c)
            if frame is not None and frame.pattern.index != -1:
                return frame
        for c in pool:
            if c.pos_ in {"VERB", "AUX"} and len(c.text) > 2:
                if c.lemma_.lower() in ASPECTUAL:
                    # "prepared to resume shelling": the action is the shelling
                    inner = self._embedded(c)
                    if inner is not None:
                        return inner
                # A complement dyad has no pattern for: still an action, coded generically.
                return Frame(c, _generic(c), "", None)
        return None

    def _complement_code(self, p: Pattern, embedded: Frame | None) -> str | None:
        inner = embedded.cameo if embedded is not None and embedded.cameo else ""
        if p.complement == "decide":
            return inner or None
        if p.complement == "intent":
            return (
                _map_code(_INTENT, inner, p.cameo or "030")
                if inner and not conflictual(inner)
                else (p.cameo or "030")
            )
        negated = embedded is not None and any(c.dep_ == "neg" for c in embedded.trigger.children)
        if negated and p.complement in {"intent", "promise"}:
            # "vowed not to return the Golan Heights": a refusal
            return _map_code(_REFUSAL, inner, "120") if inner and not conflictual(inner) else None
        if p.complement == "promise":
            if inner and conflictual(inner):
                return _map_code(_THREAT, inner, "130")
            return _map_code(_INTENT, inner, p.cameo or "030") if inner else p.cameo
        if p.complement == "threat":
            return _map_code(_THREAT, inner, p.cameo or "130") if inner else p.cameo
        if p.complement == "refusal":
            return _map_code(_REFUSAL, inner, p.cameo or "120") if inner else p.cameo
        if (
            p.complement == "order"
            and embedded is not None
            and embedded.trigger.lemma_.lower() in RESTRICTIONS
        ):
            return "172"
        if p.complement in {"request", "order"}:
            return _map_code(_REQUEST, inner, p.cameo or "100") if inner else p.cameo
        if p.complement == "prepare":
            if not inner:
                return None
            return "150" if conflictual(inner) else _map_code(_INTENT, inner, "030")
        return p.cameo

    def _convert(
        self,
        frame: Frame,
        fact: Factuality,
        cameo: str,
        sent: SentenceActors,
        ctx: SentenceContext,
        discourse: Discourse,
        subjects: list[ActorMention],
    ) -> tuple[str, list[ActorMention], list[ActorMention] | None, str, float] | None:
        """A statement that is not asserted may still be an event of its own: an actor's
        announced intent (AGREE, THREATEN, REJECT), or a speaker's demand that another act."""
        if fact.modality not in {Modality.FUTURE, Modality.HYPOTHETICAL}:
            return None
        if frame.trigger.pos_ not in {"VERB", "AUX"}:
            return None  # a noun under "will" ("its allegations will remain irritants") is no plan
        if fact.speaker is None:
            # "Turkey will allow…": a state's plan reported as news is its announced intent;
            # a "would" or "could" without a speaker, or a future inside a quote, is not.
            own_will = any(
                c.dep_ == "aux" and c.lower_ in {"will", "shall", "'ll"}
                for c in frame.trigger.children
            )
            if fact.modality != Modality.FUTURE or not own_will or _in_quote(frame.trigger):
                return None
            if not subjects or not all(s.actor.code for s in subjects):
                return None
            return self._intent(cameo, fact, subjects, None, "an announced plan", 0.8)
        speakers = self._actors_of(fact.speaker, sent, discourse, ctx)
        speakers = [
            s for s in speakers if s.actor.code and s.actor.sector not in {"ELI", "MED", "EDU"}
        ]
        if not speakers:
            return None
        speaker_codes = {m.actor.code for m in speakers}
        own_subject = _children(frame.trigger, "nsubj", "nsubjpass")
        by_pronoun = any(s.lower_ in {"we", "i", "it", "they", "he", "she"} for s in own_subject)
        subject_is_speaker = by_pronoun or (
            bool(subjects) and {m.actor.code for m in subjects} <= speaker_codes
        )
        if fact.deontic and subjects and not subject_is_speaker:
            code = _map_code(_REQUEST, cameo, "100") if cameo else "100"
            return (
                code,
                speakers,
                subjects,
                f"a demand: '{fact.speaker.text}' says others {fact.cue} act",
                0.9,
            )
        if not (fact.future or fact.modality == Modality.FUTURE) or not subject_is_speaker:
            return None
        return self._intent(cameo, fact, speakers, None, "an announced", 0.9)

    @staticmethod
    def _intent(
        cameo: str,
        fact: Factuality,
        sources: list[ActorMention],
        targets: list[ActorMention] | None,
        what: str,
        confidence: float,
    ) -> tuple[str, list[ActorMention], list[ActorMention] | None, str, float] | None:
        if not cameo:
            return None
        if fact.negated:
            if conflictual(cameo):
                return None
            return (
                _map_code(_REFUSAL, cameo, "120"),
                sources,
                targets,
                f"{what} refusal",
                confidence,
            )
        if conflictual(cameo):
            return _map_code(_THREAT, cameo, "130"), sources, targets, f"{what} threat", confidence
        return _map_code(_INTENT, cameo, "030"), sources, targets, f"{what} intent", confidence

    # -- arguments -----------------------------------------------------------------------

    def _actors_of(
        self, head: Token, sent: SentenceActors, discourse: Discourse, ctx: SentenceContext
    ) -> list[ActorMention]:
        out = []
        pair = self._pair(head, discourse)
        if pair is not None:
            return pair
        if head.pos_ == "VERB" and head.dep_ in {"nsubj", "nsubjpass"}:
            # "The Red Cross operating in Iraq said": a participle parsed as the subject
            head = next(iter(_children(head, "nsubj", "nsubjpass")), head)
        for h in _with_conjuncts(head):
            h = counted(self._antecedent(h), sent)
            m = self._state_anaphor(h, sent, discourse) or noun_phrase_actor(
                h, sent, discourse, ctx.index
            )
            if m is not None:
                out.append(m)
                out += self._coordinated_modifiers(h, m, sent, discourse)
        return out

    def _coordinated_modifiers(
        self, head: Token, first: ActorMention, sent: SentenceActors, discourse: Discourse
    ) -> list[ActorMention]:
        """ "U.S. and Russian negotiators", "French and Egyptian warships": one actor per
        coordinated country modifier, with the head's sector."""
        out = []
        for mod in head.children:
            if mod.dep_ not in {"amod", "compound", "nmod"}:
                continue
            for c in mod.children:
                if c.dep_ != "conj":
                    continue
                m = sent.by_token.get(c.i)
                if m is None or m.entry.kind not in {"country", "adjective", "seat", "group"}:
                    continue
                actor = resolve(m.entry, discourse.day)
                if actor is None or actor.code == first.actor.code:
                    continue
                sector = first.actor.sector if m.entry.kind != "group" else actor.sector
                a = Actor(actor.code, actor.country, sector, actor.name, first.actor.kind)
                out.append(ActorMention(c.i, c.i + 1, c.text, a, first.confidence, first.how))
        return out

    @staticmethod
    def _pair(head: Token, discourse: Discourse) -> list[ActorMention] | None:
        """ "the two leaders", "both countries": the last two actors the story named."""
        if head.tag_ not in {"NNS", "NNPS"} or head.lemma_.lower() not in PAIR_NOUNS:
            return None
        if not any(
            (c.dep_ == "nummod" and c.lower_ == "two")
            or (c.dep_ in {"det", "predet"} and c.lower_ == "both")
            for c in head.children
        ):
            return None
        noun = head.lemma_.lower()
        people = noun in {"leader", "minister", "president"}
        states = noun in {"country", "nation", "state", "capital", "neighbour", "neighbor"}
        kinds = {"person"} if people else {"state", "person", "group"}
        # "both governments" of one country's war are two actors of one country ("both
        # sides" is left alone: which two is too often a guess)
        found = discourse.last_distinct(kinds, 2, by_code=states or people)
        if len(found) != 2:
            return None
        if states:  # "the two countries": the states, whoever of them the story named
            found = [Actor(a.code, a.country, None, a.code, "country") for a in found]
        return [
            ActorMention(head.i, head.i + 1, head.text, a, COREF_CONFIDENCE, "coreference")
            for a in found
        ]

    @staticmethod
    def _antecedent(token: Token) -> Token:
        """A relative pronoun stands for the noun its clause modifies."""
        if token.lower_ in REL_PRONOUNS and token.tag_ in {"WDT", "WP", "WP$"}:
            for clause in ancestors(token):
                if clause.dep_ in {"relcl", "acl"}:
                    return clause.head
        return token

    @staticmethod
    def _state_anaphor(
        token: Token, sent: SentenceActors, discourse: Discourse
    ) -> ActorMention | None:
        """ "the country", "the Islamic country": the state the story last named."""
        if token.lemma_.lower() not in ANAPHORIC_STATE_NOUNS or token.pos_ != "NOUN":
            return None
        det = [c for c in token.children if c.dep_ in {"det", "poss"}]
        if not det or det[0].lower_ not in {"the", "this", "that"}:
            return None
        if any(t.i in sent.by_token for t in np_tokens(token) if t.i != token.i):
            return None  # "the Pakistani state", "the government of Pakistan": named
        if token.lemma_.lower() in {"government", "state"}:
            # "the government": the state the story is about, not the last one it named
            main = discourse.main_country()
            if main is None:
                return None
            return ActorMention(
                token.i,
                token.i + 1,
                token.text,
                Actor(main, main, "GOV", f"{main} government", "agent"),
                0.7,
                "coreference",
            )
        known = discourse.last({"state"}, window=6)
        if known is None or known.actor is None:
            return None
        return ActorMention(token.i, token.i + 1, token.text, known.actor, 0.8, "coreference")

    def _subject_tokens(self, token: Token, depth: int = 0) -> list[Token]:
        """Who does ``token``: its subject, or the subject it shares with its governor."""
        if depth > 6:
            return []
        subj = _children(token, "nsubj")
        if subj:
            return subj
        if token.pos_ in {"NOUN", "PROPN"}:
            poss = _children(token, "poss")
            if poss:
                return poss
            agents = _prep_objects(token, {"by"})
            if agents:
                return agents
            owners = [c for c in token.children if c.dep_ in {"compound", "amod", "nmod"}]
            if owners:
                return owners
            if token.dep_ in {"dobj", "attr"} and token.head.pos_ in {"VERB", "AUX"}:
                return self._subject_tokens(token.head, depth + 1)
            if (
                token.dep_ == "pobj"
                and token.head.dep_ == "prep"
                and token.head.head.pos_ == "VERB"
            ):
                return self._subject_tokens(token.head.head, depth + 1)
            return []
        agent = _prep_objects(token, {"by"})
        if _children(token, "nsubjpass", "auxpass") and agent:
            return agent
        if _children(token, "nsubjpass"):
            return []
        dep, head = token.dep_, token.head
        if dep == "conj" or (dep == "advcl" and not _children(token, "mark")):
            return self._subject_tokens(head, depth + 1)
        if token.pos_ == "ADJ" and dep in {"acomp", "attr", "oprd", "xcomp"}:
            return self._subject_tokens(head, depth + 1)  # "it is willing to…"
        if dep == "xcomp":
            obj = _children(head, "dobj")
            if obj and head.lemma_.lower() in OBJECT_CONTROL:
                return obj
            return self._subject_tokens(head, depth + 1)
        if dep == "relcl":
            return [head]
        if dep == "acl":
            # "a declaration demanding…": the declaration's maker, unless the noun acts itself
            if head.pos_ == "PROPN" or head.ent_type_ or head.lemma_.lower() in self.actors.agents:
                return [head]
            return self._subject_tokens(head, depth + 1) or [head]
        if dep == "pcomp":
            return self._subject_tokens(head.head, depth + 1)
        if dep == "ccomp" and head.pos_ in {"NOUN", "ADJ"}:
            return self._subject_tokens(head, depth + 1)
        return []

    def _sources(
        self,
        frame: Frame,
        sent: SentenceActors,
        ctx: SentenceContext,
        discourse: Discourse,
        fact: Factuality,
    ) -> list[ActorMention]:
        out: list[ActorMention] = []
        for h in self._subject_tokens(frame.trigger):
            if h.lower_ in {"we", "us", "our", "i"} and fact.speaker is not None:
                h = fact.speaker
            out.extend(self._actors_of(h, sent, discourse, ctx))
        return out

    def _passive_source(
        self, token: Token, sent: SentenceActors, discourse: Discourse
    ) -> list[ActorMention]:
        """ "X was arrested in Lahore", "a roadside bomb near Samarra killed…": no actor is
        named; the place's are (its authorities, or unknown perpetrators there)."""
        loc = self._location(token, sent, discourse)
        for sj in _children(token, "nsubj", "agent"):
            if loc is None and sj.lemma_.lower() in INSTRUMENT_NOUNS | {"by"}:
                for t in sj.subtree:
                    loc = loc or (self._place_of(t, sent, discourse) if t.dep_ == "pobj" else None)
        if loc is None or not loc.country:
            return []
        actor = Actor(loc.country, loc.country, "GOV", f"{loc.country} authorities", "agent")
        return [ActorMention(token.i, token.i, "", actor, 0.5, "place")]

    def _targets(
        self,
        frame: Frame,
        embedded: Frame | None,
        sent: SentenceActors,
        discourse: Discourse,
        ctx: SentenceContext,
        sources: list[ActorMention],
        unresolved: list[Token],
    ) -> list[ActorMention]:
        token, p = frame.trigger, frame.pattern
        if p.complement in {"request", "order"} and embedded is not None:
            # "demanded that the US cancel…", "demanded the withdrawal of Serbian forces",
            # "urged Pakistan to act": the one asked is who would act
            e = embedded.trigger
            subj = (
                _children(e, "nsubj")
                if e.pos_ in {"VERB", "AUX"}
                else self._subject_tokens(e) + _prep_objects(e, {"of"})
            )
            if not subj and e.dep_ == "xcomp":
                subj = _children(token, "dobj")  # "pressed Pakistan to act": Pakistan is asked
            asked = [
                m for h in subj for m in self._actors_of(h, sent, discourse, ctx) if m.actor.code
            ]
            if asked:
                return asked
        if embedded is not None:
            # "agreed to lift embargoes on Iran": whom the action is aimed at, first
            out = self._targets_of(
                embedded.trigger,
                embedded.pattern.targets,
                embedded.obj,
                sent,
                discourse,
                ctx,
                sources,
                unresolved,
            )
            if out:
                return out
        out = self._targets_of(
            token, p.targets, frame.obj, sent, discourse, ctx, sources, unresolved
        )
        if not out and p.complement in {"threat", "promise"}:
            # "threatened to stop talks if the United States goes ahead": the one who must comply
            for verb in [token, *([embedded.trigger] if embedded else [])]:
                for clause in _children(verb, "advcl"):
                    if any(m.lower_ in {"if", "unless"} for m in _children(clause, "mark")):
                        out += [
                            m
                            for h in _children(clause, "nsubj")
                            for m in self._actors_of(h, sent, discourse, ctx)
                            if m.actor.code
                        ]
        return out

    def _targets_of(
        self,
        token: Token,
        where: tuple[str, ...],
        obj: Token | None,
        sent: SentenceActors,
        discourse: Discourse,
        ctx: SentenceContext,
        sources: list[ActorMention],
        unresolved: list[Token],
    ) -> list[ActorMention]:
        obj = obj if obj is not None else next(iter(_children(token, "dobj")), None)
        for slot in where:
            heads: list[Token] = []
            if slot in {"dobj", "dative", "nsubjpass"}:
                heads += _children(token, slot)
            elif slot == "owner":
                for o in [obj, *_children(token, "dobj"), *_prep_objects(token, {"as"})]:
                    if o is not None and o.i != token.i:
                        name = sent.by_token.get(o.i)
                        if name is not None and name.entry.kind == "agent":
                            # "expelled India's high commissioner": the envoy is its state's
                            heads.append(o)
                        else:
                            heads += _owners(o)
            elif slot == "place":
                continue
            else:
                heads += _prep_objects(token, {slot})
                for prt in _children(token, "prt"):
                    heads += [
                        c
                        for pp in prt.children
                        if pp.dep_ == "prep" and pp.lower_ == slot
                        for c in pp.children
                        if c.dep_ == "pobj"
                    ]
                if obj is not None and obj.i != token.i:
                    for o in [obj, *_children(obj, "conj")]:
                        heads += _prep_objects(o, {slot})  # "hold talks with X", "aid to X"
            found = []
            for h in heads:
                # an agent with no country ("President Gbagbo") may take one from the context
                mentions = [
                    m
                    for m in self._actors_of(h, sent, discourse, ctx)
                    if m.actor.code or m.actor.kind == "agent"
                ]
                # "offered its troops to Lebanon": the source's own belongings are not a target
                mentions = [
                    m
                    for m in mentions
                    if not (
                        m.how == "coreference"
                        and any(m.actor.code == s.actor.code for s in sources)
                    )
                ]
                found += mentions
                if (
                    not mentions
                    and h.pos_ in {"NOUN", "PROPN"}
                    and slot in {"dobj", "nsubjpass", "with", "against", "on", "to", "from"}
                ):
                    unresolved.append(h)  # something acted on that names no country
            if found:
                return found
        if "place" in where:
            loc = self._location(token, sent, discourse, objects_too=True)
            if loc is not None and loc.country:
                actor = Actor(loc.country, loc.country, None, loc.name, "country")
                return [ActorMention(token.i, token.i + 1, loc.name, actor, 0.9, "place")]
        return []

    # -- pairs, dates, places ------------------------------------------------------------

    def _pairs(
        self,
        sources: list[ActorMention],
        targets: list[ActorMention],
        p: Pattern,
        plover: str,
        location: Location | None,
        needs_target: bool,
        has_unresolved: bool,
        actor_like: bool = False,
        fallback: Location | None = None,
    ) -> list[tuple[ActorMention, ActorMention | None]]:
        pairs: list[tuple[ActorMention, ActorMention | None]] = []
        sources = [self._domestic(s, targets, location, fallback) for s in sources]
        sources = [s for s in sources if s.actor.code]
        targets = [self._domestic(t, sources, location) for t in targets]
        targets = [t for t in targets if t.actor.code]
        if not targets:
            if p.mutual and len(sources) > 1:
                for i, a in enumerate(sources):
                    for j, b in enumerate(sources):
                        if i != j and a.actor != b.actor:
                            pairs.append((a, b))
                return pairs
            if needs_target or (p.kind == "noun" and p.mutual):
                return []
            if (
                (has_unresolved and location is not None)
                or actor_like
                or plover in {"PROTEST", "COERCE", "ASSAULT", "CONCEDE", "MOBILIZE"}
            ):
                # Something was acted on that names no country ("the curfew in Montenegro",
                # "the demonstrators", "the ban on FIS"): domestic, the place's country, else
                # the source's own.
                country = location.country if location and location.country else None
                return [(s, _as_target(s, country)) for s in sources]
            return [(s, None) for s in sources]
        for s in sources:
            mine: list[tuple[ActorMention, ActorMention | None]] = []
            for t in targets:
                if s.start == t.start and s.end == t.end:
                    continue  # the same words cannot be both sides
                if s.actor.cameo == t.actor.cameo and t.how == "coreference":
                    # "closed its airspace", "the government defended the government's plan":
                    # an actor acting on itself is no dyad (a state acting in its own
                    # territory, "Sudan lifted the emergency in Darfur", is domestic and kept)
                    continue
                mine.append((s, t))
            if (
                not mine
                and not needs_target
                and any(t.actor.cameo == s.actor.cameo for t in targets)
            ):
                mine.append((s, None))
            pairs += mine
        return pairs

    @staticmethod
    def _domestic(
        m: ActorMention,
        others: list[ActorMention],
        location: Location | None,
        fallback: Location | None = None,
    ) -> ActorMention:
        """An agent with no country ("police", "rebels") takes the place's, else the other
        side's, else the story's."""
        if m.actor.code:
            return m
        country = location.country if location and location.country else None
        if country is None and fallback is not None:
            country = fallback.country
        if country is None:
            known = [o.actor.country for o in others if o.actor.country]
            country = known[0] if known else None
        if country is None:
            return m
        a = m.actor
        return ActorMention(
            m.start,
            m.end,
            m.text,
            Actor(country, country, a.sector, f"{country} {a.name}", a.kind),
            m.confidence * DOMESTIC_CONFIDENCE,
            "domestic",
        )

    def _clause_tokens(self, token: Token) -> list[Token]:
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

    def _date(self, token: Token, ctx: SentenceContext, fact: Factuality) -> EventDate:
        current = token
        for _ in range(6):
            # "said on Thursday that it would release the pilot on Friday": the next Friday
            future = _will(current) or (current.i == token.i and fact.modality == Modality.FUTURE)
            found = self._date_in(self._clause_tokens(current), ctx.pub_date, future)
            if found is not None:
                return found
            if current.pos_ in {"NOUN", "PROPN"} and not is_root(current):
                current = current.head  # an event noun takes its verb's date
                continue
            if current.dep_ in {"relcl", "acl"} and current.head.ent_type_ == "DATE":
                # "suspended in January, when the administration froze aid": January
                ent = next(e for e in current.doc.ents if e.start <= current.head.i < e.end)
                found = dates.resolve(ent.text, ctx.pub_date, future)
                if found is not None:
                    return found
            if current.dep_ in {"ccomp", "xcomp", "conj", "pcomp", "advcl"} and not is_root(
                current
            ):
                current = current.head if current.dep_ != "pcomp" else current.head.head
                continue
            break
        if fact.speech_verb is not None:
            found = self._date_in(
                self._clause_tokens(fact.speech_verb), ctx.pub_date, _will(fact.speech_verb)
            )
            if found is not None:
                return found
        return dates.document_date(ctx.pub_date)

    @staticmethod
    def _date_in(tokens: list[Token], base: dt.date | None, future: bool) -> EventDate | None:
        ids = {t.i for t in tokens}
        if not tokens:
            return None
        doc = tokens[0].doc
        for ent in doc.ents:
            if ent.label_ in {"DATE", "TIME"} and ent.root.i in ids:
                found = dates.resolve(ent.text, base, future)
                if found is not None:
                    return found
        return None

    def _location(
        self, token: Token, sent: SentenceActors, discourse: Discourse, objects_too: bool = False
    ) -> Location | None:
        clause = self._clause_tokens(token)
        # Time and circumstance clauses ("when they blew themselves up in Tel Aviv") too.
        for c in token.children:
            if c.dep_ == "advcl" and any(
                m.lower_ in {"when", "as", "while", "after"}
                for m in c.children
                if m.dep_ in {"mark", "advmod"}
            ):
                clause += self._clause_tokens(c)
        ids = {t.i for t in clause}
        for prep in [
            t
            for t in clause
            if t.dep_ == "prep"
            and t.lower_ in {"in", "at", "to", "into", "near", "inside", "outside", "across"}
        ]:
            pobjs = _children(prep, "pobj") + [
                o for inner in _children(prep, "prep") for o in _children(inner, "pobj")
            ]
            for pobj in pobjs:
                if prep.lower_ in {"to", "into"} and not objects_too:
                    continue
                loc = self._place_of(pobj, sent, discourse)
                if loc is not None:
                    return loc
        if objects_too:
            for t in clause:
                if t.dep_ == "dobj" and t.i in ids:
                    loc = self._place_of(t, sent, discourse)
                    if loc is not None:
                        return loc
        return None

    def _place_of(
        self, token: Token, sent: SentenceActors, discourse: Discourse
    ) -> Location | None:
        m = sent.by_token.get(token.i)
        if m is not None and m.entry.kind in {"country", "seat", "adjective"}:
            actor = resolve(m.entry, discourse.day)
            if actor is not None:
                name = sent.doc[m.start : m.end].text
                loc = self.actors.place(name)
                return Location(
                    name, actor.country, loc.lat if loc else None, loc.lon if loc else None
                )
        if token.ent_type_ in {"GPE", "LOC", "FAC"}:
            text = next((e.text for e in sent.doc.ents if e.start <= token.i < e.end), token.text)
            loc = self.actors.place(text)
            if loc is not None:
                return loc
            e = self.actors.fuzzy_country(text, self.fuzzy_threshold)
            if e is not None:
                actor = resolve(e, discourse.day)
                if actor is not None:
                    return Location(text, actor.country)
        for child in _children(token, "compound", "amod"):
            found = self._place_of(child, sent, discourse)
            if found is not None:
                return found
        for pobj in _prep_objects(token, {"of", "in"}):
            return self._place_of(pobj, sent, discourse)
        return None

    def _event(
        self,
        frame: Frame,
        cameo: str,
        info: CameoCode,
        plover: str,
        src: ActorMention,
        tgt: ActorMention | None,
        when: EventDate,
        location: Location | None,
        modality: Modality,
        ctx: SentenceContext,
        confidence: float,
    ) -> Event:
        key = "|".join(
            [
                src.actor.cameo,
                tgt.actor.cameo if tgt else "",
                plover,
                str(when.date),
                when.precision.value,
                modality.value,
            ]
        )
        event_id = hashlib.sha1(key.encode()).hexdigest()[:16]
        mkey = "|".join(
            [
                ctx.doc_id,
                str(ctx.start),
                str(frame.trigger.idx),
                src.actor.cameo,
                tgt.actor.cameo if tgt else "",
                cameo,
            ]
        )
        mention_id = hashlib.sha1(mkey.encode()).hexdigest()[:16]
        confidence *= (
            src.confidence
            * (tgt.confidence if tgt else 0.9)
            * (0.9 if frame.pattern.kind == "noun" else 1.0)
        )
        trigger = frame.trigger.text
        if frame.obj is not None and frame.obj.i != frame.trigger.i:
            trigger = f"{trigger} {frame.obj.text}"
        return Event(
            event_id=event_id,
            mention_id=mention_id,
            doc_id=ctx.doc_id,
            date=when,
            plover=plover,
            mode=info.mode,
            cameo=cameo,
            goldstein=info.goldstein,
            quad_class=info.quad_class,
            source=src.actor,
            target=tgt.actor if tgt else None,
            source_text=src.text,
            target_text=tgt.text if tgt else None,
            location=location,
            sentence=ctx.text,
            start=ctx.start,
            end=ctx.start + len(ctx.text),
            trigger=trigger,
            modality=modality,
            confidence=round(min(1.0, confidence), 3),
        )


def _generic(token: Token) -> Pattern:
    """A frame for a verb no pattern knows (the embedded action of "agreed to X", or a verb
    under "must" in reported speech)."""
    return Pattern(-1, "verb", frozenset({token.lemma_.lower()}), None)


def _is_infinitive(token: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)


def _in_quote(token: Token) -> bool:
    """Whether ``token`` sits inside quotation marks in its sentence."""
    opening = sum(1 for t in token.sent if t.i < token.i and t.text in {'"', "“", "``"})
    closing = sum(1 for t in token.sent if t.i < token.i and t.text in {"”", "''"})
    plain = sum(1 for t in token.sent if t.i < token.i and t.text == '"')
    if plain:
        return plain % 2 == 1
    return opening > closing


def _will(token: Token) -> bool:
    """Whether a clause speaks of the future ("will meet", "would release", "is to visit")."""
    return any(
        c.dep_ in {"aux", "auxpass"} and c.lower_ in {"will", "would", "shall", "'ll", "wo"}
        for c in token.children
    )


def _owners(token: Token, depth: int = 0) -> list[Token]:
    """Actors that own an object phrase: "Pakistan's requests", "an Indian proposal",
    "calls by Kofi Annan", "a mission of observers from the OSCE" — not words deeper in a
    clause."""
    out: list[Token] = []
    for c in token.children:
        if c.dep_ in {"poss", "compound", "amod", "nmod"}:
            out.append(c)
        elif c.dep_ == "appos" and depth < 1:
            out += _owners(c, depth + 1)
        elif c.dep_ in {"prep", "agent"} and c.lower_ in {"of", "from", "by"}:
            for p in c.children:
                if p.dep_ == "pobj" and p.pos_ in {"NOUN", "PROPN", "PRON"}:
                    out.append(p)
                    if depth < 1:
                        out += _owners(p, depth + 1)
    return out


def _as_target(source: ActorMention, country: str | None) -> ActorMention | None:
    code = country or source.actor.country
    if not code:
        return None
    return ActorMention(
        source.start, source.start, "", Actor(code, code, None, code, "country"), 0.7, "domestic"
    )


def _describe(e: Event) -> str:
    tgt = e.target.cameo if e.target else "-"
    return f"{e.source.cameo} -> {tgt} {e.plover} (CAMEO {e.cameo}, {e.date.date} {e.date.precision.value})"


__all__ = [
    "CameoCode",
    "Coder",
    "DatePrecision",
    "Decision",
    "Pattern",
    "PatternBook",
    "SentenceContext",
]
