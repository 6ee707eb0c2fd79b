"""Import actor dictionaries in the PETRARCH/TABARI/Phoenix format.

The format (PETRARCH's ``read_actor_dictionary``)::

    IMRAN_KHAN                       # a name; words joined by "_", a final "_" ends a word
    +IMRAN_AHMED_KHAN_NIAZI          # "+" lines are synonyms of the entry above
        [PAKELI]                     # an undated code
        [PAKGOVLEG >20130511]        # a code from a date on (YYYYMMDD or YYMMDD)
        [PAKGOVLEG 20021010-20071103]  # a code between two dates
        [PAKGOV <20021010]           # a code until a date
    PAKISTAN_  [PAK]                 # a code on the name line itself
    # comments start with "#"; "<!-- ... -->" blocks are comments too

A code's first three letters are the country or non-state code (``PAK``, ``IGO``, ``IMG``); the
next three, when they are a sector dyad knows (``GOV``, ``MIL``, ``REB``…), the sector. Names are
matched case-insensitively, since these dictionaries are written in capitals. Synonyms that are
stems (no final "_") are matched as whole words only. An entry with dated codes is a person.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from dyad.errors import DataFileError
from dyad.types import NON_STATE_CODES, SECTORS, Role

_CODE = re.compile(r"\[([A-Za-z~-]{3,})(?:\s+([<>]?)(\d{6,8})(?:-(\d{6,8}))?)?\s*\]")


@dataclass(frozen=True, slots=True)
class PhoenixRecord:
    name: str
    names: tuple[str, ...]
    roles: tuple[Role, ...]
    is_person: bool


def _date(value: str, where: str, path: str) -> dt.date:
    try:
        if len(value) == 6:  # YYMMDD: 00-49 are 2000s, 50-99 1900s, as PETRARCH reads them
            year = int(value[:2])
            return dt.date(
                2000 + year if year < 50 else 1900 + year, int(value[2:4]), int(value[4:])
            )
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError as e:
        raise DataFileError(path, where, f"bad date {value!r}") from e


def _name(raw: str) -> str:
    return " ".join(raw.strip().strip("+").replace("_", " ").split())


def parse_phoenix_actors(
    text: str, path: str = "<actors>", problems: list[str] | None = None
) -> Iterator[PhoenixRecord]:
    """Every entry of a Phoenix/PETRARCH actor dictionary.

    These files are hand-made and carry typos ("[ARMUNR 9008223-911221]"): a code that cannot
    be read is left out and described in ``problems``, and the rest of the file is imported.
    """
    problems = problems if problems is not None else []
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    current: dict | None = None

    def finish(cur: dict | None) -> Iterator[PhoenixRecord]:
        if cur and cur["roles"]:
            # Dated roles before undated ones: PETRARCH uses an undated code only when no dated
            # one covers the date, and dyad takes the first role that covers it.
            roles = sorted(cur["roles"], key=lambda r: r.start is None and r.end is None)
            yield PhoenixRecord(cur["name"], tuple(cur["names"]), tuple(roles), cur["dated"])

    for n, line in enumerate(text.splitlines(), 1):
        body = line.split("#", 1)[0].rstrip()
        if not body.strip():
            continue
        where = f"line {n}"
        stripped = body.strip()
        codes = list(_CODE.finditer(stripped))
        head = _CODE.sub("", stripped).strip()
        if stripped.startswith("+"):
            if current is None:
                raise DataFileError(path, where, "a synonym (+) before any entry")
            if head.strip("+"):
                current["names"].append(_name(head))
        elif head and not body[:1].isspace():
            yield from finish(current)
            current = {"name": _name(head), "names": [_name(head)], "roles": [], "dated": False}
        elif current is None and codes:
            raise DataFileError(path, where, "a code before any entry")
        for m in codes:
            if current is None:
                break
            try:
                role = _role(m, where, path)
            except DataFileError as e:
                problems.append(f"{path}: {where}: {e.problem} in {m.group(0)}; code left out")
                continue
            if role is not None:
                current["roles"].append(role)
                current["dated"] |= bool(m.group(3))
    yield from finish(current)


def _role(m: re.Match[str], where: str, path: str) -> Role | None:
    code = m.group(1).upper()
    if code.startswith("---") or len(code) < 3 or not code[:3].isalpha():
        return None
    country = code[:3]
    # "PAKGOVLEG" is PAK GOV; "PSEHMSMIL" (Hamas gunmen) is PSE MIL: the first sector found.
    sector = next(
        (code[i : i + 3] for i in range(3, len(code) - 2, 3) if code[i : i + 3] in SECTORS), None
    )
    if country in NON_STATE_CODES:
        sector = sector or (country if country in SECTORS else None)
    start = end = None
    if m.group(3):
        first = _date(m.group(3), where, path)
        if m.group(2) == ">":
            start = first
        elif m.group(2) == "<":
            end = first
        else:
            start = first
            end = _date(m.group(4), where, path) if m.group(4) else None
    return Role(
        code=country,
        country=None if country in NON_STATE_CODES else country,
        sector=sector,
        start=start,
        end=end,
    )


def to_yaml(path: str, out: str, problems: list[str]) -> int:
    """Write a Phoenix dictionary as dyad YAML (people and groups); return the entries."""
    from pathlib import Path

    import yaml

    text = Path(path).read_text("utf-8", errors="replace")
    entries = []
    for rec in parse_phoenix_actors(text, path, problems):
        roles = []
        for r in rec.roles:
            role: dict[str, object] = {"code": r.code}
            if r.country and r.country != r.code:
                role["country"] = r.country
            if r.sector:
                role["sector"] = r.sector
            if r.start:
                role["from"] = r.start.isoformat()
            if r.end:
                role["until"] = r.end.isoformat()
            roles.append(role)
        entry: dict[str, object] = {"name": rec.name.title(), "roles": roles}
        aliases = sorted({n.title() for n in rec.names if n != rec.name})
        if aliases:
            entry["aliases"] = aliases
        if not rec.is_person:
            entry["kind"] = "group"
        entries.append(entry)
    header = (
        f"# Imported by `dyad import-actors` from {Path(path).name}; format: dyad/data/README.md\n"
    )
    Path(out).write_text(
        header + yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=100), "utf-8"
    )
    return len(entries)
