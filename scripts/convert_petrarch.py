#!/usr/bin/env python3
"""Convert PETRARCH-2's dictionaries into dyad data (``make lexicon`` runs all three):

    python scripts/convert_petrarch.py verbs CAMEO.2.0.txt --out dyad/data/events/cameo_verbs.yaml
    python scripts/convert_petrarch.py agents Phoenix.agents.txt --out dyad/data/actors/agents_phoenix.yaml
    python scripts/convert_petrarch.py discards Phoenix.discards.txt --out dyad/data/events/discards.yaml

The verb dictionary (openeventdata/petrarch2, MIT) is a list of synonym sets (``&NAME`` then ``+WORD``
lines) and verb blocks::

    ---  RETREAT   [080]  ---          a block and its default code ("---": none)
    WITHDRAW {WITHDREW ...} [0874]     a verb (irregular forms in braces), its own code
    +PULL_OUT                          a multi-word verb: "+" marks the verb, the rest its particle
    - * (FROM BORDER)        [0874]    a pattern: "*" is the verb; words before it are its
                                       subject, bare words after it its object ({A B}: a phrase),
                                       (PREP WORDS) a prepositional phrase, "+" the target,
                                       "$" the source, "^" any word, "&NAME" a synonym set

and a code is ``[A]`` (source does A to target), ``[A:B]`` (and the target does B back),
``[:B]`` (only the target does B to the source) or ``[---]`` (no event).

Each pattern becomes a dyad pattern (``dyad/data/README.md``) on the dependency parse: the
object words must head or modify the verb's object, a prepositional phrase must hang off the
verb (or its object) with one of its words as object, the subject words must head or modify
the subject. Codes dyad's CAMEO table does not have become their nearest parent code.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# Words that, right after the verb and outside parentheses, are its particle ("SET OFF").
PARTICLES = frozenset(
    [
        "up",
        "down",
        "off",
        "out",
        "over",
        "back",
        "away",
        "aside",
        "forward",
        "around",
        "along",
        "through",
        "apart",
        "together",
        "ahead",
        "in",
        "on",
    ]
)
PREPOSITIONS = frozenset(
    [
        "to",
        "from",
        "with",
        "against",
        "on",
        "in",
        "into",
        "at",
        "for",
        "of",
        "by",
        "over",
        "under",
        "between",
        "among",
        "toward",
        "towards",
        "before",
        "after",
        "about",
        "across",
        "as",
        "near",
        "upon",
        "inside",
        "outside",
        "behind",
        "through",
        "within",
        "without",
        "beyond",
    ]
)
PROVENANCE = "openeventdata/petrarch2 @676801c, petrarch2/data/dictionaries"


@dataclass
class Block:
    name: str
    code: str | None
    line: int
    verbs: dict[str, str | None] = field(default_factory=dict)  # lemma -> own code
    multi: list[tuple[str, str, str | None]] = field(default_factory=list)  # verb, particle, code
    forms: dict[str, set[str]] = field(default_factory=dict)  # lemma -> irregular inflections
    patterns: list[dict[str, Any]] = field(default_factory=list)


def _strip(line: str) -> str:
    return line.split("#", 1)[0].split(";", 1)[0].rstrip()


def _code(raw: str) -> tuple[str | None, str | None]:
    """``[A]``, ``[A:B]``, ``[:B]``, ``[---]`` -> (forward code, reverse code)."""
    forward, _, back = raw.partition(":")
    f = forward.strip() if forward.strip() and forward.strip() != "---" else None
    b = back.strip() if back.strip() and back.strip() != "---" else None
    return f, b


def _word(token: str) -> str:
    return token.strip("_").replace("_", " ").lower()


def _items(text: str) -> list[Any]:
    """A pattern half as items: words, ("phrase", [...]), ("pp", [...]), markers."""
    out: list[Any] = []
    for m in re.finditer(r"\{([^}]*)\}|\(([^)]*)\)|(\S+)", text):
        if m.group(1) is not None:
            inner = _items(m.group(1))
            # "{IN &DETENTION}" is a prepositional phrase written as a noun phrase
            is_pp = bool(inner) and isinstance(inner[0], str) and inner[0].lower() in PREPOSITIONS
            out.append(("pp" if is_pp else "phrase", inner))
        elif m.group(2) is not None:
            out.append(("pp", _items(m.group(2))))
        else:
            out.append(m.group(3))
    return out


def _flat(items: list[Any]) -> list[str]:
    words: list[str] = []
    for it in items:
        if isinstance(it, tuple):
            words += _flat(it[1])
        elif it not in {"+", "$", "^", "%", "*"}:
            words.append(it)
    return words


def _term(words: list[str], synsets: dict[str, list[str]]) -> list[str]:
    """A phrase of pattern words as one dyad phrase: words joined by spaces, a synonym set as
    ``@NAME`` (any of its words); empty when a synonym set is not defined."""
    parts = []
    for w in words:
        if w.startswith("&"):
            name = w[1:].rstrip("_")
            if name not in synsets:
                return []
            parts.append(f"@{name}")
        else:
            parts.append(_word(w))
    return [" ".join(parts)]


def parse_pattern(text: str, synsets: dict[str, list[str]]) -> dict[str, Any] | None:
    """One pattern line (without its code) as dyad pattern keys; None if it cannot be read."""
    before, star, after = text.partition("*")
    if not star:
        return None
    out: dict[str, Any] = {}
    subject = [w for w in _flat(_items(before)) if w not in {"+", "$", "^", "%"}]
    if subject:
        alts = _term(subject[-1:], synsets)
        if not alts:
            return None
        out["subject"] = alts
    items = _items(after)
    objects: list[str] = []
    pps: list[tuple[str, list[str] | None, bool]] = []
    particle: str | None = None
    i = 0
    while i < len(items):
        it = items[i]
        if (isinstance(it, tuple) and it[0] == "pp") or (
            isinstance(it, str) and it.lower() in PREPOSITIONS and i > 0
        ):
            inner = it[1] if isinstance(it, tuple) else []
            if isinstance(it, str):  # an unbracketed "FROM &DETENTION": up to the next item
                prep = it.lower()
                j = i + 1
                while (
                    j < len(items)
                    and isinstance(items[j], str)
                    and (items[j].lower() not in PREPOSITIONS)
                ):
                    inner.append(items[j])
                    j += 1
                i = j
            else:
                if not inner or not isinstance(inner[0], str):
                    return None
                prep = inner[0].lower()
                inner = inner[1:]
                i += 1
            words = [w for w in _flat(inner) if w not in {"+", "$", "^", "%"}]
            alts = _term(words, synsets) if words else None
            if words and not alts:
                return None
            pps.append((prep, alts, "+" in _flat_markers(inner)))
            continue
        if isinstance(it, str) and it in {"+", "$", "^", "%"}:
            i += 1
            continue
        if isinstance(it, str) and i == 0 and it.lower() in PARTICLES:
            particle = it.lower()
            i += 1
            continue
        words = _flat([it])
        alts = _term(words, synsets)
        if not alts:
            return None
        objects += alts
        i += 1
    if particle:
        out["particle"] = [particle]
    if objects:
        # Bare words in a row are one noun phrase ("FIRST VISIT"): all of them must be there.
        if len(objects) > 1 and not any(o.startswith("@") for o in objects):
            objects = [" ".join(objects)]
        out["object"] = objects
    if pps:
        out["pp"] = [{prep: alts} for prep, alts, _ in pps]
        targets = [prep for prep, _, is_target in pps if is_target]
        if targets:
            out["target"] = targets
    return out


def _flat_markers(items: list[Any]) -> list[str]:
    out: list[str] = []
    for it in items:
        if isinstance(it, tuple):
            out += _flat_markers(it[1])
        else:
            out.append(it)
    return out


def parse(text: str) -> tuple[dict[str, list[str]], list[Block], list[str]]:
    """Synonym sets, verb blocks, and what could not be read (with line numbers)."""
    synsets: dict[str, list[str]] = {}
    blocks: list[Block] = []
    problems: list[str] = []
    lines = text.splitlines()
    current_set: str | None = None
    plural = True
    block: Block | None = None
    for n, raw in enumerate(lines, 1):
        line = _strip(raw)
        if not raw.strip():
            current_set = None  # a blank line ends a synonym set; a comment line does not
            continue
        if not line.strip():
            continue
        s = line.strip()
        if s.startswith("&") and block is None:
            current_set = s[1:].rstrip("_")
            plural = not s.endswith("_")
            synsets[current_set] = []
            continue
        if s.startswith("+") and current_set is not None:
            word = s[1:].strip()
            synsets[current_set].append(_word(word))
            if plural and not word.endswith("_") and " " not in _word(word):
                synsets[current_set].append(_plural(_word(word)))
            continue
        if s.startswith("~") or s.startswith("####"):
            block = None  # the transformations at the end are rules on codes, not patterns
            continue
        if s.startswith("---"):
            m = re.match(r"---\s*(\S+)\s*\[([^\]]*)\]", s)
            if not m:
                problems.append(f"line {n}: block header not read: {s}")
                block = None
                continue
            code, _ = _code(m.group(2))
            block = Block(m.group(1), code, n)
            blocks.append(block)
            continue
        if block is None:
            continue
        code_m = re.search(r"\[([^\]]*)\]\s*$", s)
        body = s[: code_m.start()].strip() if code_m else s
        if s.startswith("-"):
            if not code_m:
                problems.append(f"line {n}: pattern without a code: {s}")
                continue
            forward, back = _code(code_m.group(1))
            try:
                pat = parse_pattern(body[1:], synsets)
            except (IndexError, ValueError):
                pat = None
            if pat is None:
                problems.append(f"line {n}: pattern not converted: {s}")
                continue
            pat.update(_codes(forward, back))
            pat["line"] = n
            # the comment names the verb the pattern was found with ("# RUSH")
            comment = raw.split("#", 1)[1] if "#" in raw else ""
            pat["found_with"] = [w.lower() for w in re.findall(r"[A-Z][A-Z_-]+", comment)]
            block.patterns.append(pat)
            continue
        # a verb line
        own = _code(code_m.group(1))[0] if code_m else None
        forms_m = re.search(r"\{([^}]*)\}", body)
        head = re.sub(r"\{[^}]*\}", "", body).strip()
        if forms_m and head and "_" not in head:
            block.forms[head.lower()] = {_word(f) for f in forms_m.group(1).split()}
        if not head:
            continue
        if "_" in head and "+" in head:
            words = head.replace("+", " +").split("_")
            words = [w.strip() for w in " ".join(words).split()]
            verb = next((w[1:] for w in words if w.startswith("+")), None)
            rest = [w.lower() for w in words if not w.startswith("+")]
            if verb is None or len(rest) != 1:
                problems.append(f"line {n}: multi-word verb not converted: {s}")
                continue
            block.multi.append((verb.lower(), rest[0], own))
            continue
        if " " in head or "_" in head:
            problems.append(f"line {n}: verb not read: {s}")
            continue
        block.verbs[head.lower()] = own
    return synsets, blocks, problems


def _plural(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def _codes(forward: str | None, back: str | None) -> dict[str, Any]:
    if forward and back and forward == back:
        return {"cameo": forward, "reciprocal": True}
    if forward and back:
        return {"cameo": forward, "reverse_cameo": back}
    if back and not forward:
        return {"cameo": back, "reverse": True}
    return {"cameo": forward or "---"}


def convert(
    text: str, known_codes: set[str], only_found_with: bool = True
) -> tuple[dict[str, Any], list[str]]:
    synsets, blocks, problems = parse(text)

    def fit(code: str) -> str | None:
        if code == "---":
            return code
        for key in (code, code[:3], code[:2]):
            if key in known_codes:
                return key
        return None

    classes: dict[str, list[str]] = {k: sorted(set(v)) for k, v in synsets.items() if v}
    forms: dict[str, set[str]] = {}
    patterns: list[dict[str, Any]] = []
    for b in blocks:
        verbs = sorted(b.verbs)
        if not verbs and not b.multi:
            continue
        group = f"verbs_{b.name.lower()}"
        classes[group] = verbs
        origin = f"{b.name} line {b.line}"
        for p in b.patterns:
            code = fit(p["cameo"])
            if code is None:
                problems.append(f"line {p['line']}: CAMEO code {p['cameo']} unknown; left out")
                continue
            found_with = [w for w in p.pop("found_with", []) if w in b.verbs]
            verb: Any = sorted(set(found_with)) if only_found_with and found_with else f"@{group}"
            entry: dict[str, Any] = {"verb": verb, **p, "cameo": code}
            if "reverse_cameo" in p:
                back = fit(p["reverse_cameo"])
                if back is None or back == "---":
                    entry.pop("reverse_cameo")
                else:
                    entry["reverse_cameo"] = back
            entry["origin"] = f"{b.name} line {entry.pop('line')}"
            if verbs and (not only_found_with or not found_with or entry["verb"]):
                patterns.append(entry)
            for verb, particle, _ in b.multi:  # the block's patterns hold for its phrasal verbs
                if not (only_found_with and found_with):
                    patterns.append({**entry, "verb": verb, "particle": [particle]})
        for verb in verbs:
            code = b.verbs[verb] or b.code
            if code and fit(code) and fit(code) != "---":
                patterns.append({"verb": verb, "cameo": fit(code), "origin": origin})
        for verb, particle, own in b.multi:
            code = own or b.code
            if code and fit(code) and fit(code) != "---":
                patterns.append(
                    {"verb": verb, "particle": [particle], "cameo": fit(code), "origin": origin}
                )
        for verb, inflected in b.forms.items():
            forms.setdefault(verb, set()).update(inflected)
    out = {
        "forms": {k: sorted(v) for k, v in sorted(forms.items())},
        "classes": classes,
        "patterns": patterns,
    }
    return out, problems


MIT_NOTICE = """The MIT License (MIT)

Copyright (c) 2014 Open Event Data Alliance

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE."""


def _notice(text: str) -> list[str]:
    """The dictionary's own license lines, else the PETRARCH-2 repository's MIT notice."""
    notice: list[str] = []
    keep = False
    for line in text.splitlines():
        if line.startswith("# The MIT License"):
            keep = True
        if keep:
            if not line.startswith("#"):
                break
            notice.append(line)
            if "SOFTWARE." in line and "DEALINGS" in line:
                break
    return notice or [f"# {line}".rstrip() for line in MIT_NOTICE.splitlines()]


def _header(what: str, source: Path, text: str, extra: list[str]) -> str:
    digest = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()
    return "\n".join(
        [
            f"# dyad {what} converted from PETRARCH-2's {source.name}. Do not edit: regenerate",
            "# with `make lexicon` (scripts/convert_petrarch.py), which reads",
            f"# {source.name} (sha256 {digest[:16]}) from {PROVENANCE}.",
            *extra,
            "#",
            "# The dictionary's license, which covers this file:",
            *_notice(text),
            "",
        ]
    )


# -- agents -----------------------------------------------------------------------------------


def convert_agents(text: str, sectors: set[str]) -> tuple[dict[str, list[Any]], list[str]]:
    """Phoenix agent nouns as dyad agents.yaml sectors (``TERM {plural} [~SEC]``; "!SET!"
    substitution sets expand). A code whose first known sector dyad has is kept: ``[~GOVMED]``
    is GOV; ``[~AGR]`` (no dyad sector) is left out, as are organisation codes (``[NGO~]``)."""
    subs: dict[str, list[str]] = {}
    out: dict[str, list[Any]] = {}
    problems: list[str] = []
    seen: set[str] = set()
    for n, raw in enumerate(text.splitlines(), 1):
        line = _strip(raw).strip()
        if not line:
            continue
        m = re.match(r"!(\w+)!\s*=\s*(.+)", line)
        if m:
            subs[m.group(1)] = [w.strip() for w in m.group(2).split(",") if w.strip()]
            continue
        m = re.match(r"([^\[{]+?)\s*(\{[^}]*\})?\s*\[([^\]]*)\]", line)
        if not m:
            problems.append(f"line {n}: not read: {line}")
            continue
        term, plural, code = m.group(1).strip(), m.group(2), m.group(3).strip()
        if not code.startswith("~"):
            problems.append(f"line {n}: an organisation code, left out: {line}")
            continue
        code = code[1:]
        sector = next(
            (code[i : i + 3] for i in range(0, len(code), 3) if code[i : i + 3] in sectors), None
        )
        if sector is None:
            problems.append(f"line {n}: no dyad sector in {code}, left out: {line}")
            continue
        terms = [term]
        for name, words in subs.items():
            if f"!{name}!" in term:
                terms = [term.replace(f"!{name}!", w) for w in words]
        for t in terms:
            word = _word(t.rstrip("_")).strip()
            if not word or word in seen or "!" in word:
                continue
            seen.add(word)
            entry: Any = word
            if plural is not None:
                forms = plural.strip("{}").split()
                # "{}": no plural of its own; "{X}": X is its plural
                entry = {"term": word, "plural": _word(forms[0]) if forms else word}
            out.setdefault(sector, []).append(entry)
    return out, problems


# -- discards ---------------------------------------------------------------------------------


def convert_discards(text: str) -> tuple[dict[str, list[str]], list[str]]:
    """Phoenix discards: phrases whose sentence ("sentence") or whole story ("story", a "+"
    line) PETRARCH does not code, because they are sport, entertainment, natural history and
    the like. A phrase ending in "_" matches whole words; others match any word that begins
    with their last word ("WICKET" also "wickets"), as in PETRARCH. Bare years and "years
    ago"-like phrases are left out: dyad dates an event of 1945 as 1945 instead."""
    out: dict[str, list[str]] = {"sentence": [], "story": []}
    problems: list[str] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = _strip(raw).strip()
        if not line:
            continue
        story = line.startswith("+")
        phrase = line.lstrip("+").strip()
        if not phrase:
            continue
        if re.fullmatch(r"\d+", phrase) or re.search(r"\b(AGO|LATER)\b", phrase):
            problems.append(f"line {n}: a date, left out: {line}")
            continue
        whole = phrase.endswith("_")
        words = phrase.strip("_").replace("_", " ").lower().split()
        item = " ".join(words) + ("" if whole else "*")
        out["story" if story else "sentence"].append(item)
    return {k: sorted(set(v)) for k, v in out.items()}, problems


# -- the command ------------------------------------------------------------------------------


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _verbs(a: argparse.Namespace, text: str) -> tuple[str, list[str]]:
    known = {str(k) for k in yaml.safe_load(a.codes.read_text("utf-8"))}
    data, problems = convert(text, known, only_found_with=not a.whole_block)
    # one pattern a line, so a diff of a new dictionary shows what changed
    body = _dump({k: data[k] for k in ("forms", "classes")}) + "patterns:\n"
    for p in data["patterns"]:
        line = yaml.safe_dump(p, default_flow_style=True, sort_keys=False, width=10**6)
        body += f"- {line.strip()}\n"
    extra = [
        "# Each pattern's `origin` is its verb block and line there. Format: dyad/data/README.md.",
        "# dyad's own patterns (patterns.yaml) are tried first; these fill in what they lack.",
    ]
    summary = f"{len(data['patterns'])} patterns, {len(data['classes'])} classes"
    return _header("event patterns", a.dictionary, text, extra) + body, [summary, *problems]


def _agents(a: argparse.Namespace, text: str) -> tuple[str, list[str]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from dyad.types import SECTORS

    data, problems = convert_agents(text, set(SECTORS))
    extra = [
        "# Agent nouns (format of agents.yaml): dyad reads them after its own agents.yaml, and a",
        "# term dyad's own file has keeps dyad's sector.",
    ]
    summary = f"{sum(len(v) for v in data.values())} agent terms"
    return _header("agent nouns", a.dictionary, text, extra) + _dump(data), [summary, *problems]


def _discards(a: argparse.Namespace, text: str) -> tuple[str, list[str]]:
    data, problems = convert_discards(text)
    extra = [
        "# `sentence`: a sentence holding one of these phrases is not coded; `story`: no sentence",
        "# of a story holding one is. A final `*` matches any word that begins with the last word.",
    ]
    summary = f"{len(data['sentence'])} sentence and {len(data['story'])} story discards"
    return _header("discards", a.dictionary, text, extra) + _dump(data), [summary, *problems]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="kind", required=True)
    verbs = sub.add_parser("verbs", help="the CAMEO verb dictionary -> event patterns")
    verbs.add_argument(
        "--codes",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "src/dyad/data/events/cameo.yaml",
    )
    verbs.add_argument(
        "--whole-block",
        action="store_true",
        help="apply each pattern to every verb of its block, not only the verb it was found with",
    )
    sub.add_parser("agents", help="a Phoenix agents dictionary -> agent nouns")
    sub.add_parser("discards", help="a Phoenix discards list -> sentence and story discards")
    for p in sub.choices.values():
        p.add_argument("dictionary", type=Path)
        p.add_argument("--out", type=Path, required=True)
        p.add_argument("--problems", action="store_true", help="list what was not converted")
    a = ap.parse_args(argv)
    text = a.dictionary.read_text("utf-8", errors="replace")
    body, (summary, *problems) = {"verbs": _verbs, "agents": _agents, "discards": _discards}[
        a.kind
    ](a, text)
    a.out.write_text(body, "utf-8")
    print(f"{a.out}: {summary}; {len(problems)} lines not converted", file=sys.stderr)
    if a.problems:
        print("\n".join(problems), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
