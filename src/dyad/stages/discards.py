"""Stage 4b, discards: sentences and stories that are not political news.

PETRARCH keeps a list of phrases (``data/events/discards.yaml``, converted from the Phoenix
discards by ``make lexicon``) that mark sport, entertainment, natural history and the like: a
sentence holding one is not coded ("France beat Croatia in the World Cup final" is no
ASSAULT), and a story holding one of the story-level phrases is not coded at all. Phrases match
case-insensitively as whole words; one ending in ``*`` also matches longer forms of its last
word ("wicket*": "wickets"). Discarded sentences are kept in the document, not coded, and
recorded as a ``Drop`` with reason ``discard`` and the phrase that matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from dyad.errors import DataFileError
from dyad.types import Drop, DropReason, Sentence

WHERE = "dyad/data/events/discards.yaml"


def _pattern(phrases: list[str]) -> re.Pattern[str] | None:
    alternatives = []
    for phrase in phrases:
        stem = phrase.endswith("*")
        words = [re.escape(w) for w in phrase.rstrip("*").split()]
        if not words:
            continue
        alternatives.append(r"\s+".join(words) + (r"\w*" if stem else r"\b"))
    if not alternatives:
        return None
    # longest first, so the phrase reported is the most specific that matched
    alternatives.sort(key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


@dataclass(frozen=True)
class Discards:
    sentence_phrases: re.Pattern[str] | None
    story_phrases: re.Pattern[str] | None

    @classmethod
    def load(cls) -> Discards:
        text = resources.files("dyad").joinpath("data/events/discards.yaml").read_text("utf-8")
        try:
            data: Any = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as e:
            raise DataFileError(WHERE, "whole file", f"not valid YAML: {e}") from e
        if not isinstance(data, dict):
            raise DataFileError(WHERE, "top level", "expected a sentence and a story list")
        return cls.from_lists(data.get("sentence"), data.get("story"))

    @classmethod
    def from_lists(cls, sentence: Any, story: Any) -> Discards:
        for name, items in (("sentence", sentence), ("story", story)):
            if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
                raise DataFileError(WHERE, name, "expected a list of phrases")
        return cls(_pattern(sentence), _pattern(story))

    def story(self, text: str) -> str | None:
        """The story-level phrase ``text`` holds, if any."""
        m = self.story_phrases.search(text) if self.story_phrases else None
        return m.group(0) if m else None

    def sentence(self, text: str) -> str | None:
        """The sentence-level (or story-level) phrase ``text`` holds, if any."""
        for pattern in (self.sentence_phrases, self.story_phrases):
            m = pattern.search(text) if pattern else None
            if m:
                return m.group(0)
        return None

    def mark(
        self,
        text: str,
        sentences: list[Sentence],
        political: Callable[[Sentence], bool] = lambda s: False,
    ) -> tuple[list[Sentence], list[Drop]]:
        """The sentences of a document, those to discard marked not to be coded, and a drop
        for each (one for a whole discarded story). A sentence that names a political
        institution (``political``: a government, an army, police, a court, rebels…) is kept
        whatever else it names: "authorities jailed 52 members for playing in a football
        tournament" is news, "France beat Croatia in the World Cup final" is not."""
        whole = self.story(text)
        out: list[Sentence] = []
        drops: list[Drop] = []
        for s in sentences:
            rule = whole or (self.sentence(s.text) if s.coded else None)
            if s.coded and rule and not political(s):
                out.append(Sentence(s.doc_id, s.index, s.start, s.end, s.text, coded=False))
                if not whole:
                    drops.append(Drop(s.doc_id, DropReason.DISCARD, rule.lower(), s.text))
            else:
                out.append(s)
        if whole and sentences:
            drops.append(
                Drop(sentences[0].doc_id, DropReason.DISCARD, f"story: {whole.lower()}", "")
            )
        return out, drops
