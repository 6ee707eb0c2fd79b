"""Is a predicate asserted as fact? The part of the coder that keeps "could", "would", "if",
"not", "will" and "imagine" out of the data.

``assess(token)`` walks from a predicate up its clause structure and returns a ``Factuality``:
the modality (asserted, hypothetical, future, negated, conditional, question), the words that
decided it, and, for reported speech, who said it. The rules, in the order they are checked on
the predicate and then on each governing clause:

- a question (the sentence ends with "?") is a question;
- negation: "not", "never", "no" on a noun ("no direct contact"), "without", "failed to";
- modals: could, would, might, may, should, must, can, ought -> hypothetical; will, shall,
  "going to", "is to", "is set/due/expected to" -> future;
- conditions: a clause under "if", "unless", "whether", "in case", or a main clause that has
  one, is conditional;
- embedding: a clause under a verb of belief or wish (believe, think, hope, want, try, plan…),
  under a noun of possibility (opportunity, chance, idea, need…) or under a purpose "to" is not
  asserted; under a speech verb (say, tell, announce…) it is reported, and its speaker kept;
  under a factive or implicative verb (know, clear, manage, begin, help…) it keeps the
  governor's status.

The coder turns some non-asserted statements into events of their own: a speaker announcing
what they will do ("Syria says it will not accept…") is an intent (AGREE, THREATEN, REJECT), a
speaker saying another "must" do something is a REQUEST. Everything else that is not asserted
is kept out of the default data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dyad.tree import ancestors, climb, is_root
from dyad.types import Modality

if TYPE_CHECKING:
    from spacy.tokens import Token

HYPOTHETICAL_MODALS = frozenset(
    ["could", "would", "might", "may", "should", "must", "can", "ought", "cannot", "'d"]
)
FUTURE_MODALS = frozenset(["will", "shall", "'ll", "wo"])  # "wo" is the first half of "won't"
NEGATORS = frozenset(
    ["not", "n't", "never", "no", "neither", "nor", "nobody", "none", "nothing", "without"]
)
CONDITION_MARKS = frozenset(["if", "unless", "whether", "lest"])
TIME_MARKS = frozenset(["when", "once", "until", "till", "after", "before", "whenever"])
SPEECH_VERBS = frozenset(
    [
        "say",
        "tell",
        "announce",
        "state",
        "add",
        "claim",
        "confirm",
        "report",
        "insist",
        "declare",
        "note",
        "reveal",
        "acknowledge",
        "admit",
        "stress",
        "underline",
        "underscore",
        "emphasize",
        "emphasise",
        "explain",
        "argue",
        "write",
        "tweet",
        "assert",
        "maintain",
        "reiterate",
        "repeat",
        "affirm",
        "disclose",
        "inform",
        "quote",
        "comment",
        "remark",
        "respond",
        "reply",
        "answer",
        "caution",
        "testify",
        "brief",
    ]
)
BELIEF_VERBS = frozenset(
    [
        "believe",
        "think",
        "expect",
        "hope",
        "fear",
        "suspect",
        "doubt",
        "assume",
        "feel",
        "guess",
        "predict",
        "speculate",
        "suggest",
        "imagine",
        "wonder",
        "anticipate",
        "estimate",
        "reckon",
        "presume",
        "suppose",
        "consider",
        "view",
        "see",
        "worry",
        "dream",
        "wish",
        "envisage",
        "envision",
        "foresee",
        "speculate",
        "bet",
        "allege",
    ]
)
FACTIVE_VERBS = frozenset(
    [
        "know",
        "realize",
        "realise",
        "learn",
        "find",
        "prove",
        "show",
        "confirm",
        "recall",
        "remember",
        "regret",
    ]
)
# Verbs whose "to" complement happened if they did: "managed to", "began to", "helped".
IMPLICATIVE_VERBS = frozenset(
    [
        "manage",
        "begin",
        "start",
        "continue",
        "resume",
        "proceed",
        "go",
        "keep",
        "help",
        "force",
        "compel",
        "make",
        "let",
        "get",
        "decide",
        "choose",
        "dare",
        "bother",
        "hasten",
        "rush",
        "move",
        "vote",
    ]
)
NEGATIVE_IMPLICATIVE_VERBS = frozenset(
    ["fail", "neglect", "forget", "avoid", "refrain", "decline", "refuse", "omit"]
)
# Nouns whose "to" or "of" complement is a possibility, not a fact.
POSSIBILITY_NOUNS = frozenset(
    [
        "opportunity",
        "chance",
        "possibility",
        "idea",
        "need",
        "way",
        "ability",
        "option",
        "prospect",
        "hope",
        "plan",
        "proposal",
        "offer",
        "call",
        "demand",
        "request",
        "attempt",
        "effort",
        "bid",
        "intention",
        "aim",
        "goal",
        "incentive",
        "willingness",
        "readiness",
        "desire",
        "wish",
        "temptation",
        "pressure",
        "reason",
        "right",
        "freedom",
        "capacity",
        "power",
        "time",
        "commitment",
        "promise",
        "pledge",
        "threat",
        "warning",
        "ultimatum",
        "invitation",
        "urge",
        "argument",
        "view",
        "belief",
        "claim",
        "fear",
        "assumption",
        "position",
        "notion",
        "suggestion",
        "expectation",
        "possibility",
        "risk",
        "danger",
        "question",
        "issue",
        "unwillingness",
        "reluctance",
        "refusal",
        "failure",
        "inability",
        "incentive",
    ]
)
# Adjectives with a "to" complement that is not a fact: "ready to", "likely to", "easy to".
POSSIBILITY_ADJECTIVES = frozenset(
    [
        "ready",
        "willing",
        "prepared",
        "keen",
        "eager",
        "able",
        "unable",
        "likely",
        "unlikely",
        "possible",
        "impossible",
        "easy",
        "hard",
        "difficult",
        "due",
        "set",
        "expected",
        "supposed",
        "bound",
        "poised",
        "about",
        "open",
        "free",
        "reluctant",
        "hesitant",
        "loath",
        "determined",
        "desperate",
        "anxious",
        "happy",
        "glad",
    ]
)
FUTURE_GOVERNORS = frozenset(
    ["set", "due", "expected", "poised", "about", "going", "scheduled", "slated"]
)
# Verbs whose object is what someone commits to, asks for or refuses, not a fact: in "agreed
# to a ceasefire" or "demanded the withdrawal of forces" the ceasefire and the withdrawal are
# not events that happened.
COMMITMENT_VERBS = frozenset(
    [
        "agree",
        "promise",
        "pledge",
        "vow",
        "offer",
        "propose",
        "threaten",
        "demand",
        "urge",
        "call",
        "ask",
        "request",
        "seek",
        "want",
        "refuse",
        "reject",
        "decline",
        "oppose",
        "plan",
        "intend",
        "expect",
        "need",
        "prepare",
        "consider",
        "discuss",
        "debate",
        "welcome",
        "support",
        "back",
        "endorse",
        "favour",
        "favor",
        "advocate",
        "insist",
        "press",
        "push",
    ]
)
# Nouns whose "that" clause is what someone wants, offers or fears, not a fact.
CONTENT_NOUNS = frozenset(
    [
        "demand",
        "call",
        "request",
        "appeal",
        "proposal",
        "offer",
        "plan",
        "warning",
        "threat",
        "promise",
        "pledge",
        "hope",
        "fear",
        "claim",
        "allegation",
        "accusation",
        "insistence",
        "condition",
        "ultimatum",
        "suggestion",
    ]
)
# "what it wants from Pakistan — that Islamabad takes action": a clause set off by a dash or
# colon after one of these is the content of a wish or demand, not a fact.
DESIRE_VERBS = frozenset(
    ["want", "wish", "demand", "ask", "expect", "insist", "urge", "call", "require", "seek", "hope"]
)


# Prepositions whose object is taken as having happened, whatever the clause around it says:
# "talks will resume after three days of clashes" asserts the clashes.
PRESUPPOSING_PREPS = frozenset(
    ["after", "following", "during", "amid", "amidst", "since", "despite", "before"]
)
# Nouns that make "in/on the N of X" such a preposition: "in the wake of", "in light of".
PRESUPPOSING_FRAMES = frozenset(["wake", "light", "heels", "aftermath", "midst", "face"])


# Verbs whose clause is what someone asks, proposes or wants done, not a fact: "demanded that
# X withdraw", "insisted that Y be released", "proposed that talks resume".
DIRECTIVE_VERBS = DESIRE_VERBS | frozenset(
    [
        "request",
        "order",
        "propose",
        "suggest",
        "recommend",
        "advise",
        "urge",
        "plead",
        "appeal",
        "press",
        "push",
        "instruct",
        "command",
        "direct",
        "decree",
        "require",
        "stipulate",
        "need",
        "prefer",
        "intend",
        "plan",
    ]
)


@dataclass(frozen=True, slots=True)
class Factuality:
    modality: Modality
    cue: str  # the word(s) that decided it
    speaker: Token | None = None  # subject of the speech verb that reports the clause
    speech_verb: Token | None = None
    future: bool = False  # a will/would/going-to clause, even when hypothetical
    negated: bool = False
    deontic: bool = False  # must/should/ought: a demand when someone else says it


ASSERTED = Factuality(Modality.ASSERTED, "")


def _aux_words(token: Token) -> list[Token]:
    return [
        c
        for c in token.children
        if c.dep_ in {"aux", "auxpass", "neg", "advmod", "det", "mark", "prep"}
    ]


def own_markers(token: Token) -> Factuality | None:
    """Modals, negation and conditions attached to the predicate itself."""
    negated = future = deontic = False
    hypothetical_cue = None
    for c in token.children:
        low = c.lower_
        if (
            c.dep_ == "neg"
            or (c.dep_ == "advmod" and low in {"never", "not"})
            or (c.dep_ == "det" and low in {"no", "neither"} and token.pos_ in {"NOUN", "PROPN"})
        ):
            negated = True
        elif c.dep_ in {"aux", "auxpass"} and (
            c.tag_ == "MD" or low in HYPOTHETICAL_MODALS | FUTURE_MODALS
        ):
            if low in FUTURE_MODALS:
                future = True
            else:
                hypothetical_cue = low
                deontic |= low in {"must", "should", "ought"}
                future |= low == "would"
        elif c.dep_ == "mark" and low in CONDITION_MARKS:
            return Factuality(Modality.CONDITIONAL, low)
    if token.dep_ == "pobj" and token.head.lower_ == "without":
        negated = True
    if hypothetical_cue:
        return Factuality(
            Modality.HYPOTHETICAL, hypothetical_cue, future=future, negated=negated, deontic=deontic
        )
    if future:
        return Factuality(Modality.FUTURE, "will", future=True, negated=negated)
    if negated:
        return Factuality(Modality.NEGATED, "not", negated=True)
    return None


def _has_condition(token: Token) -> str | None:
    for c in token.children:
        if c.dep_ == "advcl" and any(
            m.dep_ == "mark" and m.lower_ in {"if", "unless", "lest"} for m in c.children
        ):
            return next(m.lower_ for m in c.children if m.dep_ == "mark")
    return None


def _is_question(token: Token) -> bool:
    sent = token.sent
    text = sent.text.rstrip().rstrip("\"'”’)")
    # A question inside a quote does not make the reporting clause a question.
    return text.endswith("?")


def _speaker_of(verb: Token) -> Token | None:
    """The subject of a speech verb; of the first verb for a second one that shares it
    ("the students marched and said…")."""
    for v in [verb, *(ancestors(verb) if verb.dep_ == "conj" else [])]:
        for c in v.children:
            if c.dep_ in {"nsubj", "nsubjpass"}:
                return c
        if v.dep_ != "conj":
            break
    return None


def assess(token: Token) -> Factuality:
    """The factuality of the predicate ``token`` (a verb, or an event noun)."""
    if _is_question(token):
        return Factuality(Modality.QUESTION, "?")
    current = token
    reported: Factuality | None = None
    for _ in range(12):  # clause depth is small; the bound guards against odd parses
        markers = own_markers(current)
        if markers is not None:
            return _with_speech(markers, current, reported)
        cond = _has_condition(current) if current.pos_ in {"VERB", "AUX"} else None
        if cond is not None and reported is None:
            return Factuality(Modality.CONDITIONAL, cond)
        dep, head = current.dep_, current.head
        if is_root(current):
            # A quote whose speech verb hangs off it: "… ," Khan said.
            for c in current.children:
                if (
                    c.dep_ in {"parataxis", "ccomp", "advcl", "conj"}
                    and c.lemma_ in SPEECH_VERBS
                    and c.i > current.i
                ):
                    reported = reported or Factuality(
                        Modality.ASSERTED, c.lemma_, _speaker_of(c), c
                    )
            break
        if dep == "conj":
            if any(c.dep_ in {"nsubj", "nsubjpass"} for c in current.children) and current.pos_ in {
                "VERB",
                "AUX",
            }:
                # An independent clause: only a shared condition or question carries over.
                current = climb(head, {"conj"})
                cond = _has_condition(current)
                if cond:
                    return Factuality(Modality.CONDITIONAL, cond)
                break
            current = head
            continue
        if dep in {"xcomp", "ccomp", "csubj"} or (dep == "advcl" and _is_infinitive(current)):
            lemma = head.lemma_.lower()
            if dep == "ccomp" and _demand_content(current, head):
                return Factuality(Modality.HYPOTHETICAL, "content of a demand")
            if dep == "ccomp" and any(
                o.dep_ == "dobj" and o.lemma_.lower() in CONTENT_NOUNS for o in head.children
            ):
                # "reiterated its demand that Israel ease restrictions": the demand's content
                return Factuality(Modality.HYPOTHETICAL, "content of a demand")
            if dep == "ccomp" and lemma in DIRECTIVE_VERBS:
                # "demanded that Pakistan arrest the militants", "wants Pakistan to act":
                # what is asked for has not happened
                return Factuality(Modality.HYPOTHETICAL, f"content of '{head.text}'")
            if dep == "ccomp" and head.pos_ in {"NOUN", "PROPN"} and lemma != "fact":
                # "an admission that forces murdered…", "reports that…": what the noun says
                return Factuality(Modality.HYPOTHETICAL, f"content of '{head.text}'")
            if dep == "advcl" and _is_infinitive(current) and not _has_mark(current):
                return Factuality(Modality.FUTURE, "to (purpose)")
            if head.pos_ == "ADJ" or (head.pos_ == "AUX" and dep == "xcomp"):
                if lemma in FUTURE_GOVERNORS:
                    return _with_speech(
                        Factuality(Modality.FUTURE, lemma, future=True), current, reported
                    )
                if lemma in POSSIBILITY_ADJECTIVES:
                    return Factuality(Modality.HYPOTHETICAL, lemma)
            if lemma in NEGATIVE_IMPLICATIVE_VERBS:
                return Factuality(Modality.NEGATED, lemma, negated=True)
            if lemma in SPEECH_VERBS and dep != "xcomp":
                reported = Factuality(Modality.ASSERTED, lemma, _speaker_of(head), head)
                current = head
                continue
            if lemma in BELIEF_VERBS:
                return Factuality(Modality.HYPOTHETICAL, lemma)
            if lemma in FACTIVE_VERBS or lemma in IMPLICATIVE_VERBS:
                current = head
                continue
            if lemma == "be" and dep in {"ccomp", "xcomp"}:
                subj = _speaker_of(head)
                if subj is not None and subj.lemma_.lower() in POSSIBILITY_NOUNS:
                    return Factuality(Modality.HYPOTHETICAL, subj.lemma_)
                if lemma == "be" and any(
                    c.lower_ == "to" for c in current.children if c.dep_ == "aux"
                ):
                    return Factuality(Modality.FUTURE, "is to", future=True)
                current = head
                continue
            if dep == "xcomp":
                return Factuality(Modality.FUTURE, f"{lemma} to", future=True)
            if lemma in {"clear", "evident", "obvious", "true", "certain", "fact"}:
                current = head
                continue
            if lemma == "deny":
                return Factuality(Modality.NEGATED, "deny", negated=True)
            current = head
            continue
        if dep == "advcl":
            mark = next(
                (
                    m.lower_
                    for m in current.children
                    if m.dep_ == "mark" or (m.dep_ == "advmod" and m.tag_ == "WRB")
                ),
                None,
            )
            if mark in CONDITION_MARKS:
                return Factuality(Modality.CONDITIONAL, mark)
            if mark == "as" and current.tag_ == "VBN":
                # "…, as alleged by Kiir": a parenthesis asserted on its own, whatever the
                # clause it comments on says
                break
            if mark in {"so", "lest"}:
                return Factuality(Modality.FUTURE, mark)
            if mark in TIME_MARKS and head.pos_ in {"VERB", "AUX"}:
                # "peace would come only when the Taliban agreed to a ceasefire": a time
                # clause of a future or hypothetical clause is a condition, not a fact
                outer = own_markers(head)
                if outer is not None and outer.modality in {Modality.FUTURE, Modality.HYPOTHETICAL}:
                    return Factuality(Modality.CONDITIONAL, mark)
            current = head
            continue
        if dep in {"acl", "relcl"}:
            noun = head
            if (
                dep == "acl"
                and noun.lemma_.lower() in POSSIBILITY_NOUNS
                and _is_infinitive(current)
            ):
                return Factuality(Modality.HYPOTHETICAL, noun.lemma_)
            if (
                dep == "acl"
                and any(m.dep_ == "mark" and m.lower_ == "that" for m in current.children)
                and noun.lemma_.lower() != "fact"
            ):
                return Factuality(Modality.HYPOTHETICAL, f"content of '{noun.text}'")
            if dep == "relcl":
                break  # a relative clause asserts on its own
            # A participle inherits the clause its noun is in.
            current = noun
            continue
        if dep == "pcomp":
            prep = head
            owner = prep.head
            if owner.lemma_.lower() in POSSIBILITY_NOUNS or prep.lower_ in {"instead", "without"}:
                return Factuality(
                    Modality.HYPOTHETICAL if prep.lower_ != "without" else Modality.NEGATED,
                    owner.lemma_,
                )
            if (
                prep.lower_ in {"of", "for", "about", "over"}
                and owner.pos_ == "VERB"
                and owner.lemma_ not in IMPLICATIVE_VERBS
            ):
                # "accused Pakistan of harbouring", "lambasted Pakistan for using": the charge
                return Factuality(Modality.HYPOTHETICAL, f"{owner.lemma_} {prep.lower_}")
            current = owner
            continue
        if (
            dep == "pobj"
            and token.pos_ in {"NOUN", "PROPN"}
            and (
                head.lower_ in PRESUPPOSING_PREPS
                or (head.lower_ == "of" and head.head.lemma_.lower() in PRESUPPOSING_FRAMES)
            )
        ):
            # an event noun after "after", "during", "in the wake of": presupposed, a fact
            return reported or ASSERTED
        if dep == "pobj" and head.lower_ == "as" and token.pos_ in {"NOUN", "PROPN"}:
            # "denounced the ceasefire as an ultimatum": what something is called, not an event
            return Factuality(Modality.HYPOTHETICAL, "as (a description)")
        if dep in {
            "dobj",
            "pobj",
            "attr",
            "oprd",
            "nsubj",
            "nsubjpass",
            "appos",
            "npadvmod",
            "dative",
            "compound",
            "conj",
            "prep",
            "agent",
        }:
            # An event noun inside a clause: an object takes its clause's status; a subject
            # with an owner ("its allegations") is presupposed.
            if dep in {"nsubj", "nsubjpass"} and any(c.dep_ == "poss" for c in current.children):
                break
            if dep == "pobj" and head.lower_ in {"without", "instead"}:
                return Factuality(Modality.NEGATED, head.lower_, negated=True)
            if (
                dep == "pobj"
                and head.lower_ == "for"
                and head.head.pos_ == "VERB"
                and token.pos_ == "NOUN"
            ):
                # "returned to Geneva for talks": the purpose, not (yet) a fact
                return Factuality(Modality.FUTURE, "for (purpose)", future=True)
            if dep == "pobj" and head.head.lemma_.lower() in POSSIBILITY_NOUNS:
                return Factuality(Modality.HYPOTHETICAL, head.head.lemma_)
            governor = (
                head
                if dep in {"dobj", "nsubjpass", "attr", "dative"}
                else head.head
                if dep == "pobj"
                else None
            )
            if (
                current.pos_ in {"NOUN", "PROPN"}
                and governor is not None
                and governor.pos_ in {"VERB", "AUX", "ADJ"}
                and governor.lemma_.lower() in COMMITMENT_VERBS
                and governor.i != token.i
            ):
                return Factuality(Modality.FUTURE, f"object of '{governor.text}'", future=True)
            current = head
            continue
        current = head
    return reported or ASSERTED


def _with_speech(f: Factuality, token: Token, reported: Factuality | None) -> Factuality:
    """Attach the speaker of a reporting clause above ``token``, if there is one."""
    if reported is not None:
        return Factuality(
            f.modality,
            f.cue,
            reported.speaker,
            reported.speech_verb,
            f.future,
            f.negated,
            f.deontic,
        )
    current = token
    for _ in range(12):
        dep, head = current.dep_, current.head
        if is_root(current):
            for c in current.children:
                if (
                    c.dep_ in {"parataxis", "ccomp", "advcl", "conj"}
                    and c.lemma_ in SPEECH_VERBS
                    and c.i > current.i
                ):
                    return Factuality(
                        f.modality, f.cue, _speaker_of(c), c, f.future, f.negated, f.deontic
                    )
            return f
        if dep in {"ccomp", "xcomp"} and head.lemma_ in SPEECH_VERBS:
            return Factuality(
                f.modality, f.cue, _speaker_of(head), head, f.future, f.negated, f.deontic
            )
        if dep in {"ccomp", "conj", "xcomp", "advcl"}:
            current = head
            continue
        return f
    return f


def _demand_content(clause: Token, head: Token) -> bool:
    """A clause set off by a dash or colon after a wish or demand: "what it wants — that X"."""
    lo, hi = sorted((clause.left_edge.i, head.i))
    doc = clause.doc
    between = doc[lo:hi]
    return any(t.text in {"—", "–", ":", "--"} for t in between) and any(
        t.lemma_.lower() in DESIRE_VERBS for t in doc[head.i : clause.left_edge.i]
    )


def _is_infinitive(token: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)


def _has_mark(token: Token) -> bool:
    return any(c.dep_ == "mark" for c in token.children)
