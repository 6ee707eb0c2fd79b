"""Stage 6, events: predicates with their source and target, coded in PLOVER and CAMEO.

The coder is three rooms, each answering one question about a sentence:

- ``lexicon``: which pattern did this word match? (``data/events``: verbs, event nouns and
  predicate adjectives with their objects, particles and prepositions, and the CAMEO codes);
- ``arguments``: who is the source, who the target, where did it happen?
- ``decision``: is it said as fact (``factuality``), what is it if not (an intent, a threat, a
  refusal, a demand), when did it happen (``dates``), and is it the same event as another in
  the sentence?

``coder.Coder`` asks them in turn for every candidate predicate and records a ``Decision`` for
``dyad explain``.
"""

from dyad.stages.events.coder import Coder, Decision, SentenceContext
from dyad.stages.events.lexicon import CameoCode, Frame, Pattern, PatternBook

__all__ = ["CameoCode", "Coder", "Decision", "Frame", "Pattern", "PatternBook", "SentenceContext"]
