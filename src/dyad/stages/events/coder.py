"""The coder: a parsed sentence in, its events out, with a ``Decision`` per predicate.

For every token the lexicon matches, ``Coder.code`` asks the three rooms in turn:

1. the lexicon (``lexicon.PatternBook``): which pattern, and for a complement pattern which
   embedded action ("agreed to <hold talks>");
2. the decision (``decision``, with ``factuality.assess``): is it asserted, and if not, is it
   still an event of its own (an announced intent, a demand); of which code; and when;
3. the arguments (``arguments.Arguments``): the source, the target and the place, as actors.

Every decision is recorded so ``dyad explain`` shows why a predicate was or was not coded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dyad.stages.actors import (
    ActorBook,
    Discourse,
    Known,
    SentenceActors,
    noun_phrase_actor,
)
from dyad.stages.events import decision as decide
from dyad.stages.events.arguments import Arguments
from dyad.stages.events.lexicon import NO_EVENT, CameoCode, Frame, PatternBook
from dyad.stages.factuality import ASSERTED, assess
from dyad.types import ActorMention, Event, EventDate, Location, Modality

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


@dataclass
class Decision:
    """What the coder made of one candidate predicate (for ``dyad explain``)."""

    trigger: str
    index: int
    pattern: str | None
    coded: bool
    reason: str
    events: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SentenceContext:
    """What the coder needs to know about the sentence it codes."""

    doc_id: str
    index: int  # sentence index in the document
    start: int  # character offset of the sentence in the document
    text: str
    pub_date: dt.date | None


class Coder:
    """Codes parsed sentences into events."""

    def __init__(
        self, actors: ActorBook, patterns: PatternBook, nlp: Any, fuzzy_threshold: float = 90.0
    ) -> None:
        self.actors = actors
        self.patterns = patterns
        self.nlp = nlp
        self.arguments = Arguments(actors, fuzzy_threshold)

    def code(
        self, doc: Doc, ctx: SentenceContext, discourse: Discourse, explain: bool = False
    ) -> tuple[list[Event], list[Decision]]:
        """Every event ``doc`` states (those not asserted carry their modality), and, for
        ``explain``, a decision per candidate predicate."""
        sent = SentenceActors(doc, self.actors.find(doc, self.nlp))
        coded: list[tuple[Event, Decision]] = []
        decisions: list[Decision] = []
        options = [found for found in (self.patterns.matches(t) for t in doc) if found]
        # "lodged an official protest": the verb's object is its event, not another one
        taken = {f.obj.i for f, *_ in options if f.obj is not None and f.pattern.kind == "verb"}
        triggers = frozenset(frames[0].trigger.i for frames in options)
        for frames in options:
            token = frames[0].trigger
            if frames[0].pattern.kind == "noun" and token.i in taken:
                continue
            for frame in frames:
                # the most specific pattern first; the next only if the sentence lacks the
                # arguments it needs ("protested against the attack": no one to protest to)
                decision = Decision(token.text, token.i, frame.pattern.describe(), False, "")
                decisions.append(decision)
                events = self._code_frame(frame, sent, ctx, discourse, decision, triggers)
                coded += [(e, decision) for e in events]
                if events or not _lacks_arguments(decision.reason):
                    break
        kept, dropped = decide.one_per_thing_said(coded)
        for d in dropped:
            d.reason += "; without a target, while the sentence codes it with one"
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
        triggers: frozenset[int] = frozenset(),
    ) -> list[Event]:
        token, p = frame.trigger, frame.pattern
        fact = assess(token)
        cameo = frame.cameo
        if p.cameo == NO_EVENT:
            decision.reason = f"{p.lexicon} lists it as no event"
            return []
        embedded: Frame | None = None
        if p.complement is not None:
            embedded = self.patterns.embedded(token)
            if p.action_only and not decide.is_action(p, embedded):
                decision.reason = (
                    "no action in the complement (a wish about a state, not a request)"
                )
                return []
            if decide.warns_of_a_state(p, embedded):
                decision.reason = "a warning about how things are, not a threat"
                return []
            result = decide.complement_code(p, embedded)
            if result is None:
                decision.reason = "the embedded action is not an event dyad codes"
                return []
            cameo = result
        action = _action(embedded) if embedded is not None else None
        modality = Modality.ASSERTED
        confidence = 1.0
        sources = self.arguments.sources(frame, sent, ctx, discourse, fact)
        targets: list[ActorMention] | None = None
        plover_override = p.plover
        if fact.cue in {"to (purpose)", "for (purpose)"} and cameo[:2] == "14":
            # "converged on Lagos to protest", "gathered for a rally": the protest is the act
            fact = ASSERTED
        if fact.modality != Modality.ASSERTED:
            converted = decide.convert(
                frame,
                fact,
                cameo,
                sources,
                lambda who: self.arguments.actors_of(who, sent, discourse, ctx),
            )
            if converted is None:
                if p.index == -1:
                    decision.reason = f"not asserted: {fact.modality.value} ({fact.cue})"
                    return []
                modality = fact.modality
                decision.reason = f"not asserted: {fact.modality.value} ({fact.cue})"
            else:
                action = _action(frame)
                cameo, sources, targets = converted.cameo, converted.sources, converted.targets
                confidence = converted.confidence
                plover_override = None
                decision.reason = converted.why
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
        # where it happened, also for the story's setting when no source is found
        location = self.arguments.location(token, sent, discourse)
        if location is None and embedded is not None:
            location = self.arguments.location(embedded.trigger, sent, discourse)
        if not sources:
            sources = self.arguments.implicit_source(token, sent, discourse)
        if not sources:
            decision.reason = (
                decision.reason + "; " if decision.reason else ""
            ) + "no source actor"
            return []
        unresolved: list[Token] = []
        targets_given = targets
        if targets is None:
            targets = self.arguments.targets(
                frame, embedded, sent, discourse, ctx, sources, unresolved
            )
        if p.reverse and targets_given is None:
            # "received aid from X": the giver is the source (not for a statement about the
            # action, whose speaker and addressee are already set)
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
        pairs, why = self.arguments.pairs(
            sources,
            targets,
            p,
            plover,
            location,
            needs_target,
            bool(unresolved),
            bool(actor_like),
            discourse,
            sent,
        )
        if not pairs:
            decision.reason = (decision.reason + "; " if decision.reason else "") + why
            return []
        # "X signed with Y": Y signed with X too; "X visited Y": Y hosted X. Only when the
        # target is named, not inferred.
        named_back = [
            (t, s)
            for s, t in pairs
            if t is not None
            and t.how in {"dictionary", "modifier", "place", "fuzzy", "title", "surname"}
        ]
        as_said = modality == Modality.ASSERTED and plover_override == p.plover
        if p.reciprocal and not p.reverse and as_said:
            pairs += named_back
        when = decide.event_date(token, ctx.pub_date, fact, triggers)
        events = [
            self._event(
                frame,
                cameo,
                info,
                plover,
                src,
                tgt,
                when,
                location,
                modality,
                ctx,
                confidence,
                action,
            )
            for src, tgt in pairs
        ]
        back = self.patterns.code(p.reverse_cameo) if p.reverse_cameo and as_said else None
        if back is not None and back.plover is not None:
            events += [
                self._event(
                    frame,
                    back.code,
                    back,
                    back.plover,
                    src,
                    tgt,
                    when,
                    location,
                    modality,
                    ctx,
                    confidence,
                )
                for src, tgt in named_back
            ]
        if not decision.reason:
            decision.reason = "asserted"
        return events

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
        action: str | None = None,
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
            action=action,
        )


def _action(frame: Frame) -> str:
    """The action a speech act is about, as words and code: "resume talks (046)"."""
    words = frame.trigger.lemma_.lower()
    if frame.obj is not None and frame.obj.i != frame.trigger.i:
        words += f" {frame.obj.text}"
    return f"{words} ({frame.cameo})" if frame.cameo else words


def _lacks_arguments(reason: str) -> bool:
    return any(why in reason for why in ("no target actor", "no source actor", "no action in the"))


def _describe(e: Event) -> str:
    tgt = e.target.cameo if e.target else "-"
    return f"{e.source.cameo} -> {tgt} {e.plover} (CAMEO {e.cameo}, {e.date.date} {e.date.precision.value})"
