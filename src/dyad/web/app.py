"""The web API and page, read-only over a store.

    dyad serve --db dyad.duckdb          # http://127.0.0.1:8000

JSON endpoints, all GET, described at ``/openapi.json`` (and readable at ``/docs``)::

    /api/events             events with their evidence: filters, word search, pages
    /api/key-events         the events of largest |Goldstein| × mentions
    /api/timeline           a dyad's (or any filter's) counts, Goldstein and index per period
    /api/network            who acts on whom: directed edges with counts and mean Goldstein
    /api/dyads /api/actors  what there is to look at, busiest first
    /api/documents/{id}     an article with the spans of its events' mentions

``/`` is the page: pick two actors and a period, see the chart, click a point, read the events
behind it and each one's sentence highlighted in its article. Its script, style and the Vega
libraries are served by the app itself (the libraries from the vl-convert package); nothing
comes from a CDN.

Safety: the store is opened read-only and each request gets its own cursor; every query is
parameterised (``store.py``); every parameter is validated, so bad input is a 422, never a
500; page sizes, search text, query strings and request bodies are limited; the only files
served are the page's own, read once at start.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, MutableMapping
from contextlib import asynccontextmanager
from importlib import resources
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from dyad import analysis
from dyad.errors import DyadError
from dyad.store import EventFilter, Store
from dyad.types import PLOVER_TYPES

MAX_PAGE = 200  # events a page
MAX_OFFSET = 10_000  # deeper pages cost a sort of everything before them; narrow the filter
MAX_TEXT = 200  # characters of search text
MAX_QUERY_STRING = 4096  # bytes of a query string: room for the longest valid one, encoded
MAX_BODY = 1024  # bytes of a request body: the API takes none
CODE = r"^[A-Za-z]{3}$"
DYAD = r"^[A-Za-z]{3}-[A-Za-z]{3}$"
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    # Vega compiles its expressions with Function() and vega-embed adds a style element.
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
        b"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        b"frame-ancestors 'none'",
    ),
]
STATIC = {  # name -> media type; the only files the app serves
    "index.html": "text/html; charset=utf-8",
    "docs.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}

Plover = enum.StrEnum("Plover", [(t, t) for t in PLOVER_TYPES])  # type: ignore[misc]


@functools.cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed in one script, from the installed vl-convert package
    (it takes a second or two, once a process)."""
    import vl_convert

    return str(vl_convert.javascript_bundle())  # type: ignore[call-arg]  # its stub wants a snippet


def create_app(db: str) -> FastAPI:
    """The app over the store at ``db``, opened read-only when the app starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = Store(db, read_only=True)
        store.reader().close()  # the analysis tables are found (or built) before any request
        app.state.store = store
        # The page's first visit should not wait for the Vega bundle to be made.
        threading.Thread(target=vega_bundle, daemon=True).start()
        try:
            yield
        finally:
            store.close()

    app = FastAPI(
        title="dyad",
        summary="Political events from news articles: who did what to whom, with the evidence.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's docs page loads its script from a CDN; /docs is our own
        redoc_url=None,
    )
    app.add_middleware(Limits)
    static = {
        name: (resources.files("dyad.web").joinpath("static", name).read_text("utf-8"), media)
        for name, media in STATIC.items()
    }

    @app.exception_handler(DyadError)
    async def dyad_error(request: Request, exc: DyadError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    def page(name: str) -> Response:
        text, media = static[name]
        return Response(text, media_type=media)

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    def index() -> Response:
        return page("index.html")

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs() -> Response:
        return page("docs.html")

    @app.get("/static/{name}", include_in_schema=False)
    def static_file(name: str) -> Response:
        if name == "vega.js":
            return Response(
                vega_bundle(),
                media_type="text/javascript; charset=utf-8",
                headers={"cache-control": "public, max-age=86400"},
            )
        if name not in static:
            raise HTTPException(404, "no such file")
        return page(name)

    app.include_router(_api_router())
    return app


def _store(request: Request) -> Iterator[Store]:
    reader = request.app.state.store.reader()
    try:
        yield reader
    finally:
        reader.close()


StoreDep = Annotated[Store, Depends(_store)]


def _filter(
    dyad: Annotated[
        str | None,
        Query(pattern=DYAD, description="Source and target actor codes: `USA-PAK`."),
    ] = None,
    undirected: Annotated[bool, Query(description="With `dyad`: both directions.")] = False,
    actor: Annotated[
        str | None, Query(pattern=CODE, description="An actor code on either side.")
    ] = None,
    types: Annotated[
        list[Plover] | None,
        Query(alias="type", max_length=len(PLOVER_TYPES), description="PLOVER types."),
    ] = None,
    since: Annotated[dt.date | None, Query(description="From this date (inclusive).")] = None,
    until: Annotated[dt.date | None, Query(description="Up to this date (inclusive).")] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_TEXT,
            description="Words that must all be in the evidence sentence (whole words, any case).",
        ),
    ] = None,
) -> EventFilter:
    pair = tuple(dyad.upper().split("-")) if dyad else None
    return EventFilter(
        dyad=(pair[0], pair[1]) if pair else None,
        undirected=undirected,
        actor=actor.upper() if actor else None,
        plover=tuple(str(t) for t in types or ()),
        since=since,
        until=until,
        text=q or None,
    )


FilterDep = Annotated[EventFilter, Depends(_filter)]


def _api_router() -> Any:
    from fastapi import APIRouter

    limits: dict[int | str, dict[str, Any]] = {
        411: {"description": "A streamed request body"},
        413: {"description": f"A request body over {MAX_BODY} bytes"},
        414: {"description": f"A query string over {MAX_QUERY_STRING} bytes"},
    }
    api = APIRouter(prefix="/api", responses=limits)

    @api.get("/events")
    def events(
        store: StoreDep,
        f: FilterDep,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> analysis.EventPage:
        """Events matching the filters, oldest first, each with its evidence sentence (the
        first mention, or the first holding the searched words) and its document."""
        return analysis.find_events(store, f, limit, offset)

    @api.get("/key-events")
    def key_events(
        store: StoreDep, f: FilterDep, limit: Annotated[int, Query(ge=1, le=100)] = 10
    ) -> list[analysis.KeyEvent]:
        """The events that weigh most: largest |Goldstein| × mentions first."""
        return analysis.key_events(store, f, limit)

    @api.get("/timeline")
    def timeline(
        store: StoreDep,
        f: FilterDep,
        by: Annotated[
            analysis.Unit, Query(description="The period: day, week or month.")
        ] = "month",
    ) -> analysis.DyadSeries:
        """Per period (its first day; weeks start on Monday): events and mentions by PLOVER
        type and quad class, Goldstein sum and mean, and the cooperation–conflict index
        (null for a period with no events)."""
        return analysis.dyad_series(store, f, by)

    @api.get("/network")
    def network(
        store: StoreDep, f: FilterDep, limit: Annotated[int, Query(ge=1, le=1000)] = 200
    ) -> analysis.Network:
        """Who acts on whom: directed edges between two different actors, busiest first,
        with events, mentions and mean Goldstein. The search text is not used."""
        return analysis.network(store, f, limit)

    @api.get("/dyads")
    def dyads(
        store: StoreDep,
        f: FilterDep,
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> list[analysis.DyadSummary]:
        """Dyads, busiest first; with `undirected`, both directions together (codes in
        alphabetical order). The search text is not used."""
        return analysis.dyads(store, f, limit, offset, undirected=f.undirected)

    @api.get("/actors")
    def actors(
        store: StoreDep, limit: Annotated[int, Query(ge=1, le=5000)] = 1000
    ) -> list[analysis.ActorSummary]:
        """Actor codes with their most used name and number of events, busiest first."""
        return analysis.actors(store, limit)

    @api.get("/documents/{doc_id}", responses={404: {"description": "No such document"}})
    def document(
        store: StoreDep, doc_id: Annotated[str, Path(min_length=1, max_length=256)]
    ) -> analysis.DocumentView:
        """A stored article: its text and where it reports each event (character offsets)."""
        view = analysis.document(store, doc_id)
        if view is None:
            raise HTTPException(404, f"no document {doc_id!r}")
        return view

    return api


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class Limits:
    """Refuses requests with a body (the API takes none beyond ``MAX_BODY`` bytes, and no
    streamed ones) or a query string longer than ``MAX_QUERY_STRING``; adds security headers
    to every response."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        problem = None
        length = headers.get(b"content-length", b"0")
        if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
            problem = (411, "request bodies must give their length")
        elif not length.isdigit() or int(length) > MAX_BODY:
            problem = (413, f"request bodies are limited to {MAX_BODY} bytes")
        elif len(scope.get("query_string", b"")) > MAX_QUERY_STRING:
            problem = (414, f"query strings are limited to {MAX_QUERY_STRING} bytes")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        if problem:
            response = JSONResponse({"detail": problem[1]}, status_code=problem[0])
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)
