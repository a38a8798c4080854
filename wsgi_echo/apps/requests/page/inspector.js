// The inspector page: the record's list, then its live feed, newest first.
// Recorded data is only ever shown through textContent (never innerHTML or
// attributes that load anything), so a request carrying markup shows it as text.
"use strict";

(function () {
  const api = location.pathname.replace(/\/+$/, "");
  const records = new Map();
  const list = document.getElementById("requests");
  const state = document.getElementById("feed-state");
  const filterMethod = document.getElementById("filter-method");
  const filterPath = document.getElementById("filter-path");
  let selected = null;
  let feed = null;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setState(name, text) {
    state.dataset.state = name;
    state.textContent = text;
  }

  function header(record, name) {
    const wanted = name.toLowerCase();
    for (const [key, value] of record.headers) {
      if (key.toLowerCase() === wanted) return value;
    }
    return "";
  }

  function passesFilter(record) {
    const method = filterMethod.value.trim().toUpperCase();
    const path = filterPath.value.trim();
    return (!method || record.method === method) && (!path || record.path.startsWith(path));
  }

  function showCount() {
    const shown = list.querySelectorAll("li:not([hidden])").length;
    document.getElementById("count").textContent = records.size
      ? shown + " of " + records.size + " shown" : "";
    document.getElementById("empty").hidden = records.size > 0;
  }

  function item(record) {
    const li = element("li");
    li.dataset.id = String(record.id);
    li.tabIndex = 0;
    li.setAttribute("aria-selected", "false");
    li.append(
      element("span", "method", record.method),
      element("span", "target", record.target),
      element("span", "status" + (record.status >= 400 ? " bad" : ""), String(record.status)),
      element("span", "when", record.time + " from " + record.client + " on " + record.instance)
    );
    li.hidden = !passesFilter(record);
    li.addEventListener("click", () => select(record.id));
    li.addEventListener("keydown", (event) => { if (event.key === "Enter") select(record.id); });
    return li;
  }

  function add(record) {
    if (records.has(record.id)) return;
    records.set(record.id, record);
    const node = item(record);
    // Newest first: before the first item with a smaller id.
    let before = null;
    for (const other of list.children) {
      if (Number(other.dataset.id) < record.id) { before = other; break; }
    }
    list.insertBefore(node, before);
    showCount();
  }

  // -- a body, shown by its type ------------------------------------------------

  function bytesOf(record) {
    if (record.body_encoding === "base64") {
      const text = atob(record.body);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      return bytes;
    }
    return new TextEncoder().encode(record.body);
  }

  function hexDump(bytes, limit) {
    const lines = [];
    const end = Math.min(bytes.length, limit);
    for (let offset = 0; offset < end; offset += 16) {
      const row = bytes.slice(offset, Math.min(offset + 16, end));
      const hex = Array.from(row, (b) => b.toString(16).padStart(2, "0")).join(" ");
      const ascii = Array.from(row, (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : ".")).join("");
      lines.push(offset.toString(16).padStart(8, "0") + "  " + hex.padEnd(47) + "  " + ascii);
    }
    if (bytes.length > limit) lines.push("... " + (bytes.length - limit) + " more bytes");
    return lines.join("\n");
  }

  function utf8(bytes) {
    try { return new TextDecoder("utf-8", { fatal: true }).decode(bytes); } catch (e) { return null; }
  }

  function pre(text) { return element("pre", "", text); }

  function pairsTable(pairs) {
    const table = element("table");
    const body = element("tbody");
    for (const [name, value] of pairs) {
      const row = element("tr");
      row.append(element("td", "", name), element("td", "", value));
      body.append(row);
    }
    table.append(body);
    return table;
  }

  function multipartParts(bytes, boundary) {
    const text = Array.from(bytes, (b) => String.fromCharCode(b)).join("");  // bytes as latin-1
    const parts = [];
    for (const chunk of text.split("--" + boundary).slice(1)) {
      if (chunk.startsWith("--")) break;
      const split = chunk.indexOf("\r\n\r\n");
      if (split < 0) continue;
      const head = chunk.slice(2, split);
      let content = chunk.slice(split + 4);
      if (content.endsWith("\r\n")) content = content.slice(0, -2);
      const raw = Uint8Array.from(content, (c) => c.charCodeAt(0));
      parts.push({ head: head, bytes: raw });
    }
    return parts;
  }

  function bodyView(record) {
    const bytes = bytesOf(record);
    const contentType = header(record, "content-type");
    const type = contentType.toLowerCase();
    const text = utf8(bytes);
    if (!bytes.length) return ["empty", element("p", "muted", "(no body)")];
    if (text !== null && (type.includes("json") || /^\s*[\[{]/.test(text))) {
      try { return ["JSON", pre(JSON.stringify(JSON.parse(text), null, 2))]; } catch (e) { /* not JSON */ }
    }
    if (text !== null && type.startsWith("application/x-www-form-urlencoded")) {
      return ["form", pairsTable(Array.from(new URLSearchParams(text)))];
    }
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType);
    if (type.startsWith("multipart/") && boundary) {
      const box = element("div");
      for (const part of multipartParts(bytes, boundary[1])) {
        const section = element("div", "part");
        const partText = utf8(part.bytes);
        section.append(pre(part.head));
        section.append(pre(partText !== null ? partText : hexDump(part.bytes, 1024)));
        box.append(section);
      }
      return ["multipart", box];
    }
    if (text !== null) return ["text", pre(text)];
    return ["binary, as hex", pre(hexDump(bytes, 4096))];
  }

  // -- the selected request ---------------------------------------------------------

  function select(id) {
    const record = records.get(id);
    if (!record) return;
    selected = id;
    for (const li of list.children) {
      li.setAttribute("aria-selected", String(Number(li.dataset.id) === id));
    }
    document.getElementById("detail").hidden = false;
    document.getElementById("detail-title").textContent =
      record.method + " " + record.target + " \u2192 " + record.status;
    const meta = document.getElementById("detail-meta");
    meta.replaceChildren();
    const facts = [
      ["id", record.id], ["time", record.time], ["client", record.client],
      ["instance", record.instance], ["HTTP", record.http_version],
      ["URL", record.scheme + "://" + record.host + record.target],
      ["duration", record.duration_ms + " ms"],
      ["TLS", record.tls ? [record.tls.version, record.tls.cipher, record.tls.alpn]
        .filter(Boolean).join(", ") : "none"],
    ];
    for (const [name, value] of facts) {
      meta.append(element("dt", "", name), element("dd", "", String(value)));
    }
    const rows = document.querySelector("#detail-headers tbody");
    rows.replaceChildren();
    for (const [name, value] of record.headers) {
      const row = element("tr");
      row.append(element("td", "", name), element("td", "", value));
      rows.append(row);
    }
    const [kind, view] = bodyView(record);
    let label = kind + ", " + record.body_size + " bytes";
    if (record.body_truncated) label += ", cut at the record's limit";
    document.getElementById("detail-body-kind").textContent = "(" + label + ")";
    document.getElementById("detail-body").replaceChildren(view);
    const curl = document.getElementById("detail-curl");
    curl.textContent = "";
    document.getElementById("copy-state").textContent = "";
    fetch(api + "/" + id + "/curl", { credentials: "same-origin" })
      .then((response) => response.text())
      .then((command) => { if (selected === id) curl.textContent = command; });
  }

  document.getElementById("copy-curl").addEventListener("click", () => {
    const command = document.getElementById("detail-curl").textContent;
    const done = (text) => { document.getElementById("copy-state").textContent = text; };
    if (navigator.clipboard) {
      navigator.clipboard.writeText(command).then(() => done("copied"), () => done("select and copy it"));
    } else {
      done("select and copy it");
    }
  });

  // -- filters and clearing -----------------------------------------------------------

  function refilter() {
    for (const li of list.children) li.hidden = !passesFilter(records.get(Number(li.dataset.id)));
    showCount();
  }
  filterMethod.addEventListener("input", refilter);
  filterPath.addEventListener("input", refilter);

  document.getElementById("clear").addEventListener("click", () => {
    fetch(api, { method: "DELETE", credentials: "same-origin" }).then((response) => {
      if (!response.ok) return;
      records.clear();
      list.replaceChildren();
      document.getElementById("detail").hidden = true;
      showCount();
    });
  });

  // -- the list, then the feed ---------------------------------------------------------

  function listen(after) {
    feed = new EventSource(api + "/events?after=" + after);
    feed.addEventListener("ready", () => setState("live", "live"));
    feed.addEventListener("request", (event) => add(JSON.parse(event.data)));
    feed.addEventListener("error", () => {
      if (feed.readyState !== EventSource.OPEN) setState("reconnecting", "reconnecting");
    });
  }

  document.querySelector("#empty code").textContent =
    "curl -d 'hello' " + location.origin + "/echo/hook";
  fetch(api + "?limit=200", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => {
      if (!response.ok) throw new Error(response.status + " " + response.statusText);
      return response.json();
    })
    .then((data) => {
      let newest = data.last_id;
      for (const record of data.requests.slice().reverse()) {
        add(record);
        newest = Math.max(newest, record.id);
      }
      showCount();
      listen(newest);
    })
    .catch((error) => setState("reconnecting", "cannot read the record: " + error.message));
})();
