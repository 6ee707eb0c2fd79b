"""Arguments: who did it (the source), to whom (the target) and where, for a predicate the
lexicon matched, resolved to actors with ``actors.noun_phrase_actor``.

The source is the subject, a passive agent, a possessor ("Pakistan's rejection"), or the subject
of the governing clause; the target is the object, a "with/to/against/on…" phrase, a place's
country, or the owner of the object ("rejected India's offer"). Coordinated actors give one
event per pair; an agent with no country ("police") takes the place's or the other side's.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from dyad.stages.actors import (
    COREF_CONFIDENCE,
    ActorBook,
    Discourse,
    SentenceActors,
    counted,
    noun_phrase_actor,
    np_tokens,
    resolve,
)
from dyad.stages.events.lexicon import Frame, Pattern
from dyad.stages.factuality import Factuality
from dyad.tree import ancestors, children, clause_tokens, prep_objects, with_conjuncts
from dyad.types import Actor, ActorMention, Location

if TYPE_CHECKING:
    from spacy.tokens import Token

    from dyad.stages.events.coder import SentenceContext

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
# Prepositions whose event noun is done by the clause's subject: "called for sanctions",
# "took part in the talks", "agreed on a truce", "resorted to force", "pushed for talks".
AGENT_SHARING_PREPS = frozenset(["for", "in", "on", "to", "into", "toward", "towards", "with"])

# Verbs whose object event is another's: judged, perceived, looked into or reported by the
# subject, not done by it ("condemned the attack", "mourned the killing", "investigated the
# bombing"), unlike support verbs, which share their subject with the event ("launched an
# attack", "held talks").
THEME_EVENT_VERBS = frozenset(
    ["condemn", "denounce", "deplore", "decry", "criticize", "criticise", "blame", "praise",
     "welcome", "hail", "applaud", "commend", "mourn", "lament", "regret", "witness", "watch",
     "see", "fear", "investigate", "probe", "examine", "report", "deny", "protest", "oppose"]
)  # fmt: skip

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
     "president", "state", "capital", "side", "party"]
)  # fmt: skip

# Nouns that name a place: their modifiers say where ("the Iraqi capital", "Kurdish villages").
PLACE_NOUNS = frozenset(
    ["town", "city", "village", "capital", "province", "region", "area", "district", "state",
     "border", "territory", "camp", "port", "coast", "island", "valley", "countryside", "street",
     "neighborhood", "neighbourhood", "suburb", "enclave", "zone", "county", "governorate",
     "municipality", "prefecture", "oblast", "settlement", "base", "airport", "outskirts",
     "north", "south", "east", "west", "part", "side", "frontier", "highlands", "mountains"]
)  # fmt: skip
ANAPHORIC_GROUP_NOUNS = frozenset(
    ["agency", "organization", "organisation", "group", "movement", "alliance", "bloc",
     "coalition", "body", "faction", "militia", "network", "outfit", "watchdog"]
)  # fmt: skip
ANAPHORIC_STATE_NOUNS = frozenset(
    ["country", "nation", "state", "government", "republic", "kingdom"]
)


class Arguments:
    """Finds and resolves the source, target and place of a predicate."""

    def __init__(self, book: ActorBook, fuzzy_threshold: float = 90.0) -> None:
        self.book = book
        self.fuzzy_threshold = fuzzy_threshold

    def sources(
        self,
        frame: Frame,
        sent: SentenceActors,
        ctx: SentenceContext,
        discourse: Discourse,
        fact: Factuality,
    ) -> list[ActorMention]:
        out: list[ActorMention] = []
        token = frame.trigger
        if token.pos_ in {"NOUN", "PROPN"} and frame.pattern.mutual:
            # "clashes between the army and the rebels", "talks between A and B": the two
            # sides are the phrase's, not the clause's subject
            between = prep_objects(token, {"between"})
            if between:
                return [m for h in between for m in self.actors_of(h, sent, discourse, ctx)]
        for h in self.subject_tokens(token):
            if h.lower_ in {"we", "us", "our", "i"} and fact.speaker is not None:
                h = fact.speaker
            out.extend(self.actors_of(h, sent, discourse, ctx))
        return out

    def implicit_source(
        self, token: Token, sent: SentenceActors, discourse: Discourse
    ) -> list[ActorMention]:
        """For a predicate with no source actor: a passive ("X was arrested in Lahore") or an
        instrument as subject ("a roadside bomb near Samarra killed…") names none, and the
        place's authorities or perpetrators are taken."""
        if token.pos_ not in {"VERB", "AUX"}:
            return []
        if children(token, "nsubjpass") or any(
            sj.lemma_.lower() in INSTRUMENT_NOUNS for sj in children(token, "nsubj")
        ):
            return self.passive_source(token, sent, discourse)
        return []

    def passive_source(
        self, token: Token, sent: SentenceActors, discourse: Discourse
    ) -> list[ActorMention]:
        """ "X was arrested in Lahore", "a roadside bomb near Samarra killed…": no actor is
        named; the place's are (its authorities, or unknown perpetrators there)."""
        loc = self.location(token, sent, discourse)
        for sj in children(token, "nsubj", "agent"):
            if loc is None and sj.lemma_.lower() in INSTRUMENT_NOUNS | {"by"}:
                for t in sj.subtree:
                    loc = loc or (self.place_of(t, sent, discourse) if t.dep_ == "pobj" else None)
        if loc is None or not loc.country:
            return []
        actor = Actor(loc.country, loc.country, "GOV", f"{loc.country} authorities", "agent")
        return [ActorMention(token.i, token.i, "", actor, 0.5, "place")]

    def targets(
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
                children(e, "nsubj")
                if e.pos_ in {"VERB", "AUX"}
                else self.subject_tokens(e) + prep_objects(e, {"of"})
            )
            if not subj and e.dep_ == "xcomp":
                # "pressed Pakistan to act", "called on Israel to halt": the one asked
                subj = children(token, "dobj") or prep_objects(token, {"on", "upon"})
            asked = [
                m for h in subj for m in self.actors_of(h, sent, discourse, ctx) if m.actor.code
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
                for clause in children(verb, "advcl"):
                    if any(m.lower_ in {"if", "unless"} for m in children(clause, "mark")):
                        out += [
                            m
                            for h in children(clause, "nsubj")
                            for m in self.actors_of(h, sent, discourse, ctx)
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
        obj = obj if obj is not None else next(iter(children(token, "dobj")), None)
        # A slot that holds only agents of no named country ("sent doctors to Italy": doctors)
        # yields to a later slot that names one.
        countryless: list[ActorMention] = []
        for slot in where:
            heads: list[Token] = []
            if slot in {"dobj", "dative", "nsubjpass"}:
                # a dative may be the preposition itself ("sent doctors to Italy")
                heads += [
                    o
                    for c in children(token, slot)
                    for o in (children(c, "pobj") if c.pos_ == "ADP" else [c])
                ]
                if slot == "dobj" and not heads:
                    # "declared [Hezbollah a terrorist group]": the small clause's subject
                    heads += [
                        s
                        for c in children(token, "ccomp")
                        if c.pos_ == "NOUN"
                        for s in children(c, "nsubj")
                    ]
            elif slot == "owner":
                # "rejected India's offer"; for an event noun, "condemnation of Hamas' attacks"
                of = prep_objects(token, {"of"}) if token.pos_ == "NOUN" else []
                for o in [obj, *children(token, "dobj"), *prep_objects(token, {"as"}), *of]:
                    if o is not None and o.i != token.i:
                        name = sent.by_token.get(o.i)
                        if name is not None and name.entry.kind == "agent":
                            # "expelled India's high commissioner": the envoy is its state's
                            heads.append(o)
                        else:
                            heads += _owners(o)
            elif slot == "object_place":
                # "condemned the violence in Syria": where the thing acted on is
                for o in [obj, *children(token, "dobj")]:
                    if o is not None and o.i != token.i and o.pos_ == "NOUN":
                        heads += [
                            p
                            for p in prep_objects(o, {"in", "inside", "across", "against"})
                            if self._actor_like(p)
                        ]
            elif slot == "place":
                continue
            else:
                heads += prep_objects(token, {slot})
                for prt in children(token, "prt"):
                    heads += [
                        c
                        for pp in prt.children
                        if pp.dep_ == "prep" and pp.lower_ == slot
                        for c in pp.children
                        if c.dep_ == "pobj"
                    ]
                if obj is not None and obj.i != token.i:
                    for o in [obj, *children(obj, "conj")]:
                        heads += prep_objects(o, {slot})  # "hold talks with X", "aid to X"
            found = []
            for h in heads:
                # an agent with no country ("President Gbagbo") may take one from the context
                mentions = [
                    m
                    for m in self.actors_of(h, sent, discourse, ctx)
                    if m.actor.code or m.actor.kind == "agent"
                ]
                # "offered its troops to Lebanon", "reaffirmed the United States' support":
                # the source's own belongings are not a target
                mentions = [
                    m
                    for m in mentions
                    if not any(
                        m.actor.code == s.actor.code
                        and (
                            m.how == "coreference"
                            or (
                                slot in {"owner", "object_place"}
                                and m.actor.sector in {None, "GOV"}
                            )
                        )
                        for s in sources
                    )
                ]
                if slot == "object_place":
                    # the place is where, not who: the country, not its capital's government
                    mentions = [_country_only(m) for m in mentions]
                found += mentions
                if (
                    not mentions
                    and h.pos_ in {"NOUN", "PROPN"}
                    and slot in {"dobj", "nsubjpass", "with", "against", "on", "to", "from"}
                ):
                    unresolved.append(h)  # something acted on that names no country
            if found and any(m.actor.code for m in found):
                return found
            countryless = countryless or found
        if countryless:
            return countryless
        if "place" in where:
            loc = self.location(token, sent, discourse, objects_too=True)
            if loc is None and obj is not None and obj.lemma_ in PLACE_NOUNS:
                # "deserted the city": a place the story named before, in its setting
                setting = discourse.setting()
                loc = Location(obj.text, setting) if setting else None
            if loc is not None and loc.country:
                actor = Actor(loc.country, loc.country, None, loc.name, "country")
                return [ActorMention(token.i, token.i + 1, loc.name, actor, 0.9, "place")]
        return []

    def actors_of(
        self, head: Token, sent: SentenceActors, discourse: Discourse, ctx: SentenceContext
    ) -> list[ActorMention]:
        out = []
        pair = self._pair(head, discourse)
        if pair is not None:
            return pair
        if head.pos_ == "VERB" and head.dep_ in {"nsubj", "nsubjpass"}:
            # "The Red Cross operating in Iraq said": a participle parsed as the subject
            head = next(iter(children(head, "nsubj", "nsubjpass")), head)
        first: ActorMention | None = None
        for h in with_conjuncts(head):
            h = counted(self._antecedent(h), sent)
            m = (
                self._state_anaphor(h, sent, discourse)
                or self._group_anaphor(h, sent, discourse)
                or noun_phrase_actor(h, sent, discourse, ctx.index)
            )
            if m is None:
                continue
            if (
                first is not None
                and not m.actor.code
                and first.actor.code
                and m.actor.sector == first.actor.sector
                and not children(h, "amod", "compound", "poss", "det")
            ):
                # "Israeli helicopters and tanks": the first conjunct's modifier is the
                # second's too
                a = first.actor
                m = ActorMention(
                    m.start,
                    m.end,
                    m.text,
                    Actor(a.code, a.country, a.sector, a.name, a.kind),
                    first.confidence,
                    first.how,
                )
            first = first or m
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
        # "both governments" of one country's war are two actors of one country; "the two
        # sides" are the story's last two parties of any kind
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
        if not _unnamed_definite(token, ANAPHORIC_STATE_NOUNS, sent):
            return None  # not "the country"; or "the Pakistani state", "the government of Pakistan"
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

    @staticmethod
    def _group_anaphor(
        token: Token, sent: SentenceActors, discourse: Discourse
    ) -> ActorMention | None:
        """ "the agency", "the group", "the alliance": the organisation last named, in this
        sentence or the story."""
        if not _unnamed_definite(token, ANAPHORIC_GROUP_NOUNS, sent):
            return None  # not "the group"; or "the Taliban movement", "the NATO alliance"
        earlier = [m for m in sent.matches if m.end <= token.i and m.entry.kind == "group"]
        actor = resolve(earlier[-1].entry, discourse.day) if earlier else None
        if actor is None:
            known = discourse.last({"group"}, window=6)
            actor = known.actor if known is not None else None
        if actor is None:
            return None
        return ActorMention(token.i, token.i + 1, token.text, actor, 0.8, "coreference")

    def subject_tokens(self, token: Token, depth: int = 0) -> list[Token]:
        """Who does ``token``: its subject, or the subject it shares with its governor."""
        if depth > 6:
            return []
        subj = children(token, "nsubj")
        if subj:
            return subj
        if token.pos_ in {"NOUN", "PROPN"}:
            poss = children(token, "poss")
            if poss:
                return poss
            agents = prep_objects(token, {"by"})
            if agents:
                return agents
            # "Pakistani airstrikes", "a US proposal"; not "aerial bombardments"
            owners = [
                c
                for c in token.children
                if c.dep_ in {"compound", "amod", "nmod"} and self._actor_like(c)
            ]
            if owners:
                return owners
            if (
                token.dep_ in {"dobj", "attr"}
                and token.head.pos_ in {"VERB", "AUX"}
                and token.head.lemma_.lower() not in THEME_EVENT_VERBS
            ):
                # "launched an attack", "held talks": the launcher's; not "condemned the attack"
                return self.subject_tokens(token.head, depth + 1)
            if (
                token.dep_ == "pobj"
                and token.head.dep_ == "prep"
                and token.head.head.pos_ == "VERB"
                and token.head.lower_ in AGENT_SHARING_PREPS
            ):
                # "called for sanctions", "took part in the talks": the caller's; not "met
                # after the invasion", "protested against the attack"
                return self.subject_tokens(token.head.head, depth + 1)
            return []
        agent = prep_objects(token, {"by"})
        if children(token, "nsubjpass", "auxpass") and agent:
            return agent
        if children(token, "nsubjpass"):
            return []
        dep, head = token.dep_, token.head
        if dep == "conj" or (dep == "advcl" and not children(token, "mark")):
            return self.subject_tokens(head, depth + 1)
        if token.pos_ == "ADJ" and dep in {"acomp", "attr", "oprd", "xcomp"}:
            return self.subject_tokens(head, depth + 1)  # "it is willing to…"
        if dep == "xcomp":
            obj = children(head, "dobj")
            if obj and head.lemma_.lower() in OBJECT_CONTROL:
                return obj
            return self.subject_tokens(head, depth + 1)
        if dep == "relcl":
            return [head]
        if dep == "acl":
            # "a declaration demanding…": the declaration's maker, unless the noun acts itself
            if head.pos_ == "PROPN" or head.ent_type_ or head.lemma_.lower() in self.book.agents:
                return [head]
            return self.subject_tokens(head, depth + 1) or [head]
        if dep == "pcomp":
            return self.subject_tokens(head.head, depth + 1)
        if dep == "ccomp" and head.pos_ in {"NOUN", "ADJ"}:
            return self.subject_tokens(head, depth + 1)
        return []

    def _actor_like(self, token: Token) -> bool:
        """Whether a word can name an actor: a name, an agent noun or a named entity."""
        return (
            token.text in self.book.names
            or token.lower_ in self.book.agents
            or token.lower_ in self.book.folded
            or token.pos_ == "PROPN"
            or token.ent_type_ in {"NORP", "GPE", "ORG", "PERSON"}
        )

    def pairs(
        self,
        sources: list[ActorMention],
        targets: list[ActorMention],
        p: Pattern,
        plover: str,
        location: Location | None,
        needs_target: bool,
        has_unresolved: bool,
        actor_like: bool,
        discourse: Discourse,
        sent: SentenceActors,
    ) -> tuple[list[tuple[ActorMention, ActorMention | None]], str]:
        """Source-target pairs, after giving agents with no country one, and, when there are
        none, why. An actor acting on itself is no dyad: a pair whose two sides are one actor
        (one country and one sector; "Turkey's government" and "Ankara") is not coded, while
        one country's two sectors (the army against rebels, police against protesters) are."""
        pairs: list[tuple[ActorMention, ActorMention | None]] = []
        story = discourse.setting() or discourse.main_country(
            a for m in sent.matches for a in [resolve(m.entry, discourse.day)] if a
        )
        sources = [
            self._domestic(s, targets, location, discourse, story, "source") for s in sources
        ]
        sources = [s for s in sources if s.actor.code]
        if not sources:
            return [], "no source actor with a country"
        targets = [
            self._domestic(t, sources, location, discourse, story, "target") for t in targets
        ]
        targets = [t for t in targets if t.actor.code]
        if not targets:
            if p.mutual and len(sources) > 1:
                for i, a in enumerate(sources):
                    for j, b in enumerate(sources):
                        if i != j and a.actor.cameo != b.actor.cameo:
                            pairs.append((a, b))
                return pairs, "the two sides are one actor"
            # An attack on "a checkpoint", an arrest of "dozens": the object is there and
            # only names no actor, so a material act on it is coded at home.
            on_something = has_unresolved and plover in {"ASSAULT", "COERCE"}
            if (needs_target and not on_something) or (p.kind == "noun" and p.mutual):
                return [], "no target actor"
            if (
                (has_unresolved and location is not None)
                or actor_like
                or plover in {"PROTEST", "COERCE", "ASSAULT", "CONCEDE", "MOBILIZE"}
            ):
                # Something was acted on that names no country ("the curfew in Montenegro",
                # "the demonstrators", "the ban on FIS"): domestic, the place's country, else
                # the source's own (CAMEO's convention for a state acting at home: X -> X);
                # but an army or a state that attacks may be abroad: there only where the
                # story is, if it says where.
                placed = location.country if location and location.country else None
                out: list[tuple[ActorMention, ActorMention | None]] = []
                for s in sources:
                    abroad = plover == "ASSAULT" and s.actor.sector in {None, "MIL"}
                    home = (discourse.setting() if abroad else s.actor.country) or None
                    t = _as_target(s, placed or home)
                    if t is not None or not needs_target:
                        out.append((s, t))
                return out, "no target actor (no place for what was acted on)"
            return [(s, None) for s in sources], ""
        for s in sources:
            mine: list[tuple[ActorMention, ActorMention | None]] = []
            for t in targets:
                if s.start == t.start and s.end == t.end:
                    continue  # the same words cannot be both sides
                if s.actor.cameo == t.actor.cameo:
                    continue  # one actor on both sides
                mine.append((s, t))
            if (
                not mine
                and not needs_target
                and any(t.actor.cameo == s.actor.cameo for t in targets)
            ):
                mine.append((s, None))
            pairs += mine
        return pairs, "source and target are one actor"

    @staticmethod
    def _domestic(
        m: ActorMention,
        others: list[ActorMention],
        location: Location | None,
        discourse: Discourse,
        story: str | None,
        side: str,
    ) -> ActorMention:
        """An agent with no country ("police", "rebels", "the protesters") takes, in turn:
        the event's place; the country the story placed such agents in before; for a source,
        the story's country; for a target, the source's; and last the other."""
        if m.actor.code:
            return m
        sector = m.actor.sector
        other = next((o.actor.country for o in others if o.actor.country), None)
        placed = location.country if location and location.country else None
        if placed is not None:
            discourse.place_agent(sector, placed)
        for country in (
            placed,
            discourse.agent_country(sector),
            *((story, other) if side == "source" else (other, story)),
        ):
            if country is not None:
                break
        else:
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

    def location(
        self, token: Token, sent: SentenceActors, discourse: Discourse, objects_too: bool = False
    ) -> Location | None:
        clause = clause_tokens(token)
        if token.dep_ in {"nsubj", "nsubjpass", "dobj"}:  # an event noun (or gerund) argument
            clause += clause_tokens(token.head)  # "fighting continued near Donetsk"
        # Time and circumstance clauses ("when they blew themselves up in Tel Aviv") too.
        for c in token.children:
            if c.dep_ == "advcl" and any(
                m.lower_ in {"when", "as", "while", "after"}
                for m in c.children
                if m.dep_ in {"mark", "advmod"}
            ):
                clause += clause_tokens(c)
        ids = {t.i for t in clause}
        for prep in [
            t
            for t in clause
            if t.dep_ == "prep"
            and t.lower_ in {"in", "at", "to", "into", "near", "inside", "outside", "across"}
        ]:
            pobjs = children(prep, "pobj") + [
                o for inner in children(prep, "prep") for o in children(inner, "pobj")
            ]
            for pobj in pobjs:
                if prep.lower_ in {"to", "into"} and not objects_too:
                    continue
                loc = self.place_of(pobj, sent, discourse, named_only=False)
                if loc is not None:
                    discourse.locate(loc.country)
                    return loc
        if objects_too:
            for t in clause:
                if t.dep_ == "dobj" and t.i in ids:
                    loc = self.place_of(t, sent, discourse, named_only=False)
                    if loc is not None:
                        discourse.locate(loc.country)
                        return loc
        return None

    def place_of(
        self, token: Token, sent: SentenceActors, discourse: Discourse, named_only: bool = True
    ) -> Location | None:
        """The place a noun phrase names. ``named_only=False`` (after "in", "near", "at"):
        a proper noun the gazetteer knows is a place even when the tagger saw no entity
        ("in Osh")."""
        m = sent.by_token.get(token.i)
        if m is not None and m.entry.kind in {"country", "seat", "adjective"}:
            actor = resolve(m.entry, discourse.day)
            if actor is not None:
                name = sent.doc[m.start : m.end].text
                loc = self.book.place(name)
                return Location(
                    name, actor.country, loc.lat if loc else None, loc.lon if loc else None
                )
        if not named_only and token.pos_ == "PROPN" and token.ent_type_ not in {"GPE", "LOC"}:
            # the tagger takes many a small town for a people or a person ("near Samarra")
            loc = self.book.place(token.text)
            if loc is not None:
                return loc
        if token.ent_type_ in {"GPE", "LOC", "FAC"}:
            text = next((e.text for e in sent.doc.ents if e.start <= token.i < e.end), token.text)
            loc = self.book.place(text)
            if loc is not None:
                return loc
            e = self.book.fuzzy_country(text, self.fuzzy_threshold)
            if e is not None:
                actor = resolve(e, discourse.day)
                if actor is not None:
                    return Location(text, actor.country)
        # "the Iraqi capital", "southern Lebanese villages": a place noun's modifier; not
        # "the Palestinian uprising", whose modifier names who rose up
        modifiers = children(token, "compound", "amod") if token.lemma_ in PLACE_NOUNS else []
        for child in modifiers:
            found = self.place_of(child, sent, discourse)
            if found is not None:
                return found
        for pobj in prep_objects(token, {"of", "in"}):
            return self.place_of(pobj, sent, discourse, named_only)
        return None


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
        elif c.dep_ == "acl" and c.tag_ == "VBN" and depth < 1:
            # "a ceasefire declared by Ukraine's president", "a plan drawn up by Egypt"
            out += [o for a in c.children if a.dep_ == "agent" for o in children(a, "pobj")]
    return out


def _country_only(m: ActorMention) -> ActorMention:
    a = m.actor
    if not a.code or a.kind == "person":
        return m
    actor = Actor(a.code, a.country, None, a.country or a.code, "country")
    return ActorMention(m.start, m.end, m.text, actor, m.confidence, m.how)


def _as_target(source: ActorMention, code: str | None) -> ActorMention | None:
    if not code:
        return None
    return ActorMention(
        source.start, source.start, "", Actor(code, code, None, code, "country"), 0.7, "domestic"
    )


def _unnamed_definite(token: Token, nouns: Collection[str], sent: SentenceActors) -> bool:
    """Whether ``token`` heads a definite noun phrase ("the", "this", "that") on one of
    ``nouns`` that names nobody: what refers back to an actor named before."""
    if token.lemma_.lower() not in nouns or token.pos_ != "NOUN":
        return False
    det = [c for c in token.children if c.dep_ in {"det", "poss"}]
    if not det or det[0].lower_ not in {"the", "this", "that"}:
        return False
    return not any(t.i in sent.by_token for t in np_tokens(token) if t.i != token.i)
