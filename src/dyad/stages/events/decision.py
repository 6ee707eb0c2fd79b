"""The decision: is what a predicate says an event, of which code, and when?

- ``complement_code``: for a pattern about an embedded action ("agreed to <hold talks>",
  "threatened to <shoot down drones>", "refused to <meet>"), the code of the intent, threat,
  refusal or request, derived from the action's own code.
- ``convert``: a statement that is not asserted ("will", "would", "must") may still be an event
  of its own: an actor's announced intent (AGREE, THREATEN, REJECT), or a speaker's demand that
  another act (REQUEST). Everything else that is not asserted keeps its modality and stays out
  of the data.
- ``event_date``: the date of the predicate's own clause, else of the clause that reports it,
  else the publication date.
- ``one_per_thing_said``: a sentence that says one thing twice is one mention.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from dyad.stages import dates
from dyad.stages.events.lexicon import Frame, Pattern, conflictual
from dyad.stages.factuality import ASSERTED, Factuality
from dyad.tree import ancestors, children, clause_tokens, in_quote, is_infinitive, is_root, will
from dyad.types import ActorMention, DatePrecision, Event, EventDate, Modality

if TYPE_CHECKING:
    from spacy.tokens import Token

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
STATE_VERBS = frozenset(
    ["be", "have", "seem", "become", "remain", "stay", "get", "appear", "look", "sound"]
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


def is_action(p: Pattern, embedded: Frame | None) -> bool:
    """Whether an ``action_only`` pattern's complement is an action: "want X to help" is a
    request, "want X to be subservient" is a wish about a state."""
    return embedded is not None and not (
        embedded.trigger.lemma_ in STATE_VERBS
        or not (embedded.trigger.dep_ == "xcomp" or is_infinitive(embedded.trigger))
    )


def warns_of_a_state(p: Pattern, embedded: Frame | None) -> bool:
    """ "warned that al-Shabab has been degraded" says how things are; "warned that it would
    retaliate", "warned of consequences" threaten what is to come."""
    if p.complement != "threat" or embedded is None or embedded.pattern.index != -1:
        return False
    action = embedded.trigger
    return (
        action.dep_ == "ccomp"
        and not will(action)
        and not any(c.dep_ == "aux" and c.tag_ == "MD" for c in action.children)
    )


def complement_code(p: Pattern, embedded: Frame | None) -> str | None:
    """The code of what a complement pattern says about its embedded action."""
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


@dataclass(frozen=True, slots=True)
class Conversion:
    """A statement that is not asserted, turned into an event of its own."""

    cameo: str
    sources: list[ActorMention]
    targets: list[ActorMention] | None  # None: find them as for any event
    why: str
    confidence: float


def convert(
    frame: Frame,
    fact: Factuality,
    cameo: str,
    subjects: list[ActorMention],
    speakers_of: Callable[[Token], list[ActorMention]],
) -> Conversion | None:
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
            c.dep_ == "aux" and c.lower_ in {"will", "shall", "'ll"} for c in frame.trigger.children
        )
        if fact.modality != Modality.FUTURE or not own_will or in_quote(frame.trigger):
            return None
        if not subjects or not all(s.actor.code for s in subjects):
            return None
        return intent(cameo, fact, subjects, None, "an announced plan", 0.8)
    speakers = speakers_of(fact.speaker)
    speakers = [s for s in speakers if s.actor.code and s.actor.sector not in {"ELI", "MED", "EDU"}]
    if not speakers:
        return None
    speaker_codes = {m.actor.code for m in speakers}
    own_subject = children(frame.trigger, "nsubj", "nsubjpass")
    by_pronoun = any(s.lower_ in {"we", "i", "it", "they", "he", "she"} for s in own_subject)
    subject_is_speaker = by_pronoun or (
        bool(subjects) and {m.actor.code for m in subjects} <= speaker_codes
    )
    if fact.deontic and subjects and not subject_is_speaker:
        code = _map_code(_REQUEST, cameo, "100") if cameo else "100"
        why = f"a demand: '{fact.speaker.text}' says others {fact.cue} act"
        return Conversion(code, speakers, subjects, why, 0.9)
    if not (fact.future or fact.modality == Modality.FUTURE) or not subject_is_speaker:
        return None
    return intent(cameo, fact, speakers, None, "an announced", 0.9)


def intent(
    cameo: str,
    fact: Factuality,
    sources: list[ActorMention],
    targets: list[ActorMention] | None,
    what: str,
    confidence: float,
) -> Conversion | None:
    if not cameo:
        return None
    if fact.negated:
        if conflictual(cameo):
            return None
        return Conversion(
            _map_code(_REFUSAL, cameo, "120"), sources, targets, f"{what} refusal", confidence
        )
    if conflictual(cameo):
        return Conversion(
            _map_code(_THREAT, cameo, "130"), sources, targets, f"{what} threat", confidence
        )
    return Conversion(
        _map_code(_INTENT, cameo, "030"), sources, targets, f"{what} intent", confidence
    )


# A clause under "after", "before", "since"… happened at another time than its main clause.
ANOTHER_TIME = frozenset(["after", "before", "since", "until", "till", "once", "following"])


def event_date(
    token: Token,
    pub_date: dt.date | None,
    fact: Factuality,
    triggers: frozenset[int] = frozenset(),
) -> EventDate:
    """The date of the predicate's own clause, else of a clause above it that happened at
    the same time, else of the clause that reports it, else the publication date. A date
    belongs to the clause it is attached to, not to an event noun or a clause inside it:
    in "protested on Monday against last week's attack", the protest is on Monday and the
    attack last week. ``triggers``: the sentence's other event words (by token index)."""
    current = token
    for _ in range(6):
        # "said on Thursday that it would release the pilot on Friday": the next Friday
        future = will(current) or (current.i == token.i and fact.modality == Modality.FUTURE)
        found = date_in(current, pub_date, future, triggers)
        if found is not None:
            return found
        if current.pos_ in {"NOUN", "PROPN"} and not is_root(current):
            current = current.head  # an event noun takes its verb's date
            continue
        if current.dep_ in {"relcl", "acl"} and current.head.ent_type_ == "DATE":
            # "suspended in January, when the administration froze aid": January
            ent = next(e for e in current.doc.ents if e.start <= current.head.i < e.end)
            found = dates.resolve(ent.text, pub_date, future)
            if found is not None:
                return found
        marks = [m.lower_ for m in children(current, "mark", "prep", "advmod")]
        if current.dep_ == "advcl" and any(m in ANOTHER_TIME for m in marks):
            # "entered the city, two days after al-Shabab announced…": two days before the
            # entry; with no distance, at another time than it, so no date from it
            shift = _distance(current, "after" in marks, "before" in marks)
            if shift is not None:
                outer = event_date(current.head, pub_date, ASSERTED, triggers)
                if outer.date is not None and outer.precision in {
                    DatePrecision.DAY,
                    DatePrecision.DOCUMENT,
                }:
                    return EventDate(outer.date + shift, DatePrecision.DAY, outer.text)
            break
        if current.dep_ in {"ccomp", "xcomp", "conj", "pcomp", "advcl"} and not is_root(current):
            current = current.head if current.dep_ != "pcomp" else current.head.head
            continue
        break
    if fact.speech_verb is not None:
        found = date_in(fact.speech_verb, pub_date, will(fact.speech_verb), triggers)
        if found is not None:
            return found
    return dates.document_date(pub_date)


def _distance(clause: Token, after: bool, before: bool) -> dt.timedelta | None:
    """ "two days after", "a week before": how far a clause's time is from its main clause's
    (negative for "after": the clause happened earlier)."""
    if not (after or before):
        return None
    for c in children(clause, "npadvmod"):
        unit = c.lemma_.lower()
        if unit not in {"day", "week"}:
            continue
        counts = children(c, "nummod", "det")
        n = dates.NUMBER_WORDS.get(counts[0].lower_) if counts else 1
        if n is None and counts and counts[0].text.isdigit():
            n = int(counts[0].text)
        if n is None:
            return None
        days = n * (7 if unit == "week" else 1)
        return dt.timedelta(days=-days if after else days)
    return None


def date_in(
    head: Token, base: dt.date | None, future: bool, triggers: frozenset[int] = frozenset()
) -> EventDate | None:
    """The first date of ``head``'s own clause: attached to ``head`` itself, or to a word of
    its clause that is neither an event word (``triggers``) nor a verb of its own."""
    clause = {t.i for t in clause_tokens(head)}
    doc = head.doc
    for ent in doc.ents:
        if ent.label_ not in {"DATE", "TIME"} or ent.root.i not in clause:
            continue
        at = attachment(ent.root)
        if at.i != head.i and (at.i in triggers or at.pos_ in {"VERB", "AUX"}):
            continue  # the date of another event of the clause
        prep = ent.root.head if ent.root.dep_ == "pobj" else None
        within = prep is not None and prep.lower_ in {"in", "over", "during", "within"}
        found = dates.resolve(ent.text, base, future, within)
        if found is not None:
            return found
    return None


def attachment(date: Token) -> Token:
    """The word a date expression modifies: "on Monday" -> the verb "on" hangs off; "last
    week's attack" -> "attack"; "signed Friday" -> "signed"."""
    current = date
    for up in ancestors(date):
        if current.dep_ not in {"pobj", "prep", "pcomp"}:
            break
        current = up
    return current if current.i != date.i else date.head


E = TypeVar("E")


def one_per_thing_said(coded: list[tuple[Event, E]]) -> tuple[list[tuple[Event, E]], list[E]]:
    """The events of one sentence without repeats: one sentence saying one thing twice
    ("decided to keep Pakistan on the list": the decision and the keeping) is one mention, and
    an event with its target makes the same actor's same kind of event without one a duplicate
    ("established ties with and opened an embassy in Tehran"). Returns what is kept, and the
    companions of what was dropped as targetless."""
    seen: set[tuple[str, str | None, str, Modality]] = set()
    unique = []
    for event, extra in coded:
        key = (
            event.source.cameo,
            event.target.cameo if event.target else None,
            event.plover,
            event.modality,
        )
        if key not in seen:
            seen.add(key)
            unique.append((event, extra))
    targeted = {(e.source.cameo, e.plover, e.modality) for e, _ in unique if e.target}
    kept, dropped = [], []
    for e, extra in unique:
        if e.target is None and (e.source.cameo, e.plover, e.modality) in targeted:
            dropped.append(extra)
        else:
            kept.append((e, extra))
    return kept, dropped
