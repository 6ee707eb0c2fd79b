#!/usr/bin/env python3
"""Generate a deterministic, news-like benchmark corpus (not checked in; made on demand).

    python scripts/gen_corpus.py --docs 10000 --out build/bench/corpus

Writes JSONL shards of 1,000 articles (``id``, ``text``, ``date``, ``url``, ``source``). Each
article mixes what real news has: a dateline, event sentences (who did what to whom, with
relative dates), many more sentences with no event (background, figures, quotes, colour),
speculation ("could", "would"), scraped boilerplate (menus, "Read more:" links, share buttons,
comment forms), and repeats: about 2% of articles are exact copies under another id, 2% are
syndicated near-copies, and some articles repeat a pull quote. The same seed gives the same
corpus, byte for byte.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path

STATES = [
    ("the United States", "US", "Washington"), ("Pakistan", "Pakistani", "Islamabad"),
    ("Afghanistan", "Afghan", "Kabul"), ("India", "Indian", "New Delhi"), ("China", "Chinese", "Beijing"),
    ("Iran", "Iranian", "Tehran"), ("Russia", "Russian", "Moscow"), ("Turkey", "Turkish", "Ankara"),
    ("Saudi Arabia", "Saudi", "Riyadh"), ("Qatar", "Qatari", "Doha"), ("Britain", "British", "London"),
    ("France", "French", "Paris"), ("Germany", "German", "Berlin"), ("Israel", "Israeli", "Jerusalem"),
    ("Egypt", "Egyptian", "Cairo"), ("Iraq", "Iraqi", "Baghdad"), ("Syria", "Syrian", "Damascus"),
    ("Japan", "Japanese", "Tokyo"), ("Bangladesh", "Bangladeshi", "Dhaka"), ("Nigeria", "Nigerian", "Abuja"),
]  # fmt: skip
PEOPLE = [
    "Imran Khan", "Mike Pompeo", "Donald Trump", "Shah Mahmood Qureshi", "Qamar Javed Bajwa",
    "Ashraf Ghani", "Narendra Modi", "Xi Jinping", "Zalmay Khalilzad", "Hassan Rouhani",
    "Vladimir Putin", "Recep Tayyip Erdogan", "Joe Biden", "Antony Blinken", "Abdul Ghani Baradar",
]  # fmt: skip
AGENTS = [
    "officials",
    "the foreign ministry",
    "the army",
    "police",
    "lawmakers",
    "diplomats",
    "the government",
]
GROUPS = ["the Taliban", "the IMF", "NATO", "the United Nations", "the FATF", "the World Bank"]
WHEN = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Sunday", "last week",
        "earlier this month", "at the beginning of the year", "in March", "on Saturday", "yesterday", ""]  # fmt: skip
EVENTS = [
    "{A} accused {B} of supporting militants {w}.",
    "{A} met {P} in {C} {w} to discuss the peace process.",
    "{A} held talks with {B} {w}, officials said.",
    "{P} criticised {B} for failing to curb cross-border attacks.",
    "{A} suspended military aid to {B} {w}.",
    "{A} imposed sanctions on {B} over its nuclear programme {w}.",
    "Police arrested dozens of protesters in {C} {w}.",
    "{A} threatened to cut ties with {B} {w}.",
    "{A} and {B} signed an agreement on trade and energy {w}.",
    "{A} rejected a proposal from {B} for joint patrols {w}.",
    "Militants attacked a checkpoint near {C} {w}, killing three soldiers.",
    "{P} visited {C} {w} and praised {B} for its cooperation.",
    "{A} expelled two diplomats from {B} {w}.",
    "{A} urged {B} to release the detained journalists.",
    "Thousands of people protested in {C} {w} against rising fuel prices.",
    "{A} agreed to resume negotiations with {B} {w}.",
    "{G} approved a loan of $6 billion for {B} {w}.",
    "{A} deployed troops along its border with {B} {w}.",
    "{P} said {A} would not accept any pressure from {B}.",
    "{A} could impose new restrictions on {B} if talks fail.",
]  # fmt: skip
FILLER = [
    "The economy grew by {n} percent in the last quarter, according to official figures.",
    "Analysts said the market reaction had been muted so far.",
    "The region has a long history of tension and mistrust.",
    "Temperatures reached {n} degrees in parts of the country this week.",
    "Inflation stood at {n} percent, the central bank said in its monthly report.",
    "The city of more than {n} million people is the country's commercial hub.",
    "Many residents said they were worried about the cost of living.",
    "The decision is expected to be discussed in parliament later this year.",
    "Experts say the issue is unlikely to be resolved quickly.",
    "The report runs to more than {n} pages and includes several annexes.",
    "It was not immediately clear how many people were affected.",
    "The cricket team won the series by {n} runs on the final day.",
    "Shares in the largest bank rose {n} percent in early trading.",
    "The new highway will cut travel time between the two cities by half.",
    "Officials have long argued that the reforms would take time to bear fruit.",
    "A spokesman declined to comment on the details of the plan.",
    "The festival drew large crowds despite the heat.",
    "Schools will remain closed until the end of the month, the education department said.",
    "The province produces nearly {n} percent of the nation's wheat.",
    "Critics say the programme has done little to reduce poverty.",
    "The country imports most of its oil and gas.",
    "Officials said the figures were preliminary and could be revised.",
    "\u201cWe are watching the situation closely,\u201d one official said.",
    "The two countries share a border of more than {n} kilometres.",
    "The government has promised to create millions of jobs.",
]  # fmt: skip
BOILERPLATE = [
    "Skip to content", "Home | World | Asia | Business | Opinion", "Share on Facebook", "Share on Twitter",
    "Read more: {h}", "Related: {h}", "Sign up for our daily newsletter", "Leave a Reply",
    "Your email address will not be published. Required fields are marked *", "Scroll to top",
    "IMG_{n}.jpg", "Photo: AFP", "\u00a9 2019 Example News. All rights reserved.",
]  # fmt: skip


def _fill(rng: random.Random, template: str) -> str:
    a, b = rng.sample(STATES, 2)
    text = template.format(
        A=rng.choice([a[0], f"{a[1]} officials", a[2], rng.choice(PEOPLE)]),
        B=rng.choice([b[0], b[2], rng.choice(GROUPS)]),
        P=rng.choice(PEOPLE),
        C=rng.choice([a[2], b[2]]),
        G=rng.choice(GROUPS),
        w=rng.choice(WHEN),
        n=rng.randint(2, 900),
    )
    text = " ".join(text.split()).replace(" .", ".").replace(" ,", ",")
    return text[0].upper() + text[1:]


def _headline(rng: random.Random) -> str:
    return _fill(rng, rng.choice(EVENTS)).rstrip(".")


F_SUBJECTS = [
    "The central bank", "The statistics bureau", "A local trade body", "The finance ministry",
    "Economists", "Residents of the capital", "Farmers in the south", "The opposition newspaper",
    "A senior analyst", "The provincial health department", "Business leaders", "Teachers",
    "The national airline", "A university study", "The weather office", "Young voters",
]  # fmt: skip
F_PREDICATES = [
    "reported that prices rose by {n} percent", "said exports fell for a {o} month",
    "expects growth of about {n} percent next year", "warned of water shortages in the summer",
    "published figures showing record wheat harvests", "said demand for electricity hit a peak",
    "noted that {n} new schools opened", "described the harvest as the best in a decade",
    "pointed to rising fuel costs", "said the trains were running {n} minutes late on average",
    "recorded {n} millimetres of rain", "said the stock index closed {n} points higher",
    "counted {n} new small businesses", "said the cricket season drew record crowds",
    "said hospital waiting times had fallen", "reported strong sales of mobile phones",
]  # fmt: skip
F_TAILS = [
    "", " in the first quarter", " despite the heat", " across the province", " this season",
    " in the port city", " according to a report released on its website", " over the past year",
    " in rural districts", " for the third time", " after a slow start", " in recent weeks",
]  # fmt: skip


def _filler(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(FILLER).format(n=rng.randint(2, 900))
    pred = rng.choice(F_PREDICATES).format(
        n=rng.randint(2, 900), o=rng.choice(["second", "third", "fourth"])
    )
    return f"{rng.choice(F_SUBJECTS)} {pred}{rng.choice(F_TAILS)}."


def article(rng: random.Random, i: int, date: dt.date) -> dict[str, str]:
    n_sent = rng.randint(10, 40)
    sentences = [
        _fill(rng, rng.choice(EVENTS)) if rng.random() < 0.18 else _filler(rng)
        for _ in range(n_sent)
    ]
    paragraphs = []
    j = 0
    while j < len(sentences):
        k = rng.randint(1, 4)
        paragraphs.append(" ".join(sentences[j : j + k]))
        j += k
    if rng.random() < 0.2:  # a pull quote, repeated
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), sentences[0])
    lines = [
        rng.choice(BOILERPLATE[:2]),
        _headline(rng),
        f"{rng.choice(STATES)[2].upper()}, {date:%B %d, %Y}",
    ]
    lines += paragraphs
    for _ in range(rng.randint(1, 4)):
        lines.insert(
            rng.randrange(3, len(lines) + 1),
            rng.choice(BOILERPLATE).format(h=_headline(rng), n=rng.randint(1000, 9999)),
        )
    lines += BOILERPLATE[7:10]
    return {
        "id": f"bench-{i:07d}",
        "text": "\n\n".join(lines),
        "date": date.isoformat(),
        "url": f"https://news.example.com/{date:%Y/%m/%d}/story-{i}",
        "source": "Example News",
    }


def generate(docs: int, out: Path, seed: int = 7, shard: int = 1000) -> list[Path]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    start = dt.date(2018, 1, 1)
    written: list[Path] = []
    recent: list[dict[str, str]] = []
    f = None
    for i in range(docs):
        if i % shard == 0:
            if f:
                f.close()
            path = out / f"shard-{i // shard:05d}.jsonl"
            written.append(path)
            f = open(path, "w", encoding="utf-8")  # noqa: SIM115 - one shard after another
        date = start + dt.timedelta(days=rng.randrange(1400))
        roll = rng.random()
        if recent and roll < 0.02:  # an exact copy under another id
            rec = {**rng.choice(recent), "id": f"bench-{i:07d}"}
        elif recent and roll < 0.04:  # a syndicated near-copy
            base = rng.choice(recent)
            text = base["text"].replace("officials", "authorities", 1).replace("said", "stated", 1)
            rec = {
                **base,
                "id": f"bench-{i:07d}",
                "text": "Syndicated from Example Wire\n\n" + text,
            }
        else:
            rec = article(rng, i, date)
            recent = [*recent, rec][-50:]
        assert f is not None
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    if f:
        f.close()
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--out", type=Path, default=Path("build/bench/corpus"))
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    paths = generate(a.docs, a.out, a.seed)
    print(f"{a.docs} articles in {len(paths)} shards under {a.out}")


if __name__ == "__main__":
    main()
