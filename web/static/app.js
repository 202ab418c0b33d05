// The blastradius web view. It sends one GraphQL request to /graphql on
// its own origin for the blast radius and the revocation plan of the
// start the user enters. It then draws the graph in SVG: one column per
// layer, one box per node, one line per hop of the explaining paths. Every text from the
// server goes into the page through textContent, never as markup.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const endpoint = "graphql";

  // Layers left to right; repositories and policies share the last one.
  const columns = [
    { title: "package", kinds: ["Package"] },
    { title: "runtime", kinds: ["Runtime"] },
    { title: "secret", kinds: ["Secret"] },
    { title: "identity", kinds: ["Identity"] },
    { title: "resource", kinds: ["Resource", "Repository", "Policy"] },
  ];
  // Beyond this many nodes an SVG drawing is slow and unreadable.
  const maxDrawn = 600;
  const box = { w: 176, h: 34, gapY: 12, gapX: 56, top: 40, left: 20 };

  // The line styles of edges and their meaning.
  const styles = [
    { cls: "used", label: "used: logs show the target in use" },
    { cls: "live", label: "live: declared in the inputs" },
    { cls: "possible", label: "possible: depends on what the inputs do not show" },
    { cls: "unverified", label: "not live: known only from a reference or a wildcard" },
  ];

  const QUERY = `query View($s: StartInput!, $t: String) {
  blastRadius(start: $s, since: $t) {
    query since total truncated
    starts { id kind label pos }
    counts { kind count }
    reached {
      node { id kind label pos }
      depth confidence live declared usedAfterCompromise newSources deadEnd takenOver
      evidence { first last count denied }
      path { from kind to reversed confidence reason level actions pos }
    }
  }
  revocationPlan(start: $s, since: $t) {
    steps {
      number title why
      items {
        node { id kind label }
        kind action command also consumers readBy yieldedBy inUse strangers longLived verify
      }
    }
  }
}`;

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return e;
  }

  function svg(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return e;
  }

  function status(msg, isError) {
    const s = $("status");
    s.textContent = msg;
    s.className = isError ? "error" : "";
  }

  async function gql(query, variables) {
    const headers = { "Content-Type": "application/json" };
    const token = $("token").value.trim();
    if (token) headers.Authorization = "Bearer " + token;
    const resp = await fetch(endpoint, {
      method: "POST", headers, credentials: "same-origin",
      body: JSON.stringify({ query, variables }),
    });
    let body;
    try {
      body = await resp.json();
    } catch (e) {
      throw new Error("invalid response: status " + resp.status + " without a GraphQL body");
    }
    if (body.errors && body.errors.length) {
      if (resp.status === 401) $("auth").open = true;
      throw new Error(body.errors.map((e) => e.message).join("; "));
    }
    return body.data;
  }

  // state of the current view
  let view = null;

  async function search(ev) {
    if (ev) ev.preventDefault();
    const kind = $("kind").value;
    const start = $("start").value.trim();
    const since = $("since").value.trim();
    const flaws = $("flaws").checked;
    if (!start) return;
    const params = new URLSearchParams({ [kind]: start });
    if (since) params.set("since", since);
    if (flaws) params.set("flaws", "1");
    history.replaceState(null, "", "#" + params.toString());
    status("computing the blast radius of " + start + " …");
    $("go").disabled = true;
    try {
      const s = { [kind]: [start] };
      if (flaws) s.assumeAppFlaws = true;
      const data = await gql(QUERY, { s, t: since || null });
      render(data.blastRadius, data.revocationPlan);
      const br = data.blastRadius;
      status(br.query + ": " + br.total + " nodes reached" + (br.truncated ? " (list truncated at the server's cap)" : ""));
    } catch (e) {
      clear();
      status(e.message, true);
    } finally {
      $("go").disabled = false;
    }
  }

  function clear() {
    $("graph").replaceChildren();
    $("summary").replaceChildren();
    $("plan").replaceChildren();
    $("detail").replaceChildren(el("h2", {}, "Node"));
    view = null;
  }

  function columnOf(kind) {
    const i = columns.findIndex((c) => c.kinds.includes(kind));
    return i < 0 ? columns.length - 1 : i;
  }

  function labelOf(n) {
    return n.label || n.id;
  }

  function short(s, max) {
    return s.length > max ? s.slice(0, max - 1) + "…" : s;
  }

  // edgeStyle returns a hop's line style, from the hop and the node it
  // leads to in the attacker's direction.
  function edgeStyle(hop, target) {
    if (hop.confidence === "possible" || (target && target.confidence === "possible")) return "possible";
    if (target && target.evidence) return "used";
    if (target && target.live) return "live";
    return "unverified";
  }

  function render(br, plan) {
    clear();
    const nodes = new Map(); // id -> {node, reached, start}
    for (const s of br.starts) nodes.set(s.id, { node: s, reached: null, start: true });
    // Draw the nearest nodes only. Every node of a drawn node's path is
    // nearer, so each drawn node keeps its whole path.
    const drawn = br.reached.slice().sort((a, b) => a.depth - b.depth).slice(0, maxDrawn);
    for (const r of drawn) {
      const cur = nodes.get(r.node.id);
      if (cur) cur.reached = r;
      else nodes.set(r.node.id, { node: r.node, reached: r, start: false });
    }

    // Hops of every explaining path, once each, in the attacker's direction.
    const edges = new Map();
    for (const r of drawn) {
      for (const h of r.path) {
        const src = h.reversed ? h.to : h.from;
        const dst = h.reversed ? h.from : h.to;
        const key = src + "\u0000" + h.kind + "\u0000" + dst;
        if (!edges.has(key)) edges.set(key, { src, dst, hop: h });
      }
    }

    // Place nodes: by column, then depth, then label.
    const cols = columns.map(() => []);
    for (const v of nodes.values()) cols[columnOf(v.node.kind)].push(v);
    for (const c of cols) {
      c.sort((a, b) => (a.reached ? a.reached.depth : 0) - (b.reached ? b.reached.depth : 0) ||
        labelOf(a.node).localeCompare(labelOf(b.node)));
      c.forEach((v, i) => {
        v.x = box.left + columns.indexOf(columns[cols.indexOf(c)]) * (box.w + box.gapX);
        v.y = box.top + i * (box.h + box.gapY);
      });
    }
    const rows = Math.max(1, ...cols.map((c) => c.length));
    const width = box.left * 2 + columns.length * box.w + (columns.length - 1) * box.gapX + 60;
    const height = box.top + rows * (box.h + box.gapY) + 20;

    const root = svg("svg", { id: "graph-svg", width, height, viewBox: `0 0 ${width} ${height}`, role: "img" });
    root.append(svg("title", {}));
    root.firstChild.textContent = "blast radius of " + br.query;
    const defs = svg("defs");
    for (const s of styles) {
      const m = svg("marker", { id: "arrow-" + s.cls, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" });
      m.append(svg("path", { d: "M0,0 L10,5 L0,10 z" }));
      defs.append(m);
    }
    root.append(defs);
    columns.forEach((c, i) => {
      const t = svg("text", { x: box.left + i * (box.w + box.gapX), y: 22, class: "col-title" });
      t.textContent = c.title + " (" + cols[i].length + ")";
      root.append(t);
    });

    const edgeLayer = svg("g", { class: "edges" });
    const labelLayer = svg("g", { class: "edge-labels" });
    for (const e of edges.values()) {
      const a = nodes.get(e.src);
      const b = nodes.get(e.dst);
      if (!a || !b) continue;
      const target = b.reached;
      const cls = edgeStyle(e.hop, target);
      let d;
      let lx;
      let ly;
      if (b.x > a.x) {
        const x1 = a.x + box.w, y1 = a.y + box.h / 2, x2 = b.x - 2, y2 = b.y + box.h / 2;
        const mx = (x1 + x2) / 2;
        d = `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
        lx = mx; ly = (y1 + y2) / 2 - 3;
      } else if (b.x < a.x) {
        // Backwards, e.g. an identity reading a secret: from the left of
        // the source to the right of the target.
        const x1 = a.x, y1 = a.y + box.h / 2, x2 = b.x + box.w + 2, y2 = b.y + box.h / 2;
        d = `M${x1},${y1} C${x1 - 40},${y1} ${x2 + 40},${y2} ${x2},${y2}`;
        lx = (x1 + x2) / 2; ly = (y1 + y2) / 2 - 3;
      } else {
        // Same layer: loop out on the right of both boxes.
        const x1 = a.x + box.w, y1 = a.y + box.h / 2, x2 = b.x + box.w + 2, y2 = b.y + box.h / 2;
        const bend = x1 + 24 + Math.min(20, Math.abs(y2 - y1) / 8);
        d = `M${x1},${y1} C${bend},${y1} ${bend},${y2} ${x2},${y2}`;
        lx = bend; ly = (y1 + y2) / 2;
      }
      const p = svg("path", {
        d, class: "edge " + cls, "marker-end": `url(#arrow-${cls})`,
        "data-from": e.src, "data-to": e.dst, "data-kind": e.hop.kind, "data-style": cls,
      });
      const tt = svg("title");
      tt.textContent = `${e.hop.kind} (${cls})` + (e.hop.pos ? " " + e.hop.pos : "");
      p.append(tt);
      edgeLayer.append(p);
      const lab = svg("text", { x: lx, y: ly, class: "edge-label", "text-anchor": "middle", "data-from": e.src, "data-to": e.dst });
      lab.textContent = e.hop.kind;
      labelLayer.append(lab);
    }
    root.append(edgeLayer, labelLayer);

    const nodeLayer = svg("g", { class: "nodes" });
    for (const v of nodes.values()) {
      const r = v.reached;
      let cls = "node kind-" + v.node.kind;
      if (v.start) cls += " start";
      if (r && r.evidence) cls += " used";
      const g = svg("g", { class: cls, "data-id": v.node.id, "data-layer": columns[columnOf(v.node.kind)].title, tabindex: 0, role: "button", transform: `translate(${v.x},${v.y})` });
      g.append(svg("rect", { width: box.w, height: box.h, rx: 5 }));
      const t = svg("text", { x: 8, y: 21 });
      t.textContent = short(labelOf(v.node), 25);
      const title = svg("title");
      title.textContent = v.node.id;
      g.append(t, title);
      g.addEventListener("click", () => select(v.node.id));
      g.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" || ev.key === " ") {
          ev.preventDefault();
          select(v.node.id);
        }
      });
      nodeLayer.append(g);
    }
    root.append(nodeLayer);
    $("graph").append(root);

    renderLegend();
    const counts = br.counts.map((c) => c.count + " " + c.kind).join(", ");
    const summary = [el("strong", {}, br.query)];
    if (br.since) summary.push(" since " + br.since);
    if (counts) summary.push(" — " + counts);
    if (drawn.length < br.reached.length) {
      summary.push(el("span", { class: "cap" }, " (drawing the " + drawn.length + " nearest of " + br.reached.length + " nodes)"));
    }
    $("summary").replaceChildren(...summary);
    view = { br, nodes, edges, root, query: br.query };
    renderPlan(plan, br.query);
  }

  function renderLegend() {
    const items = styles.map((s) => {
      const sample = svg("svg", { width: 40, height: 10 });
      sample.append(svg("line", { x1: 0, y1: 5, x2: 40, y2: 5, class: "edge " + s.cls }));
      return el("span", { class: "legend-" + s.cls }, sample, s.label);
    });
    $("legend").replaceChildren(...items);
  }

  function select(id) {
    if (!view) return;
    const v = view.nodes.get(id);
    if (!v) return;
    const onPath = new Set([id]);
    const pathKeys = new Set();
    const r = v.reached;
    if (r) {
      for (const h of r.path) {
        onPath.add(h.from);
        onPath.add(h.to);
        const src = h.reversed ? h.to : h.from;
        const dst = h.reversed ? h.from : h.to;
        pathKeys.add(src + "\u0000" + dst);
      }
    }
    view.root.classList.add("focused");
    for (const g of view.root.querySelectorAll(".node")) {
      g.classList.toggle("on-path", onPath.has(g.dataset.id));
      g.classList.toggle("selected", g.dataset.id === id);
    }
    for (const p of view.root.querySelectorAll("[data-from]")) {
      p.classList.toggle("on-path", pathKeys.has(p.dataset.from + "\u0000" + p.dataset.to));
    }
    renderDetail(v);
  }

  function nameOf(id) {
    const v = view && view.nodes.get(id);
    return v ? labelOf(v.node) : id;
  }

  function renderDetail(v) {
    const n = v.node;
    const r = v.reached;
    const badges = el("p", {});
    if (v.start) badges.append(el("span", { class: "badge" }, "start"));
    if (r) {
      badges.append(el("span", { class: "badge " + (r.confidence === "possible" ? "possible" : "") }, r.confidence));
      if (r.live) badges.append(el("span", { class: "badge live" }, "live"));
      if (r.evidence) badges.append(el("span", { class: "badge used" }, "used " + r.evidence.count + " times"));
      if (r.usedAfterCompromise) badges.append(el("span", { class: "badge used" }, "used after compromise"));
      if (r.deadEnd) badges.append(el("span", { class: "badge dead-end" }, "no input shows what it acts as"));
      if (r.takenOver) badges.append(el("span", { class: "badge taken-over" }, "can take over: the code did not run here"));
    }
    const dl = el("dl", {},
      el("dt", {}, "id"), el("dd", {}, el("code", {}, n.id)),
      el("dt", {}, "kind"), el("dd", {}, n.kind),
      el("dt", {}, "read from"), el("dd", {}, n.pos ? el("span", { class: "pos node-pos" }, n.pos) : "derived"));
    if (r && r.evidence) {
      dl.append(el("dt", {}, "seen"), el("dd", {}, r.evidence.first + " … " + r.evidence.last));
    }
    if (r && r.newSources && r.newSources.length) {
      dl.append(el("dt", {}, "new sources"), el("dd", {}, r.newSources.join(", ")));
    }
    const parts = [el("h2", {}, labelOf(n)), badges, dl];
    if (r && r.path.length) {
      parts.push(el("h3", {}, "How it is reached"));
      const ol = el("ol", { id: "path" });
      for (const h of r.path) {
        const line = h.reversed
          ? nameOf(h.to) + " ← " + h.kind + " ← " + nameOf(h.from)
          : nameOf(h.from) + " → " + h.kind + " → " + nameOf(h.to);
        ol.append(el("li", {},
          line,
          h.confidence === "possible" ? el("span", { class: "badge possible" }, "possible") : null,
          h.level ? el("span", { class: "why" }, h.level + (h.actions ? ": " + h.actions : "")) : null,
          h.reason ? el("span", { class: "why" }, h.reason) : null,
          el("span", { class: "pos hop-pos" }, h.pos || "derived by the linker")));
      }
      parts.push(ol);
    } else if (v.start) {
      parts.push(el("p", { class: "hint" }, "This is where the query starts."));
    }
    $("detail").replaceChildren(...parts);
  }

  function renderPlan(plan, query) {
    const sec = $("plan");
    if (!plan || !plan.steps.length) {
      sec.replaceChildren();
      return;
    }
    const parts = [el("h2", {}, "Revocation plan")];
    for (const s of plan.steps) {
      parts.push(el("h3", {}, "Step " + s.number + ": " + s.title));
      parts.push(el("p", { class: "step-why" }, s.why));
      const ul = el("ul", {});
      for (const it of s.items) {
        const key = "blastradius:" + query + ":" + s.number + ":" + it.kind + ":" + it.node.id;
        const box = el("input", { type: "checkbox", "data-id": it.node.id, "data-step": s.number });
        box.checked = readDone(key);
        const li = el("li", { class: box.checked ? "done" : "" });
        box.addEventListener("change", () => {
          writeDone(key, box.checked);
          li.classList.toggle("done", box.checked);
        });
        const flags = [];
        if (it.inUse) flags.push("in use");
        if (it.longLived) flags.push("long-lived");
        if (it.strangers.length) flags.push("new sources after compromise: " + it.strangers.join(", "));
        li.append(...[
          el("label", {}, box, " ", el("strong", {}, it.kind), " ", labelOf(it.node), flags.length ? " [" + flags.join("; ") + "]" : ""),
          el("div", {}, it.action),
          it.command ? el("code", {}, it.command) : null,
          it.also.length ? el("div", { class: "meta", "data-also": it.also.join(" ") }, (it.kind === "contain" ? "also contains: " : "also: ") + it.also.map(nameOf).join(", ")) : null,
          it.yieldedBy.length ? el("div", { class: "meta" }, "after: " + it.yieldedBy.map(nameOf).join(", ")) : null,
          it.consumers.length ? el("div", { class: "meta" }, "replacement goes to: " + it.consumers.map(nameOf).join(", ")) : null,
          it.readBy.length ? el("div", { class: "meta" }, "read through those by: " + it.readBy.map(nameOf).join(", ")) : null,
          it.verify ? el("div", { class: "meta" }, "verify: ", el("code", {}, it.verify)) : null,
        ].filter(Boolean));
        ul.append(li);
      }
      parts.push(ul);
    }
    sec.replaceChildren(...parts);
  }

  function readDone(key) {
    try {
      return localStorage.getItem(key) === "1";
    } catch (e) {
      return false;
    }
  }

  function writeDone(key, done) {
    try {
      if (done) localStorage.setItem(key, "1");
      else localStorage.removeItem(key);
    } catch (e) {
      // Storage may be off; the checklist still works for this page.
    }
  }

  // History: the snapshots the server keeps, and the changes since one.
  const SNAPSHOTS = `query { snapshots(first: 100) { edges { node { time } } } }`;
  const DIFF = `query Diff($from: String!, $p: [String!], $after: String) {
  diff(from: $from, packages: $p, first: 100, after: $after) {
    from { time } to { time } query totalCount
    edges { node { change subject summary } }
    pageInfo { hasNextPage endCursor }
  }
}`;
  let diffCursor = null;

  async function loadSnapshots() {
    let data;
    try {
      data = await gql(SNAPSHOTS, {});
    } catch (e) {
      return; // a store without history: the section stays hidden
    }
    const edges = data.snapshots.edges;
    if (edges.length < 2) return;
    const options = edges.slice(1).map((e) => el("option", { value: e.node.time }, e.node.time));
    $("snapshot").replaceChildren(...options);
    $("history").hidden = false;
  }

  async function compare(ev, more) {
    if (ev) ev.preventDefault();
    const vars = { from: $("snapshot").value, p: null, after: more ? diffCursor : null };
    const start = $("start").value.trim();
    if ($("kind").value === "packages" && start) vars.p = [start];
    try {
      const d = (await gql(DIFF, vars)).diff;
      if (!more) {
        $("changes").replaceChildren();
        $("history-summary").textContent = d.totalCount + " changes from " + d.from.time + " to " + d.to.time +
          (d.query ? ", paths of " + d.query + " included" : "");
      }
      for (const e of d.edges) {
        const c = e.node;
        $("changes").append(el("li", { class: c.change }, (c.change === "ADDED" ? "+ " : "- ") + c.subject.toLowerCase() + " " + c.summary));
      }
      diffCursor = d.pageInfo.endCursor;
      $("more-changes").hidden = !d.pageInfo.hasNextPage;
    } catch (e) {
      $("history-summary").textContent = e.message;
    }
  }

  // A link such as /#packages=pkg:npm/x@1.0.0&since=...&flaws=1 opens that
  // view.
  function fromHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    for (const opt of $("kind").options) {
      const v = params.get(opt.value);
      if (v) {
        $("kind").value = opt.value;
        $("start").value = v;
        $("since").value = params.get("since") || "";
        $("flaws").checked = params.get("flaws") === "1";
        search();
        return;
      }
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("search").addEventListener("submit", search);
    $("history-form").addEventListener("submit", compare);
    $("more-changes").addEventListener("click", () => compare(null, true));
    renderLegend();
    loadSnapshots();
    fromHash();
  });
  window.addEventListener("hashchange", fromHash);
})();
