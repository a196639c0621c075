/* The interdependence map: draws /api/networks/{slug}/map with sigma.js over graphology.
 * Positions come from the server (cached there); colour, size and search change the drawing
 * in place; tie types and the time slider fetch the filtered map and redraw it. */
(function () {
  "use strict";
  var canvas = document.getElementById("map-canvas");
  if (!canvas || !window.Sigma || !window.graphology) return;
  var form = document.getElementById("map-controls");
  var statusEl = document.getElementById("map-status");
  var details = document.getElementById("map-details");
  var slider = document.getElementById("map-slot");
  var periodOut = document.getElementById("map-period");
  var sizeSel = document.getElementById("map-size");
  var colourSel = document.getElementById("map-colour");
  var search = document.getElementById("map-search");
  var sectorColours = JSON.parse(canvas.dataset.colours || "{}");
  var communityColours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#8C6D1F", "#555555"];
  var periods = slider && slider.dataset.periods ? slider.dataset.periods.split(",") : [];
  var graph = new window.graphology.Graph({ type: "undirected" });
  var renderer = null;
  var data = null;
  var index = {};
  var selected = null;

  function say(text) { if (statusEl) statusEl.textContent = text; }

  /* The page's words in the reader's language (map.html, data-words); {name} is a value. */
  var WORDS = {};
  try { WORDS = JSON.parse(canvas.dataset.words || "{}"); } catch (e) { WORDS = {}; }
  var LANG = document.documentElement.lang || undefined;
  function w(key, values) {
    var text = WORDS[key] || key;
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }
  function label(code) { return (WORDS.labels || {})[code] || String(code).replace(/_/g, " "); }
  function count(v) { return Number(v).toLocaleString(LANG); }

  function fmt(v) {
    if (v === null || v === undefined) return "–";
    if (typeof v !== "number") return String(v);
    if (Number.isInteger(v)) return v.toLocaleString(LANG);
    if (Math.abs(v) < 0.001 && v !== 0) return v.toExponential(2);
    return v.toLocaleString(LANG, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
  }

  function colourOf(i) {
    var n = data.nodes;
    if (colourSel && colourSel.value === "community") {
      return communityColours[n.community[i] % communityColours.length];
    }
    return sectorColours[n.sector[i]] || "#777777";
  }

  function sizes() {
    var metric = sizeSel ? sizeSel.value : "pagerank";
    var values = data.nodes[metric] || data.nodes.pagerank;
    var lo = Infinity, hi = -Infinity;
    values.forEach(function (v) { if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); } });
    var few = values.length > 5000 ? 1 : values.length > 1000 ? 1.5 : 2.5;
    return values.map(function (v) {
      if (v === null || !(hi > lo)) return few + 1;
      return few + 10 * Math.sqrt((v - lo) / (hi - lo));
    });
  }

  function restyle() {
    if (!data) return;
    var s = sizes();
    data.nodes.id.forEach(function (id, i) {
      graph.mergeNodeAttributes(id, { size: s[i], color: colourOf(i) });
    });
    renderTable();
  }

  /* The table view follows the drawing: the same actors, ordered by the size metric. */
  var TABLE_ROWS = 100;
  function renderTable() {
    var table = document.getElementById("map-table");
    var note = document.getElementById("map-table-note");
    if (!table || !data || !sizeSel) return;
    var metric = sizeSel.value;
    var metricLabel = sizeSel.options[sizeSel.selectedIndex].text;
    var n = data.nodes;
    var cols = [[w("actor"), null], [w("sector"), null], [term("degree"), "degree"], [metricLabel, metric]];
    if (metric !== "pagerank") cols.push([term("pagerank"), "pagerank"]);
    if (metric !== "betweenness") cols.push([term("betweenness"), "betweenness"]);
    cols.push([term("community"), "community"], [term("liaison"), "liaison"]);
    var order = n.id.map(function (_, i) { return i; });
    var v = n[metric] || n.pagerank;
    order.sort(function (a, b) { return (v[b] === null ? -Infinity : v[b]) - (v[a] === null ? -Infinity : v[a]); });
    var head = document.createElement("tr");
    cols.forEach(function (c) {
      var th = document.createElement("th"); th.scope = "col"; th.textContent = c[0]; head.append(th);
    });
    var body = document.createElement("tbody");
    order.slice(0, TABLE_ROWS).forEach(function (i) {
      var tr = document.createElement("tr"); tr.dataset.id = n.id[i];
      var a = document.createElement("a"); a.href = "/actors/" + n.id[i]; a.textContent = n.name[i];
      var first = document.createElement("td"); first.append(a); tr.append(first);
      var sector = document.createElement("td"); sector.textContent = label(n.sector[i]); tr.append(sector);
      cols.slice(2).forEach(function (c) {
        var td = document.createElement("td"); td.textContent = fmt(n[c[1]][i]); tr.append(td);
      });
      body.append(tr);
    });
    table.tHead.replaceChildren(head);
    table.tBodies[0].replaceWith(body);
    if (note) {
      note.textContent = w("table_note", { shown: count(n.id.length), metric: metricLabel }) +
        (n.id.length > TABLE_ROWS ? w("table_more", { rows: count(TABLE_ROWS) }) : "") + ".";
    }
  }

  function build() {
    graph.clear();
    index = {};
    var n = data.nodes, s = sizes();
    for (var i = 0; i < n.id.length; i++) {
      index[n.id[i]] = i;
      graph.addNode(n.id[i], { x: n.x[i], y: -n.y[i], size: s[i], color: colourOf(i), label: n.name[i] });
    }
    var e = data.edges;
    var w = 0;
    e.weight.forEach(function (v) { w = Math.max(w, v); });
    for (var j = 0; j < e.source.length; j++) {
      graph.addEdge(e.source[j], e.target[j], {
        size: 0.4 + 1.6 * Math.sqrt(e.weight[j] / (w || 1)),
        color: "#c5ccd6",
      });
    }
  }

  function draw(payload) {
    data = payload;
    build();
    if (!renderer) {
      renderer = new window.Sigma(graph, canvas, {
        labelRenderedSizeThreshold: data.nodes.id.length > 2000 ? 9 : 6,
        labelDensity: 0.5,
        zIndex: true,
        hideEdgesOnMove: data.edges.source.length > 50000,
      });
      renderer.on("clickNode", function (ev) { select(ev.node, false); });
      renderer.on("clickStage", function () { select(null, false); });
      renderer.setSetting("nodeReducer", function (node, attrs) {
        if (selected === null) return attrs;
        if (node === selected) return Object.assign({}, attrs, { highlighted: true, zIndex: 2 });
        if (graph.hasNode(selected) && graph.areNeighbors(node, selected)) return Object.assign({}, attrs, { zIndex: 1 });
        return Object.assign({}, attrs, { color: "#dde2e8", label: "" });
      });
      renderer.setSetting("edgeReducer", function (edge, attrs) {
        if (selected === null) return attrs;
        if (graph.hasExtremity(edge, selected)) return Object.assign({}, attrs, { color: "#5b6b80", zIndex: 1 });
        return Object.assign({}, attrs, { hidden: true });
      });
      renderer.once("afterRender", function () {
        var ms = Math.round(performance.now());  // since the navigation started
        canvas.dataset.drawnMs = String(ms);
        canvas.dataset.drawn = "true";
        canvas.dataset.nodes = String(graph.order);
        say(w("drawn_first", { actors: count(data.nodes.id.length), pairs: count(data.edges.source.length) }));
        document.dispatchEvent(new CustomEvent("map:drawn", { detail: { ms: ms } }));
      });
    } else {
      renderer.refresh();
      say(w("drawn", { actors: count(data.nodes.id.length), pairs: count(data.edges.source.length) }));
    }
    renderTable();
    renderHeader();
    if (selected !== null && !graph.hasNode(selected)) select(null, false);
    else if (selected !== null) select(selected, false);
  }

  /* Each metric's name, one-line explanation and glossary address, by the metric's code. */
  var terms = {};
  try { terms = JSON.parse(details.dataset.glossary || "{}"); } catch (e) { terms = {}; }
  function term(code) { return (terms[code] && terms[code].label) || label(code); }

  /* A metric's name with its one-line explanation (tooltip) and a link to the glossary. */
  /* The header and the patterns follow the view drawn (period, tie types). */
  var header = document.getElementById("map-header");
  function renderHeader() {
    if (!data || !header) return;
    var sum = data.summary || {};
    var period = data.query && data.query.period;
    var when = document.getElementById("map-when");
    if (when) {
      when.textContent = period ? (header.dataset.whenIn || ", in {period}").replace("{period}", period)
        : (header.dataset.whenAll || ", over all time");
    }
    var counts = document.getElementById("map-counts");
    if (counts) {
      counts.textContent = (header.dataset.counts || "{actors} actors, {pairs} linked pairs from {ties} ties")
        .replace("{actors}", fmt(sum.n_actors !== undefined ? sum.n_actors : data.nodes.id.length))
        .replace("{pairs}", fmt(sum.n_edges !== undefined ? sum.n_edges : data.edges.source.length))
        .replace("{ties}", fmt(sum.n_ties));
    }
    var summary = document.getElementById("map-summary");
    if (!summary) return;
    var set = function (key, text) {
      var dd = summary.querySelector("dd[data-key=" + key + "]");
      if (dd) dd.textContent = text;
    };
    if (sum.density !== undefined) set("density", sum.density === null ? "–" : Number(sum.density).toFixed(4));
    var comps = summary.querySelector("dd[data-key=n_components]");
    if (comps && sum.n_components !== undefined) {
      comps.textContent = (comps.dataset.pattern || "{n} (largest {largest})")
        .replace("{n}", fmt(sum.n_components)).replace("{largest}", fmt(sum.largest_component));
    }
    var lean = summary.querySelector("dd[data-key=assortativity]");
    if (lean && sum.assortativity !== undefined) {
      var a = sum.assortativity;
      var word = a === null ? "" : a <= -0.3 ? lean.dataset.across : a >= 0.3 ? lean.dataset.within : lean.dataset.neither;
      lean.textContent = fmt(a) + (word ? " (" + word + ")" : "");
    }
    if (sum.cross_sector_edges !== undefined) set("cross_sector_share", fmt(sum.cross_sector_edges) + " (" + ((sum.cross_sector_share || 0) * 100).toFixed(1) + " %)");
  }

  function row(code, dd) {
    var t = document.createElement("dt");
    var help = terms[code];
    var dt = help ? term(code) : w(code);
    if (help) {
      var abbr = document.createElement("abbr"); abbr.title = help.plain; abbr.textContent = dt;
      var link = document.createElement("a"); link.className = "term-help"; link.href = help.anchor;
      link.title = help.plain;
      var mark = document.createElement("span"); mark.setAttribute("aria-hidden", "true"); mark.textContent = "?";
      var said = document.createElement("span"); said.className = "sr-only"; said.textContent = w("means", { term: dt, plain: help.plain });
      link.append(mark, said);
      var wrap = document.createElement("span"); wrap.className = "term"; wrap.append(abbr, link);
      t.append(wrap);
    } else {
      t.textContent = dt;
    }
    var d = document.createElement("dd"); d.textContent = dd;
    return [t, d];
  }

  function select(id, focusCamera) {
    selected = id;
    if (renderer) renderer.refresh();
    details.replaceChildren();
    var h = document.createElement("h2");
    if (id === null || index[id] === undefined) {
      h.textContent = w("selected");
      var p = document.createElement("p"); p.className = "muted";
      p.textContent = w("select_hint");
      details.append(h, p);
      return;
    }
    var i = index[id], n = data.nodes;
    var a = document.createElement("a"); a.href = "/actors/" + id; a.textContent = n.name[i];
    h.append(a);
    var dl = document.createElement("dl");
    [["sector", label(n.sector[i])], ["kind", label(n.kind[i])]].forEach(function (pair) {
      dl.append.apply(dl, row(pair[0], pair[1]));
    });
    ["degree", "weighted_degree", "pagerank", "betweenness", "closeness", "constraint", "effective_size",
     "community", "cross_sector_ties", "coordinator", "gatekeeper", "representative", "consultant", "liaison"
    ].forEach(function (code) { dl.append.apply(dl, row(code, fmt(n[code][i]))); });
    var tiesHead = document.createElement("h3"); tiesHead.textContent = w("ties");
    var list = document.createElement("ul"); list.id = "map-actor-ties";
    details.append(h, dl, tiesHead, list);
    fetch("/api/networks/" + canvas.dataset.slug + "/map/actors/" + id + "/ties" + query(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (ties) {
        if (selected !== id) return;
        if (!ties.length) { var li = document.createElement("li"); li.textContent = w("no_ties"); list.append(li); }
        ties.slice(0, 50).forEach(function (t) {
          var li = document.createElement("li");
          li.textContent = label(t.kind) + (t.direction === "out" ? " → " : " ← ") + t.other_name +
            (t.start ? " (" + t.start + (t.end ? " – " + t.end : " – ") + ")" : "");
          list.append(li);
        });
      });
    if (focusCamera && renderer) {
      var pos = renderer.getNodeDisplayData(id);
      if (pos) renderer.getCamera().animate({ x: pos.x, y: pos.y, ratio: 0.5 }, { duration: 400 });
    }
  }

  function query() {
    var parts = [];
    if (form) {
      var boxes = form.querySelectorAll("input[name=types]");
      var chosen = [];
      boxes.forEach(function (b) { if (b.checked) chosen.push(b.value); });
      if (chosen.length && chosen.length < boxes.length) parts.push("types=" + chosen.join(","));
      if (!chosen.length) parts.push("types=none_selected");
    }
    if (slider && Number(slider.value) < periods.length) parts.push("period=" + periods[Number(slider.value)]);
    return parts.length ? "?" + parts.join("&") : "";
  }

  var requested = 0;
  var loading = false;

  function load(url) {
    var mine = ++requested;
    loading = true;
    say(w("loading"));
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) return r.json().then(function (b) { throw new Error(b.detail || r.statusText); });
        return r.json();
      })
      .then(function (payload) {
        if (mine !== requested) return;  // a newer request is on its way: draw only the last
        draw(payload);
        loading = false;
      })
      .catch(function (err) {
        if (mine !== requested) return;
        loading = false;
        say(w("failed", { error: err.message }));
      });
  }

  var lastQuery = null;
  function refetch() {
    var q = query();
    if (q.indexOf("none_selected") >= 0) { say(w("choose_type")); return; }
    lastQuery = q;
    load("/api/networks/" + canvas.dataset.slug + "/map" + q);
  }

  if (slider) {
    slider.addEventListener("input", function () {
      var when = Number(slider.value) < periods.length ? periods[Number(slider.value)] : w("all_time");
      periodOut.textContent = when;
      slider.setAttribute("aria-valuetext", when);
    });
    slider.addEventListener("change", refetch);
  }
  if (form) {
    form.querySelectorAll("input[name=types]").forEach(function (b) { b.addEventListener("change", refetch); });
  }
  if (sizeSel) sizeSel.addEventListener("change", restyle);
  if (colourSel) colourSel.addEventListener("change", restyle);
  /* Find an actor by name: select it and move the camera to it. */
  function find() {
    if (!search || !data) return false;
    var needle = search.value.trim().toLowerCase();
    if (!needle) return false;
    var names = data.nodes.name;
    for (var i = 0; i < names.length; i++) {
      if (names[i].toLowerCase().indexOf(needle) >= 0) {
        select(data.nodes.id[i], true);
        say(w("found", { name: names[i] }));
        return true;
      }
    }
    say(w("not_found", { q: search.value.trim() }));
    return false;
  }
  if (search) {
    search.addEventListener("keydown", function (ev) {
      if (ev.key !== "Enter" || !data) return;
      ev.preventDefault();
      find();
    });
  }
  /* "Show" applies the controls in place (no reload) and finds the actor typed, if any;
   * without JavaScript the form is a plain GET of the same page. */
  if (form) {
    form.addEventListener("submit", function (ev) {
      if (!data) return;
      ev.preventDefault();
      var q = query();
      if (q.indexOf("none_selected") >= 0) { say(w("choose_type")); return; }
      if (lastQuery !== q) {
        lastQuery = q;
        load("/api/networks/" + canvas.dataset.slug + "/map" + q).then(function () { restyle(); find(); });
      } else {
        restyle();
        find();
      }
    });
  }
  /* A read-only view of what is drawn (used by the browser tests). */
  window.coalitionMap = {
    nodes: function () { return graph.order; },
    edges: function () { return graph.size; },
    query: function () { return query(); },
    selected: function () { return selected; },
    loading: function () { return loading; },
    colours: function () { return graph.mapNodes(function (n, a) { return a.color; }).join(","); },
    sizes: function () { return graph.mapNodes(function (n, a) { return a.size; }).join(","); },
  };
  var drawer = document.getElementById("map-drawer");
  if (drawer && window.matchMedia && window.matchMedia("(max-width: 48rem)").matches) drawer.open = false;
  lastQuery = query();
  load(canvas.dataset.source).then(function () { if (search && search.value.trim()) find(); });
})();
