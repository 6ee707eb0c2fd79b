// dyad's page: pick two actors and a period, see the chart, click a point, read the events
// behind it with the evidence sentence highlighted in its article. Text from the store is only
// ever set as textContent, never parsed as HTML. Wrapped in a function: the Vega bundle's
// top-level names share the page's global scope.
(() => {
"use strict";

const PAGE = 25;
const QUADS = ["verbal cooperation", "material cooperation", "verbal conflict", "material conflict"];
const state = { generation: 0, names: {}, selection: null, offset: 0, total: 0 };

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : String(c ?? ""));
  return node;
}

async function api(path, params = {}) {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) v.forEach((x) => url.searchParams.append(k, x));
    else if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
  }
  const response = await fetch(url);
  const body = await response.json();
  if (!response.ok) {
    const detail = Array.isArray(body.detail)
      ? body.detail.map((d) => `${d.loc.slice(-1)[0]}: ${d.msg}`).join("; ")
      : body.detail;
    throw new Error(detail || response.statusText);
  }
  return body;
}

function status(text) {
  $("status").textContent = text || "";
}

function addDays(iso, days) {
  const d = new Date(iso + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function periodEnd(start, by) {
  if (by === "day") return start;
  if (by === "week") return addDays(start, 6);
  const d = new Date(start + "T00:00:00Z");
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
}

function label(code) {
  return state.names[code] ? `${code} (${state.names[code]})` : code;
}

// -- the controls -------------------------------------------------------------------------

async function loadActors() {
  const actors = await api("/api/actors", { limit: 5000 });
  for (const id of ["source", "target"]) {
    const select = $(id);
    select.replaceChildren();
    for (const a of actors) {
      state.names[a.code] = a.name;
      select.append(el("option", { value: a.code }, `${a.code} — ${a.name ?? ""} (${a.events})`));
    }
  }
  const [busiest] = await api("/api/dyads", { limit: 1 });
  if (busiest) {
    $("source").value = busiest.source;
    $("target").value = busiest.target;
  }
  return Boolean(busiest);
}

function filters() {
  const f = {
    dyad: `${$("source").value}-${$("target").value}`,
    undirected: $("undirected").checked ? "true" : "false",
    since: $("since").value,
    until: $("until").value,
    q: $("q").value.trim(),
  };
  return f;
}

async function show() {
  const generation = ++state.generation;
  const f = filters();
  const by = $("by").value;
  status("Loading…");
  try {
    const series = await api("/api/timeline", { ...f, by });
    if (generation !== state.generation) return;
    const arrow = f.undirected === "true" ? "↔" : "→";
    $("chart-title").textContent =
      `${label($("source").value)} ${arrow} ${label($("target").value)}: ` +
      `${series.events.count} events, ${series.mentions.count} mentions`;
    $("chart-section").hidden = false;
    await drawChart(series, by, generation);
    state.selection = { ...f, by, period: null };
    await loadEvents(0, generation);
    status(series.points.length ? "" : "No events between these actors with these filters.");
  } catch (e) {
    if (generation === state.generation) status(e.message);
  }
}

// -- the chart ----------------------------------------------------------------------------

async function drawChart(series, by, generation) {
  const points = series.points.map((p) => ({
    start: p.period,
    period: p.period,
    index: p.events.index,
    weighted: p.mentions.index,
    events: p.events.count,
    goldstein: p.events.goldstein_mean,
  }));
  const bars = [];
  for (const p of series.points) {
    p.events.by_quad.forEach((n, i) => {
      if (n) bars.push({ start: p.period, period: p.period, quad: QUADS[i], n });
    });
  }
  const unit = { day: "yearmonthdate", week: "yearmonthdate", month: "yearmonth" }[by];
  const x = { field: "period", type: "temporal", timeUnit: unit, title: null };
  // Concatenated views cannot take the container's width: measure it (less the legend's).
  const width = Math.max(320, $("chart").clientWidth - 180);
  const spec = {
    vconcat: [
      {
        width,
        height: 180,
        data: { values: points },
        layer: [
          { mark: { type: "rule", color: "#bbb" }, encoding: { y: { datum: 0 } } },
          {
            // Periods with no events have no index: the line stops there.
            mark: { type: "line", color: "#4c78a8" },
            encoding: { x, y: { field: "index", type: "quantitative", scale: { domain: [-1, 1] }, title: "index" } },
          },
          {
            mark: { type: "point", filled: true, size: 70, color: "#4c78a8", cursor: "pointer" },
            encoding: {
              x,
              y: { field: "index", type: "quantitative" },
              tooltip: [
                { field: "start", title: "period" },
                { field: "events", title: "events" },
                { field: "index", title: "index", format: ".2f" },
                { field: "weighted", title: "index by mentions", format: ".2f" },
                { field: "goldstein", title: "mean Goldstein", format: ".2f" },
              ],
            },
          },
        ],
      },
      {
        width,
        height: 120,
        data: { values: bars },
        mark: { type: "bar", cursor: "pointer" },
        encoding: {
          x,
          y: { field: "n", type: "quantitative", stack: "zero", title: "events" },
          color: {
            field: "quad",
            type: "nominal",
            sort: QUADS,
            scale: { domain: QUADS, range: ["#9ecae9", "#4c78a8", "#f58518", "#e45756"] },
            title: "quad class",
          },
          tooltip: [{ field: "start", title: "period" }, { field: "quad" }, { field: "n", title: "events" }],
        },
      },
    ],
  };
  const result = await vegaEmbed("#chart", spec, { actions: false, renderer: "svg" });
  if (generation !== state.generation) return;
  result.view.addEventListener("click", (event, item) => {
    const start = item && item.datum && item.datum.start;
    if (start && state.selection) {
      state.selection.period = { since: start, until: periodEnd(start, by) };
      loadEvents(0, state.generation);
    }
  });
}

// -- the events ---------------------------------------------------------------------------

async function loadEvents(offset, generation) {
  const s = state.selection;
  const params = { dyad: s.dyad, undirected: s.undirected, q: s.q, since: s.since, until: s.until };
  if (s.period) Object.assign(params, s.period);
  const page = await api("/api/events", { ...params, limit: PAGE, offset });
  if (generation !== state.generation) return;
  state.offset = offset;
  state.total = page.total;
  const when = s.period ? `${s.period.since} to ${s.period.until}` : "the whole period";
  $("events-title").textContent = `${page.total} event${page.total === 1 ? "" : "s"}, ${when}`;
  const body = $("events").tBodies[0];
  body.replaceChildren();
  for (const hit of page.items) body.append(eventRow(hit));
  $("page").textContent = page.total ? `${offset + 1}–${offset + page.items.length} of ${page.total}` : "";
  $("prev").disabled = offset === 0;
  $("next").disabled = offset + PAGE >= page.total;
  $("events-section").hidden = false;
}

function eventRow(hit) {
  const e = hit.event;
  const sentence = el("td", { class: "sentence" });
  const at = e.trigger ? e.sentence.indexOf(e.trigger) : -1;
  if (at >= 0) {
    sentence.append(e.sentence.slice(0, at), el("b", {}, e.trigger), e.sentence.slice(at + e.trigger.length));
  } else {
    sentence.append(e.sentence);
  }
  const title = hit.document.title || hit.document.doc_id;
  sentence.append(el("span", { class: "doc" }, `${title}${hit.document.source ? " — " + hit.document.source : ""}`));
  const row = el(
    "tr",
    { "data-event": e.event_id },
    el("td", {}, `${e.date.date ?? "undated"}${e.date.precision !== "day" ? " (" + e.date.precision + ")" : ""}`),
    el("td", {}, `${e.source.code} → ${e.target ? e.target.code : "—"}`),
    el("td", {}, e.plover),
    el("td", { class: "num" }, e.goldstein.toFixed(1)),
    el("td", { class: "num" }, hit.mentions),
    sentence,
  );
  row.addEventListener("click", () => {
    for (const r of row.parentNode.children) r.classList.remove("selected");
    row.classList.add("selected");
    showArticle(hit);
  });
  return row;
}

async function showArticle(hit) {
  const e = hit.event;
  try {
    const view = await api(`/api/documents/${encodeURIComponent(e.doc_id)}`);
    const d = view.document;
    $("article-title").textContent = d.title || d.doc_id;
    $("article-meta").textContent = [d.source, d.date, d.url].filter(Boolean).join(" · ");
    const text = view.text;
    const article = $("article");
    const mark = el("mark", { "data-mention": e.mention_id }, text.slice(e.start, e.end));
    article.replaceChildren(text.slice(0, e.start), mark, text.slice(e.end));
    $("article-section").hidden = false;
    mark.scrollIntoView({ block: "center" });
  } catch (err) {
    status(err.message);
  }
}

// -- the API page -------------------------------------------------------------------------

async function renderDocs() {
  const spec = await api("/openapi.json");
  const root = $("api-docs");
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const rows = (op.parameters || []).map((p) => {
        const s0 = p.schema || {};
        const s = s0.anyOf ? Object.assign({}, ...s0.anyOf.filter((x) => x.type !== "null"), s0) : s0;
        const type = s0.anyOf ? s0.anyOf.map((x) => x.type).filter(Boolean).join(" | ") : s.type;
        const rule = [s.pattern && `pattern ${s.pattern}`, s.maximum !== undefined && `≤ ${s.maximum}`, s.maxLength && `≤ ${s.maxLength} characters`]
          .filter(Boolean)
          .join(", ");
        return el("tr", {}, el("td", {}, el("code", {}, p.name)), el("td", {}, p.in), el("td", {}, type || ""), el("td", {}, rule), el("td", {}, p.description || ""));
      });
      root.append(
        el("h2", {}, el("code", {}, `${method.toUpperCase()} ${path}`)),
        el("p", {}, op.description || op.summary || ""),
        el("table", {}, el("thead", {}, el("tr", {}, ...["parameter", "in", "type", "limits", "meaning"].map((h) => el("th", {}, h)))), el("tbody", {}, ...rows)),
      );
    }
  }
}

// -- start --------------------------------------------------------------------------------

async function start() {
  if ($("api-docs")) return renderDocs();
  $("controls").addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  $("prev").addEventListener("click", () => loadEvents(Math.max(0, state.offset - PAGE), state.generation));
  $("next").addEventListener("click", () => loadEvents(state.offset + PAGE, state.generation));
  try {
    if (await loadActors()) await show();
    else status("The store has no dyads yet: run `dyad run` on some articles first.");
  } catch (e) {
    status(e.message);
  }
}

document.addEventListener("DOMContentLoaded", start);
})();
