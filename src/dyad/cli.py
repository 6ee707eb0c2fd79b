"""The ``dyad`` command: thin commands over the public API.

Each command opens what it needs, calls one library function and turns ``DyadError`` into a
one-line message and exit code 1 (2 for usage errors, as click does).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from dyad import api
from dyad.errors import DyadError
from dyad.settings import Settings
from dyad.store import EventFilter

if TYPE_CHECKING:
    from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from e


def _dyad(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    parts = value.upper().replace(",", "-").split("-")
    if len(parts) != 2 or not all(len(p) == 3 and p.isalpha() for p in parts):
        raise click.BadParameter(f"{value!r} is not a dyad like USA-PAK")
    return parts[0], parts[1]


def handle_errors(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DyadError as e:
            click.echo(f"dyad: {e}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("dyad: interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def _settings(config: str | None, **overrides: Any) -> Settings:
    return Settings.load(config, overrides)


db_option = click.option(
    "--db", default="dyad.duckdb", show_default=True, help="The DuckDB store file."
)
config_option = click.option(
    "--config", type=click.Path(exists=True, dir_okay=False), help="A dyad.toml settings file."
)
meta_option = click.option(
    "--meta",
    type=click.Path(exists=True, dir_okay=False),
    help="CSV with doc_id,date[,url,title,source] giving publication dates.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="dyad")
def main() -> None:
    """Political event data from news articles: who did what to whom, when and where,
    with the sentence that says so.

    \b
    Example:
      dyad run articles/ --meta dates.csv
      dyad stats
      dyad events --dyad USA-PAK --format csv > usa-pak.csv
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@meta_option
@db_option
@config_option
@click.option("--processes", type=int, help="Parser processes (0 = one per core).")
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where to run: this process, or a Dask cluster.",
)
@click.option("--address", help="Dask scheduler address (default: start a local cluster).")
@click.option(
    "--workers", type=int, help="Workers of the local Dask cluster (default: one per core)."
)
@click.option(
    "--retry-skipped",
    is_flag=True,
    help="Code again the inputs an earlier run skipped as timeout (without it they are passed "
    "over while unchanged; every other skipped input is always read again).",
)
@click.option("--quiet", is_flag=True, help="No progress bar or summary.")
@handle_errors
def run(
    paths: tuple[str, ...],
    meta: str | None,
    db: str,
    config: str | None,
    processes: int | None,
    engine: str,
    address: str | None,
    workers: int | None,
    retry_skipped: bool,
    quiet: bool,
) -> None:
    """Ingest articles and code their events into the store.

    PATHS are files or folders of .txt, .html, .jsonl and .warc(.gz) articles. Only new or
    changed documents are processed; re-running on the same input adds nothing.

    A document that takes longer than document_timeout_s (30 s; set it in dyad.toml, 0 for no
    limit) is skipped as timeout and the run goes on. Later runs pass over it while it is
    unchanged, unless --retry-skipped.

    \b
    Example:
      dyad run samples/articles --meta samples/meta.csv --db demo.duckdb
      dyad run samples/articles --db demo.duckdb --retry-skipped
    """
    settings = _settings(config, db_path=db, n_process=processes)
    if engine == "dask":
        from dyad.engines.dask import run_dask

        summary = run_dask(
            list(paths),
            db=db,
            meta=meta,
            settings=settings,
            address=address,
            workers=workers,
            retry_skipped=retry_skipped,
        )
    elif quiet:
        summary = api.run(
            list(paths), db=db, meta=meta, settings=settings, retry_skipped=retry_skipped
        )
    else:
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(bar_width=None),
            TextColumn("{task.fields[docs]} documents, {task.fields[events]} events"),
            TimeElapsedColumn(),
            transient=True,
            console=_console(stderr=True),
        ) as bar:
            task = bar.add_task("coding", total=None, docs=0, events=0)

            def progress(inputs: int, docs: int, events: int) -> None:
                bar.update(
                    task, completed=inputs, docs=docs, events=events, description=f"{inputs} inputs"
                )

            def storing() -> None:
                bar.update(task, description="storing in the database")

            summary = api.run(
                list(paths),
                db=db,
                meta=meta,
                settings=settings,
                progress=progress,
                storing=storing,
                retry_skipped=retry_skipped,
            )
    if not quiet:
        _print_summary(summary)


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _print_summary(summary: api.RunSummary) -> None:
    from rich.table import Table

    c = summary.counts
    con = _console()
    con.print(
        f"[bold]This run[/]: {c.inputs} inputs -> {c.documents} new documents, "
        f"{c.unchanged} unchanged, {c.skipped} skipped; {c.sentences} sentences "
        f"({c.parsed} parsed), {c.events} events"
    )
    if summary.skips:
        con.print("  skipped: " + ", ".join(f"{n} {r}" for r, n in sorted(summary.skips.items())))
    if c.not_retried:
        con.print(
            f"  not retried: {c.not_retried} inputs that timed out before, unchanged "
            "(--retry-skipped to code them again)"
        )
    if c.slowest_doc:
        con.print(f"  slowest document: {c.slowest_doc}, {c.slowest_s:.1f} s")
    with api.open_store(summary.db, read_only=True) as store:
        s = store.stats()
    con.print(
        f"[bold]Store[/] {summary.db}: {s['documents']} documents, {s['sentences']} sentences, "
        f"{s['events']} events ({s['mentions']} mentions)"
    )
    t = Table(title="Events by type", show_edge=False)
    t.add_column("PLOVER")
    t.add_column("events", justify="right")
    for k, v in s["events_by_type"].items():
        t.add_row(k, str(v))
    con.print(t)
    d = Table(title="Top dyads", show_edge=False)
    for col in ("source", "target", "events"):
        d.add_column(col, justify="right" if col == "events" else "left")
    for a, b, n in s["top_dyads"]:
        d.add_row(a, b, str(n))
    con.print(d)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@meta_option
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where to write the events (JSONL).",
)
@click.option(
    "--all-modalities",
    is_flag=True,
    help="Also write statements not asserted as fact (hypothetical, future, negated…), marked by their modality.",
)
@config_option
@handle_errors
def extract(
    paths: tuple[str, ...], meta: str | None, out: str, all_modalities: bool, config: str | None
) -> None:
    """Code articles and write their events as JSONL; no store file is left behind.

    A document that takes longer than document_timeout_s (30 s; set it in dyad.toml) is skipped
    as timeout, and the others are written.

    \b
    Example:
      dyad extract ../shared/data/seeds-dev/*.txt --meta ../shared/data/seeds-dev/meta.csv --out e.jsonl
    """
    summary = api.extract(
        list(paths), out=out, meta=meta, settings=_settings(config), all_modalities=all_modalities
    )
    c = summary.counts
    reasons: dict[str, int] = {}
    for s in summary.skips:
        reasons[s.reason.value] = reasons.get(s.reason.value, 0) + 1
    skipped = ", ".join(f"{n} {r}" for r, n in sorted(reasons.items())) or "none"
    click.echo(
        f"{c.documents} documents, {c.sentences} sentences, {summary.written} events -> {out}; skipped: {skipped}",
        err=True,
    )


@main.command()
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "parquet", "plover", "gdelt"]),
    default="jsonl",
    show_default=True,
)
@click.option("--dyad", "dyad_", callback=_dyad, help="Only this directed dyad, e.g. USA-PAK.")
@click.option("--undirected", is_flag=True, help="With --dyad: both directions.")
@click.option("--actor", help="Only events with this actor code on either side.")
@click.option("--type", "types", multiple=True, help="Only these PLOVER types (repeatable).")
@click.option("--since", callback=_date, help="From this date (YYYY-MM-DD).")
@click.option("--until", callback=_date, help="Up to this date (YYYY-MM-DD).")
@click.option("--mentions", is_flag=True, help="One row per mention instead of per event.")
@click.option("--all-modalities", is_flag=True, help="Include statements not asserted as fact.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    help="Output file (default: standard output; parquet needs a file).",
)
@handle_errors
def events(
    db: str,
    fmt: str,
    dyad_: tuple[str, str] | None,
    undirected: bool,
    actor: str | None,
    types: tuple[str, ...],
    since: dt.date | None,
    until: dt.date | None,
    mentions: bool,
    all_modalities: bool,
    out: str | None,
) -> None:
    """Export events from the store.

    `plover` writes the PLOVER project's JSON records; `gdelt` a tab-separated file with the
    61 GDELT 2.0 event columns (those dyad can fill are filled).

    \b
    Example:
      dyad events --dyad USA-PAK --since 2018-01-01 --format csv --out usa-pak.csv
    """
    from dyad.export import write_events

    f = EventFilter(
        dyad=dyad_,
        undirected=undirected,
        actor=actor.upper() if actor else None,
        plover=tuple(t.upper() for t in types),
        since=since,
        until=until,
        all_modalities=all_modalities,
    )
    if fmt == "parquet" and not out:
        raise click.UsageError("--format parquet needs --out FILE")
    with api.open_store(db, read_only=True) as store:
        docs = {
            d: (u, t, s)
            for d, u, t, s in store.query("SELECT doc_id, url, title, source FROM documents")
        }
        items = ((e, 1) for e in store.mentions(f)) if mentions else store.events(f)
        n = write_events(items, out or sys.stdout, fmt, docs)
    if out:
        click.echo(f"{n} {'mentions' if mentions else 'events'} -> {out}", err=True)


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def stats(db: str, as_json: bool) -> None:
    """Counts of documents, sentences, events by type, skips by reason.

    \b
    Example:
      dyad stats --db demo.duckdb
    """
    with api.open_store(db, read_only=True) as store:
        s = store.stats()
    if as_json:
        click.echo(json.dumps(s, indent=2, default=str))
        return
    click.echo(
        f"documents  {s['documents']}\nsentences  {s['sentences']}\nevents     {s['events']} ({s['mentions']} mentions)"
    )
    if s["not_asserted"]:
        click.echo(
            "not coded as fact: " + ", ".join(f"{n} {k}" for k, n in s["not_asserted"].items())
        )
    click.echo("events by type:")
    for k, v in s["events_by_type"].items():
        click.echo(f"  {k:<10} {v}")
    click.echo("skips by reason:" + ("" if s["skips_by_reason"] else " none"))
    for k, v in s["skips_by_reason"].items():
        click.echo(f"  {k:<15} {v}")
    if s["drops_by_reason"]:
        click.echo(
            "dropped inside documents: "
            + ", ".join(f"{n} {k}" for k, n in s["drops_by_reason"].items())
        )


@main.command()
@db_option
@click.option(
    "--reason", help="Only this reason (e.g. not_english, malformed, duplicate, timeout)."
)
@handle_errors
def skips(db: str, reason: str | None) -> None:
    """List inputs that were not stored, with the reason for each (for a timeout: the stage and
    sentence where the document stood).

    \b
    Example:
      dyad skips --reason malformed
      dyad skips --reason timeout --db demo.duckdb
    """
    with api.open_store(db, read_only=True) as store:
        for s in store.skips(reason):
            extra = f" (doc {s.doc_id})" if s.doc_id else ""
            click.echo(f"{s.reason.value:<15} {s.origin}{extra}: {s.detail}")


@main.command()
@click.argument("sentence")
@click.option(
    "--date",
    callback=_date,
    help="Publication date to resolve relative dates against (YYYY-MM-DD).",
)
@config_option
@handle_errors
def explain(sentence: str, date: dt.date | None, config: str | None) -> None:
    """Show how dyad reads one sentence: the parse, the actors found, each candidate predicate
    and why it was or was not coded.

    \b
    Example:
      dyad explain "On Sunday, the Pentagon cancelled $300 million in aid to Pakistan." --date 2018-09-05
    """
    click.echo(api.explain(sentence, date, _settings(config)))


@main.command()
@click.argument("events", type=click.Path(exists=True, dir_okay=False))
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--show", is_flag=True, help="List each miss, wrong event and trap hit.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable figures.")
@handle_errors
def evaluate(events: str, gold: str, show: bool, as_json: bool) -> None:
    """Score an event JSONL file against gold: articles with required, acceptable and
    forbidden events, or sentences with expected triples (the format is detected).

    \b
    Example:
      dyad extract ../shared/data/seeds-dev/*.txt --meta ../shared/data/seeds-dev/meta.csv --out e.jsonl
      dyad evaluate e.jsonl ../shared/data/seeds-dev/gold.jsonl --show
    """
    from dyad.evaluate import evaluate as run_evaluation

    score = run_evaluation(events, gold)
    if as_json:
        click.echo(json.dumps(score.as_dict(), indent=2))
        return
    if show:
        for line in score.misses + score.wrong + score.traps:
            click.echo(line)
        click.echo()
    click.echo(score.summary())
    click.echo("by expected type (what was coded instead when it was missed):")
    for plover, coded in sorted(score.confusion.items()):
        parts = ", ".join(f"{k} {v}" for k, v in coded.most_common())
        click.echo(f"  {plover:<10} {parts}")


@main.command("import-actors")
@click.argument("dictionary", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False), help="Where to write dyad's YAML."
)
@handle_errors
def import_actors(dictionary: str, out: str) -> None:
    """Convert a PETRARCH/TABARI/Phoenix actor dictionary (with dated roles) to dyad's people
    and groups YAML, reporting the codes it could not read.

    The result can be used with `actor_files` in dyad.toml, or the .txt file can be given
    there directly.

    \b
    Example:
      dyad import-actors Phoenix.Countries.actors.txt --out my-actors.yaml
    """
    from dyad.phoenix import to_yaml

    problems: list[str] = []
    n = to_yaml(dictionary, out, problems)
    for p in problems:
        click.echo(f"warning: {p}", err=True)
    click.echo(f"{n} entries -> {out} ({len(problems)} codes left out)", err=True)


# -- timelines, reports and the web UI ------------------------------------------------------

SPARK = "▁▂▃▄▅▆▇█"


def sparkline(
    values: list[float | None], low: float | None = None, high: float | None = None
) -> str:
    """One character a value, ▁ (lowest) to █ (highest); a blank for None."""
    present = [v for v in values if v is not None]
    if not present:
        return " " * len(values)
    lo = min(present) if low is None else low
    hi = max(present) if high is None else high
    span = (hi - lo) or 1.0
    return "".join(
        " " if v is None else SPARK[min(len(SPARK) - 1, int((v - lo) / span * len(SPARK)))]
        for v in values
    )


def _code(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not (len(value) == 3 and value.isalpha()):
        raise click.BadParameter(f"{value!r} is not an actor code like USA")
    return value.upper()


@main.command()
@click.argument("source", callback=_code)
@click.argument("target", callback=_code)
@db_option
@click.option(
    "--by",
    type=click.Choice(["day", "week", "month"]),
    default="month",
    show_default=True,
    help="The period of each row.",
)
@click.option("--undirected", is_flag=True, help="Both directions: SOURCE on TARGET and back.")
@click.option("--type", "types", multiple=True, help="Only these PLOVER types (repeatable).")
@click.option("--since", callback=_date, help="From this date (YYYY-MM-DD).")
@click.option("--until", callback=_date, help="Up to this date (YYYY-MM-DD).")
@click.option("--words", help="Only events with a sentence holding all these words.")
@click.option(
    "--mentions",
    is_flag=True,
    help="Weight each event by its mentions instead of counting it once.",
)
@handle_errors
def timeline(
    source: str,
    target: str,
    db: str,
    by: str,
    undirected: bool,
    types: tuple[str, ...],
    since: dt.date | None,
    until: dt.date | None,
    words: str | None,
    mentions: bool,
) -> None:
    """A dyad over time: events (or mentions) by quad class (verbal and material cooperation
    and conflict), Goldstein sum and mean, and the cooperation–conflict index, one row a
    period, with sparklines of the count and the index.

    The index is (cooperation − conflict) / (cooperation + conflict), from −1 to 1; a period
    with no events has none ("–"). Events dated only to a month or a year fall on its first day.

    \b
    Example:
      dyad timeline USA PAK --by month --undirected
    """
    from rich.table import Table

    from dyad.analysis import dyad_series

    codes = (source, target)
    f = EventFilter(
        dyad=codes,
        undirected=undirected,
        plover=tuple(t.upper() for t in types),
        since=since,
        until=until,
        text=words,
    )
    with api.open_store(db, read_only=True) as store:
        series = dyad_series(store, f, by)  # type: ignore[arg-type]
    con = _console()
    arrow = "↔" if undirected else "→"
    what = "mentions" if mentions else "events"
    if not series.points:
        con.print(f"No {what} {codes[0]} {arrow} {codes[1]} with these filters.")
        return
    tallies = [p.mentions if mentions else p.events for p in series.points]
    t = Table(title=f"{codes[0]} {arrow} {codes[1]} by {by} ({what})", show_edge=False)
    t.add_column("period", no_wrap=True, min_width=7 if by == "month" else 10)
    for col in (what, "vcoop", "mcoop", "vconf", "mconf", "G.sum", "G.mean", "index"):
        t.add_column(col, justify="right", no_wrap=True)
    for p, x in zip(series.points, tallies, strict=True):
        t.add_row(
            p.period.isoformat()[: 7 if by == "month" else 10],
            str(x.count),
            *(str(n) for n in x.by_quad),
            f"{x.goldstein_sum:.1f}",
            "–" if x.goldstein_mean is None else f"{x.goldstein_mean:.2f}",
            "–" if x.index is None else f"{x.index:+.2f}",
        )
    con.print(t)
    total = series.mentions if mentions else series.events
    con.print(f"{what:<8} {sparkline([float(x.count) for x in tallies], low=0)}")
    con.print(f"{'index':<8} {sparkline([x.index for x in tallies], low=-1, high=1)}")
    index = "–" if total.index is None else f"{total.index:+.2f}"
    con.print(
        f"total: {total.count} {what}, {total.cooperation} cooperation, {total.conflict} "
        f"conflict, index {index}"
    )


@main.command()
@db_option
@click.option(
    "--dyad", "dyad_", callback=_dyad, help="The dyad, e.g. USA-PAK (default: the busiest)."
)
@click.option(
    "--by",
    type=click.Choice(["day", "week", "month"]),
    default="month",
    show_default=True,
    help="The period of the charts.",
)
@click.option("--since", callback=_date, help="From this date (YYYY-MM-DD).")
@click.option("--until", callback=_date, help="Up to this date (YYYY-MM-DD).")
@click.option(
    "--out",
    default="report.html",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The HTML file to write.",
)
@handle_errors
def report(
    db: str,
    dyad_: tuple[str, str] | None,
    by: str,
    since: dt.date | None,
    until: dt.date | None,
    out: str,
) -> None:
    """Write one self-contained HTML file about a dyad (it works offline): its index over time,
    its events stacked by type, its key events with their sentences, and the actor network.

    \b
    Example:
      dyad report --db demo.duckdb --dyad USA-PAK --out report.html
    """
    from dyad.report import write_report

    with api.open_store(db, read_only=True) as store:
        r = write_report(store, out, dyad_, by, since, until)  # type: ignore[arg-type]
    a, b = r.dyad
    click.echo(
        f"{a}-{b}: {r.events} events, {r.periods} periods, {r.key_events} key events -> {out}",
        err=True,
    )


@main.command()
@db_option
@handle_errors
def index(db: str) -> None:
    """Build the store's analysis index (per-dyad day counts, events with their evidence, a
    word index of the sentences), so that `dyad serve` and `dyad report` start at once and
    answer fast. Without it they build it in memory each time they start.

    \b
    Example:
      dyad index --db demo.duckdb
    """
    with api.open_store(db) as store:
        store.build_analysis_index()
    click.echo(f"analysis index built in {db}", err=True)


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--no-index",
    is_flag=True,
    help="Do not write the analysis index into the store when it is missing or old.",
)
@handle_errors
def serve(db: str, host: str, port: int, no_index: bool) -> None:
    """Serve the web page and the JSON API over the store, read-only (API description at
    /openapi.json and /docs).

    The page: pick two actors and a period, see the chart, click a point and read the events
    behind it, each sentence highlighted in its article. Before serving, the store's analysis
    index is built if it is missing or older than the events (unless --no-index, or the store
    cannot be written: it is then built in memory).

    \b
    Example:
      dyad serve --db demo.duckdb --port 8000
    """
    import uvicorn

    from dyad.errors import StoreError
    from dyad.web import create_app

    if not no_index:
        with api.open_store(db, read_only=True) as store:
            current = store.analysis_index_is_current()
        if not current:
            click.echo("building the analysis index…", err=True)
            try:
                with api.open_store(db) as store:
                    store.build_analysis_index()
            except StoreError as e:
                click.echo(f"dyad: {e}; building it in memory instead", err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"dyad: serving on {host}: anyone who can reach it can read the store", err=True)
    uvicorn.run(create_app(db), host=host, port=port, log_level="info")


if __name__ == "__main__":  # pragma: no cover
    main()
