// The blastradius explorer sends the query in the editor to /graphql on
// this server and shows the response. It fills the schema pane by
// introspection and loads nothing from any other host.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const editor = $("query");
  const variables = $("variables");
  const operation = $("operation");
  const token = $("token");
  const result = $("result");
  const status = $("status");
  const runButton = $("run");
  const docBody = $("doc-body");
  const docSearch = $("doc-search");
  const docBack = $("doc-back");
  const endpoint = "graphql";

  const exampleQuery = [
    "# Blast radius of a compromised package. Ctrl+Enter runs the query.",
    "query Radius($start: StartInput!, $since: String) {",
    "  blastRadius(start: $start, since: $since) {",
    "    query",
    "    counts { kind count }",
    "    truncated",
    "    reached {",
    "      node { id kind label }",
    "      depth",
    "      confidence",
    "      live",
    "      usedAfterCompromise",
    "      path { from kind to reversed confidence reason }",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");
  const exampleVariables = JSON.stringify({ start: { packages: ["pkg:npm/left-pad@1.3.0"] }, since: null }, null, 2);

  const introspection = `query Introspection {
  __schema {
    queryType { name }
    types {
      kind name description
      fields { name description args { name description defaultValue type { ...Ref } } type { ...Ref } }
      inputFields { name description defaultValue type { ...Ref } }
      enumValues { name description }
    }
  }
}
fragment Ref on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`;

  // Editors keep their text across reloads. The token is never stored.
  function restore(el, key, fallback) {
    let saved = null;
    try { saved = window.localStorage.getItem(key); } catch (e) { saved = null; }
    el.value = saved !== null && saved !== "" ? saved : fallback;
    el.addEventListener("input", () => {
      try { window.localStorage.setItem(key, el.value); } catch (e) { /* storage may be off */ }
    });
  }
  restore(editor, "blastradius.query", exampleQuery);
  restore(variables, "blastradius.variables", exampleVariables);
  restore(operation, "blastradius.operation", "");

  async function post(body) {
    const headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (token.value !== "") {
      headers["Authorization"] = "Bearer " + token.value;
    }
    const resp = await fetch(endpoint, { method: "POST", headers: headers, body: JSON.stringify(body), credentials: "same-origin" });
    const text = await resp.text();
    let json = null;
    try { json = JSON.parse(text); } catch (e) { json = null; }
    return { status: resp.status, json: json, text: text };
  }

  async function run() {
    let vars = null;
    const raw = variables.value.trim();
    if (raw !== "") {
      try {
        vars = JSON.parse(raw);
      } catch (e) {
        show("variables are not valid JSON: " + e.message, true);
        return;
      }
    }
    runButton.disabled = true;
    status.textContent = "running";
    const started = performance.now();
    try {
      const r = await post({ query: editor.value, variables: vars, operationName: operation.value.trim() || null });
      const ms = Math.round(performance.now() - started);
      status.textContent = "HTTP " + r.status + " in " + ms + " ms";
      const failed = r.json === null || (r.json.errors && r.json.errors.length > 0);
      show(r.json !== null ? JSON.stringify(r.json, null, 2) : r.text, failed);
    } catch (e) {
      status.textContent = "";
      show("request failed: " + e.message, true);
    } finally {
      runButton.disabled = false;
    }
  }

  function show(text, isError) {
    result.textContent = text;
    result.classList.toggle("error", Boolean(isError));
  }

  runButton.addEventListener("click", run);
  document.addEventListener("keydown", (ev) => {
    if ((ev.ctrlKey || ev.metaKey) && ev.key === "Enter") {
      ev.preventDefault();
      run();
    }
  });
  for (const area of [editor, variables]) {
    area.addEventListener("keydown", (ev) => {
      if (ev.key !== "Tab" || ev.shiftKey || ev.ctrlKey || ev.metaKey || ev.altKey) {
        return;
      }
      ev.preventDefault();
      const s = area.selectionStart;
      area.setRangeText("  ", s, area.selectionEnd, "end");
      area.dispatchEvent(new Event("input"));
    });
  }

  // Schema pane.
  let types = new Map();
  let queryTypeName = "Query";
  const history = [];
  let current = null;

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text !== undefined && text !== null) {
      e.textContent = text;
    }
    return e;
  }

  // prose joins the lines of a wrapped description but keeps blank lines.
  function prose(text) {
    return text.replace(/([^\n])\n(?!\n)/g, "$1 ");
  }

  function typeLink(name) {
    const a = el("a", "type", name);
    a.href = "#";
    a.addEventListener("click", (ev) => {
      ev.preventDefault();
      open(name, true);
    });
    return a;
  }

  // appendTypeRef renders a type reference such as [String!]! with the
  // named type as a link.
  function appendTypeRef(parent, ref) {
    if (!ref) {
      return;
    }
    if (ref.kind === "NON_NULL") {
      appendTypeRef(parent, ref.ofType);
      parent.appendChild(document.createTextNode("!"));
    } else if (ref.kind === "LIST") {
      parent.appendChild(document.createTextNode("["));
      appendTypeRef(parent, ref.ofType);
      parent.appendChild(document.createTextNode("]"));
    } else {
      parent.appendChild(typeLink(ref.name));
    }
  }

  function renderIndex(filter) {
    docBody.replaceChildren();
    const f = (filter || "").toLowerCase();
    const intro = el("p", "doc-desc", "Start at ");
    intro.appendChild(typeLink(queryTypeName));
    intro.appendChild(document.createTextNode(", or pick a type."));
    docBody.appendChild(intro);
    const list = el("ul", "doc-list");
    const names = Array.from(types.keys()).filter((n) => !n.startsWith("__")).sort();
    for (const name of names) {
      if (f !== "" && !name.toLowerCase().includes(f)) {
        continue;
      }
      const li = el("li");
      li.appendChild(typeLink(name));
      li.appendChild(el("span", "doc-kind", types.get(name).kind.toLowerCase().replace("_", " ")));
      list.appendChild(li);
    }
    docBody.appendChild(list);
  }

  function renderField(f, isInput) {
    const box = el("div", "doc-field");
    const sig = el("code");
    sig.appendChild(document.createTextNode(f.name));
    if (!isInput && f.args && f.args.length > 0) {
      sig.appendChild(document.createTextNode("(…)"));
    }
    sig.appendChild(document.createTextNode(": "));
    appendTypeRef(sig, f.type);
    if (isInput && f.defaultValue !== null && f.defaultValue !== undefined) {
      sig.appendChild(document.createTextNode(" = " + f.defaultValue));
    }
    box.appendChild(sig);
    if (f.description) {
      box.appendChild(el("div", "doc-desc", prose(f.description)));
    }
    if (!isInput && f.args) {
      for (const a of f.args) {
        const arg = el("div", "doc-args");
        const code = el("code");
        code.appendChild(document.createTextNode(a.name + ": "));
        appendTypeRef(code, a.type);
        if (a.defaultValue !== null && a.defaultValue !== undefined) {
          code.appendChild(document.createTextNode(" = " + a.defaultValue));
        }
        arg.appendChild(code);
        if (a.description) {
          arg.appendChild(el("div", "doc-desc", prose(a.description)));
        }
        box.appendChild(arg);
      }
    }
    return box;
  }

  function renderType(t) {
    docBody.replaceChildren();
    const head = el("div", "doc-type-name", t.name);
    head.appendChild(el("span", "doc-kind", t.kind.toLowerCase().replace("_", " ")));
    docBody.appendChild(head);
    if (t.description) {
      docBody.appendChild(el("div", "doc-desc", prose(t.description)));
    }
    for (const f of t.fields || []) {
      docBody.appendChild(renderField(f, false));
    }
    for (const f of t.inputFields || []) {
      docBody.appendChild(renderField(f, true));
    }
    for (const v of t.enumValues || []) {
      const box = el("div", "doc-field");
      box.appendChild(el("code", null, v.name));
      if (v.description) {
        box.appendChild(el("div", "doc-desc", prose(v.description)));
      }
      docBody.appendChild(box);
    }
  }

  function open(name, remember) {
    const t = name === null ? null : types.get(name);
    if (remember) {
      history.push(current);
    }
    current = t ? name : null;
    docBack.disabled = history.length === 0;
    if (t) {
      renderType(t);
    } else {
      renderIndex(docSearch.value);
    }
  }

  docBack.addEventListener("click", () => {
    if (history.length > 0) {
      open(history.pop(), false);
    }
  });
  docSearch.addEventListener("input", () => {
    if (current !== null) {
      history.push(current);
    }
    current = null;
    docBack.disabled = history.length === 0;
    renderIndex(docSearch.value);
  });

  async function loadSchema() {
    docBody.textContent = "loading schema";
    try {
      const r = await post({ query: introspection, operationName: "Introspection" });
      if (r.json === null || !r.json.data) {
        const msg = r.json && r.json.errors ? r.json.errors.map((e) => e.message).join("; ") : "HTTP " + r.status;
        docBody.textContent = "schema unavailable: " + msg;
        return;
      }
      const s = r.json.data.__schema;
      queryTypeName = s.queryType ? s.queryType.name : "Query";
      types = new Map(s.types.map((t) => [t.name, t]));
      open(queryTypeName, false);
    } catch (e) {
      docBody.textContent = "schema unavailable: " + e.message;
    }
  }
  token.addEventListener("change", loadSchema);
  loadSchema();
})();
