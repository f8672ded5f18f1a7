// The one workflow graph of the web app (editor, monitor): nodes as labelled boxes that are
// real buttons (so the keyboard and screen readers reach them as they reach any control),
// edges drawn in SVG with their branch labels, pan and zoom by CSS transform. Positions are
// the builder's saved canvas coordinates, spread apart only as much as the boxes need.
"use strict";
// What the graph draws of a definition (nodes, edges and branch labels as the builder saved them).
RE.graphOf = (definition) => ({
  nodes: (definition.nodes || []).filter((n) => n && typeof n === "object" && n.id).map((n) => ({
    id: String(n.id), type: n.type, label: (n.data && n.data.label) || String(n.id), position: n.position })),
  edges: (definition.edges || []).filter((e) => e && typeof e === "object").map((e) => ({
    source: String(e.source), target: String(e.target), label: e.label || e.sourceHandle || "" })),
});

RE.graph = (container, { nodes, edges, onOpen, onSelect, describeOpen = "open its step" }) => {
  const { el, ICONS } = RE;
  const W = 204, H = 58, GAP_X = 24, GAP_Y = 46, PAD = 40, NS = "http://www.w3.org/2000/svg";
  const TYPE = { python: "Py", transform: "{ }", http: "HTTP", condition: "if", delay: "⏱",
    approval: "✎", workflow: "⧉" };
  const state = {};  // id -> { status, duration, issues }
  let view = { x: 0, y: 0, k: 1 }, selected = null;

  // Saved coordinates, scaled up just enough that no two boxes overlap; where that cannot
  // work (a missing position, two nodes at one spot), nodes are laid out in layers instead.
  function layout() {
    const saved = nodes.map((n) => ({ x: Number(n.position && n.position.x), y: Number(n.position && n.position.y) }));
    let scale = 1, usable = saved.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    for (let i = 0; usable && i < saved.length; i++) {
      for (let j = i + 1; j < saved.length; j++) {
        const dx = Math.abs(saved[i].x - saved[j].x), dy = Math.abs(saved[i].y - saved[j].y);
        const need = Math.min(dx ? (W + GAP_X) / dx : Infinity, dy ? (H + GAP_Y) / dy : Infinity);
        scale = Math.max(scale, need);
      }
    }
    if (usable && scale <= 4) return saved.map((p) => ({ x: p.x * scale, y: p.y * scale }));
    const depth = {}, incoming = {};
    for (const n of nodes) { depth[n.id] = 0; incoming[n.id] = []; }
    for (const e of edges) if (incoming[e.target]) incoming[e.target].push(e.source);
    for (let round = 0; round < nodes.length; round++) {
      for (const n of nodes) for (const s of incoming[n.id]) if (s in depth) depth[n.id] = Math.max(depth[n.id], depth[s] + 1);
    }
    const column = {};
    return nodes.map((n) => {
      const d = Math.min(depth[n.id], nodes.length);
      column[d] = (column[d] || 0) + 1;
      return { x: (column[d] - 1) * (W + GAP_X), y: d * (H + GAP_Y) };
    });
  }

  const places = layout();
  const minX = Math.min(...places.map((p) => p.x), 0), minY = Math.min(...places.map((p) => p.y), 0);
  const at = {};
  nodes.forEach((n, i) => { at[n.id] = { x: places[i].x - minX + PAD, y: places[i].y - minY + PAD }; });
  const width = Math.max(...Object.values(at).map((p) => p.x), 0) + W + PAD;
  const height = Math.max(...Object.values(at).map((p) => p.y), 0) + H + PAD;

  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("class", "graph-edges");
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  svg.setAttribute("aria-hidden", "true");
  svg.innerHTML = `<defs><marker id="${container.id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8a94a6"/></marker></defs>`;
  const canvas = el("div", { class: "graph-canvas" }, svg);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const viewport = el("div", { class: "graph-viewport" }, canvas);
  const zoomIn = el("button", { type: "button", "aria-label": "Zoom in", title: "Zoom in" }, "+");
  const zoomOut = el("button", { type: "button", "aria-label": "Zoom out", title: "Zoom out" }, "−");
  const fitButton = el("button", { type: "button", "aria-label": "Fit the graph to the view", title: "Fit" }, "⤢");
  const tools = el("div", { class: "graph-tools", role: "toolbar", "aria-label": "Graph view" }, zoomIn, zoomOut, fitButton);
  container.classList.add("graph");
  container.replaceChildren(tools, viewport);

  // Edges: from the bottom of the source to the top of the target when the flow goes down,
  // side to side when it goes across; the label sits on the curve's middle.
  for (const e of edges) {
    const a = at[e.source], b = at[e.target];
    if (!a || !b) continue;
    const down = Math.abs(b.y - a.y) >= Math.abs(b.x - a.x) * 0.4 && b.y !== a.y;
    const sign = b.y >= a.y ? 1 : -1, side = b.x >= a.x ? 1 : -1;
    const [x1, y1, x2, y2] = down
      ? [a.x + W / 2, a.y + (sign > 0 ? H : 0), b.x + W / 2, b.y + (sign > 0 ? 0 : H)]
      : [a.x + (side > 0 ? W : 0), a.y + H / 2, b.x + (side > 0 ? 0 : W), b.y + H / 2];
    const bend = down ? Math.max(30, Math.abs(y2 - y1) / 2) * sign : Math.max(30, Math.abs(x2 - x1) / 2) * side;
    const [c1, c2] = down ? [[x1, y1 + bend], [x2, y2 - bend]] : [[x1 + bend, y1], [x2 - bend, y2]];
    const path = document.createElementNS(NS, "path");
    path.setAttribute("d", `M${x1},${y1} C${c1[0]},${c1[1]} ${c2[0]},${c2[1]} ${x2},${y2}`);
    path.setAttribute("class", "graph-edge");
    path.dataset.source = e.source;
    path.dataset.target = e.target;
    path.setAttribute("marker-end", `url(#${container.id}-arrow)`);
    svg.append(path);
    const label = e.label || e.sourceHandle;
    if (label) {
      const mx = (x1 + 3 * c1[0] + 3 * c2[0] + x2) / 8, my = (y1 + 3 * c1[1] + 3 * c2[1] + y2) / 8;
      const text = document.createElementNS(NS, "text");
      text.setAttribute("x", mx);
      text.setAttribute("y", my + 4);
      text.setAttribute("class", `graph-edge-label ${label}`);
      text.setAttribute("text-anchor", "middle");
      text.textContent = label;
      svg.append(text);
    }
  }

  const buttons = {}, abouts = {};
  const order = [...nodes].sort((p, q) => at[p.id].y - at[q.id].y || at[p.id].x - at[q.id].x);
  for (const n of order) {
    // The name a screen reader says is the box's own text (label, type, status, duration);
    // the rest (issues, branches, what Enter does) is its description.
    const about = el("span", { id: `${container.id}-about-${Object.keys(buttons).length}`, hidden: true });
    const button = el("button", { type: "button", class: "gnode", "data-node": n.id, "data-type": n.type || "",
      "aria-describedby": about.id },
      el("span", { class: "gtype", "aria-hidden": "true" }, TYPE[n.type] || "•"),
      el("span", { class: "gbody" }, el("span", { class: "glabel" }, n.label || n.id),
        el("span", { class: "visually-hidden" }, ` (${n.type || "a"} step) `),
        el("span", { class: "gmeta" }, el("span", { class: "gstatus" }), el("span", { class: "gid" }, n.id))),
      el("span", { class: "gissues", hidden: true }));
    canvas.append(about);
    abouts[n.id] = about;
    button.style.left = `${at[n.id].x}px`;
    button.style.top = `${at[n.id].y}px`;
    button.style.width = `${W}px`;
    button.style.height = `${H}px`;
    button.addEventListener("click", () => { choose(n.id); if (onOpen) onOpen(n.id); });
    button.addEventListener("focus", () => reveal(n.id));
    button.addEventListener("keydown", (event) => arrow(event, n.id));
    canvas.append(button);
    buttons[n.id] = button;
    state[n.id] = { status: null, duration: null, issues: [] };
    describe(n.id);
  }
  // Edge labels get a backing so they read over the lines.
  for (const text of svg.querySelectorAll("text")) {
    const box = text.getBBox();
    const back = document.createElementNS(NS, "rect");
    back.setAttribute("x", box.x - 4); back.setAttribute("y", box.y - 1);
    back.setAttribute("width", box.width + 8); back.setAttribute("height", box.height + 2);
    back.setAttribute("rx", 4); back.setAttribute("class", "graph-edge-label-back");
    svg.insertBefore(back, text);
  }

  function describe(id) {
    const s = state[id], button = buttons[id];
    const parts = [];
    if (s.issues.length) parts.push(`${s.issues.length} issue${s.issues.length === 1 ? "" : "s"}: ${s.issues.join("; ")}`);
    const into = edges.filter((e) => e.target === id && e.label).map((e) => `${e.label} branch of ${e.source}`);
    if (into.length) parts.push(`Reached by the ${into.join(", ")}`);
    parts.push(`Enter to ${describeOpen}.`);
    abouts[id].textContent = parts.join(". ");
    button.dataset.status = s.status || "";
    button.querySelector(".gstatus").textContent = s.status
      ? `${ICONS[s.status] || ""} ${s.status}${s.duration !== null && s.duration !== undefined ? ` · ${RE.duration(s.duration)}` : ""}` : "";
    const badge = button.querySelector(".gissues");
    badge.hidden = !s.issues.length;
    badge.textContent = s.issues.length ? `✖ ${s.issues.length} issue${s.issues.length === 1 ? "" : "s"}` : "";
    button.classList.toggle("has-issues", Boolean(s.issues.length));
  }

  function apply() { canvas.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.k})`; }

  function fit() {
    const vw = viewport.clientWidth, vh = viewport.clientHeight;
    if (!vw || !vh) return;
    const k = Math.min(vw / width, vh / height, 1.2);
    view = { k, x: (vw - width * k) / 2, y: (vh - height * k) / 2 };
    apply();
  }

  function zoom(factor, cx = viewport.clientWidth / 2, cy = viewport.clientHeight / 2) {
    const k = Math.min(3, Math.max(0.2, view.k * factor));
    view = { k, x: cx - ((cx - view.x) * k) / view.k, y: cy - ((cy - view.y) * k) / view.k };
    apply();
  }

  // A node that takes focus is brought into view (the keyboard must never land off screen).
  function reveal(id) {
    const p = at[id], vw = viewport.clientWidth, vh = viewport.clientHeight;
    const left = view.x + p.x * view.k, top = view.y + p.y * view.k;
    if (left < 0 || top < 0 || left + W * view.k > vw || top + H * view.k > vh) {
      view.x = vw / 2 - (p.x + W / 2) * view.k;
      view.y = vh / 2 - (p.y + H / 2) * view.k;
      apply();
    }
    viewport.scrollTop = 0; viewport.scrollLeft = 0;  // focus() may scroll the clipped box
  }

  // Arrow keys move to the nearest node that way; Home/End to the first and last.
  function arrow(event, id) {
    const dirs = { ArrowDown: [0, 1], ArrowUp: [0, -1], ArrowRight: [1, 0], ArrowLeft: [-1, 0] };
    let next = null;
    if (event.key === "Home") next = order[0].id;
    else if (event.key === "End") next = order[order.length - 1].id;
    else if (dirs[event.key]) {
      const [dx, dy] = dirs[event.key], from = at[id];
      let best = Infinity;
      for (const n of nodes) {
        if (n.id === id) continue;
        const vx = at[n.id].x - from.x, vy = at[n.id].y - from.y;
        const along = vx * dx + vy * dy, across = Math.abs(dx ? vy : vx);
        if (along <= 0) continue;
        // The nearest node within 45° of the arrow's way first, then anything that way.
        const score = across <= along ? Math.hypot(vx, vy) : 1e6 + along + 2 * across;
        if (score < best) { best = score; next = n.id; }
      }
    } else if (event.key === "+" || event.key === "=") { zoom(1.2); event.preventDefault(); return; }
    else if (event.key === "-") { zoom(1 / 1.2); event.preventDefault(); return; }
    else return;
    event.preventDefault();
    if (next) buttons[next].focus();
  }

  function choose(id) {
    if (selected && buttons[selected]) buttons[selected].classList.remove("selected");
    selected = id;
    if (buttons[id]) {
      buttons[id].classList.add("selected");
      for (const path of svg.querySelectorAll("path.graph-edge")) {
        path.classList.toggle("near", path.dataset.source === id || path.dataset.target === id);
      }
    }
    if (onSelect) onSelect(id);
  }

  // Pan by dragging the background, zoom with the wheel around the pointer.
  let drag = null;
  viewport.addEventListener("pointerdown", (event) => {
    if (event.target.closest(".gnode")) return;
    drag = { x: event.clientX - view.x, y: event.clientY - view.y };
    viewport.setPointerCapture(event.pointerId);
    viewport.classList.add("panning");
  });
  viewport.addEventListener("pointermove", (event) => {
    if (!drag) return;
    view.x = event.clientX - drag.x;
    view.y = event.clientY - drag.y;
    apply();
  });
  const endDrag = () => { drag = null; viewport.classList.remove("panning"); };
  viewport.addEventListener("pointerup", endDrag);
  viewport.addEventListener("pointercancel", endDrag);
  viewport.addEventListener("wheel", (event) => {
    event.preventDefault();
    const box = viewport.getBoundingClientRect();
    zoom(event.deltaY < 0 ? 1.12 : 1 / 1.12, event.clientX - box.left, event.clientY - box.top);
  }, { passive: false });
  zoomIn.addEventListener("click", () => zoom(1.2));
  zoomOut.addEventListener("click", () => zoom(1 / 1.2));
  fitButton.addEventListener("click", fit);
  new ResizeObserver(() => fit()).observe(viewport);
  fit();

  return {
    setStatus(id, status, duration) {
      if (!state[id]) return;
      state[id].status = status;
      if (duration !== undefined) state[id].duration = duration;
      describe(id);
    },
    setIssues(byNode) {
      for (const id of Object.keys(state)) { state[id].issues = byNode[id] || []; describe(id); }
    },
    select(id) { if (buttons[id]) { choose(id); reveal(id); } },
    focus(id) { if (buttons[id]) buttons[id].focus(); },
    fit,
    get view() { return { ...view }; },
    node(id) { return buttons[id]; },
  };
};
