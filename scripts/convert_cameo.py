#!/usr/bin/env python3
"""Convert PETRARCH-2's CAMEO verb dictionary into dyad event patterns.

    python scripts/convert_cameo.py ../shared/data/dictionaries/CAMEO.2.0.txt \
        --out src/dyad/data/events/cameo_verbs.yaml          # or: make lexicon

The dictionary (openeventdata/petrarch2, MIT) is a list of synonym sets (``&NAME`` then ``+WORD``
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
PROVENANCE = "openeventdata/petrarch2 @676801c, petrarch2/data/dictionaries/CAMEO.2.0.txt"


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


def _header(source: Path, digest: str, text: str) -> str:
    notice = []
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
    return "\n".join(
        [
            "# dyad event patterns converted from PETRARCH-2's CAMEO verb dictionary. Do not edit:",
            "# regenerate with `make lexicon` (scripts/convert_cameo.py), which reads",
            f"# {source.name} (sha256 {digest[:16]}) from {PROVENANCE}.",
            "# Each pattern's `origin` is its verb block and line there. Format: dyad/data/README.md.",
            "# dyad's own patterns (patterns.yaml) are tried first; these fill in what they lack.",
            "#",
            "# The dictionary's license, which covers these patterns:",
            *notice,
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dictionary", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument(
        "--codes",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "src/dyad/data/events/cameo.yaml",
    )
    ap.add_argument("--problems", action="store_true", help="list what was not converted")
    ap.add_argument(
        "--whole-block",
        action="store_true",
        help="apply each pattern to every verb of its block, not only the verb it was found with",
    )
    a = ap.parse_args(argv)
    text = a.dictionary.read_text("utf-8", errors="replace")
    known = {str(k) for k in yaml.safe_load(a.codes.read_text("utf-8"))}
    data, problems = convert(text, known, only_found_with=not a.whole_block)
    digest = hashlib.sha256(a.dictionary.read_bytes()).hexdigest()
    # one pattern a line, so a diff of a new dictionary shows what changed
    dump = {"sort_keys": False, "allow_unicode": True, "width": 100}
    body = yaml.safe_dump({k: data[k] for k in ("forms", "classes")}, **dump) + "patterns:\n"
    for p in data["patterns"]:
        line = yaml.safe_dump(p, default_flow_style=True, sort_keys=False, width=10**6)
        body += f"- {line.strip()}\n"
    a.out.write_text(_header(a.dictionary, digest, text) + body, "utf-8")
    print(
        f"{a.out}: {len(data['patterns'])} patterns, {len(data['classes'])} classes; "
        f"{len(problems)} lines not converted",
        file=sys.stderr,
    )
    if a.problems:
        print("\n".join(problems), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
