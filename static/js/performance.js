// Screen 9: per-step timing breakdown, CPU and memory series, the critical path and its
// bottleneck, trends across runs (p50/p95 per step) and the recommendations behind them.
"use strict";
(() => {
  const { api, el, ms } = RE;
  const { execution_id: id, workflow_id: workflowId } = RE.pageData();

  function percent(value) { return value === null || value === undefined ? "–" : `${Math.round(value * 100)}%`; }

  async function load() {
    const [run, trends] = await Promise.all([api(`executions/${id}/metrics/`), api(`workflows/${workflowId}/metrics/`)]);
    const bottleneck = run.bottleneck;
    document.getElementById("critical-path").replaceChildren(
      ...run.critical_path.flatMap((stepId, i) => [i ? " → " : "",
        stepId === (bottleneck && bottleneck.step_id) ? el("strong", { class: "bottleneck" }, `${stepId} (bottleneck, ${ms(bottleneck.ms)}, ${percent(bottleneck.share)} of the path)`) : el("code", {}, stepId)]),
      run.critical_path.length ? ` — ${ms(run.critical_path_ms)} in all` : "No finished steps yet.");

    document.getElementById("recommendations").replaceChildren(...(trends.recommendations.length ? trends.recommendations.map((r) =>
      el("li", {}, el("strong", {}, r.rule.replace(/_/g, " ")), ": ", r.message)) : [el("li", {}, "Nothing to recommend from the runs so far.")]));

    const steps = run.steps;
    document.querySelector("#breakdown tbody").replaceChildren(...steps.map((s) => el("tr", {},
      el("th", { scope: "row" }, s.step_id), el("td", {}, ms(s.queue_wait_ms)), el("td", {}, ms(s.run_ms)),
      el("td", {}, ms(s.retry_ms)), el("td", {}, ms(s.total_ms)),
      el("td", {}, s.cpu_seconds === null || s.cpu_seconds === undefined ? "–" : `${s.cpu_seconds.toFixed(3)} s`),
      el("td", {}, s.peak_rss_mb ? `${s.peak_rss_mb.toFixed(1)} MB` : "–"))));
    new Chart(document.getElementById("breakdown-chart"), { type: "bar", options: { indexAxis: "y", animation: false,
      scales: { x: { stacked: true, min: 0, title: { display: true, text: "time" }, ticks: { callback: (v) => ms(v) } }, y: { stacked: true } } },
      data: { labels: steps.map((s) => s.step_id), datasets: [
        { label: "queue wait", data: steps.map((s) => s.queue_wait_ms || 0), backgroundColor: "#b0bec5" },
        { label: "run", data: steps.map((s) => s.run_ms || 0), backgroundColor: "#1565c0" },
        { label: "retries", data: steps.map((s) => s.retry_ms || 0), backgroundColor: "#ef6c00" }] } });

    const sampled = steps.filter((s) => s.samples && s.samples.length);
    const datasets = sampled.flatMap((s) => [
      { label: `${s.step_id} CPU %`, data: s.samples.map((p) => ({ x: p.t, y: p.cpu_percent })), yAxisID: "cpu" },
      { label: `${s.step_id} memory MB`, data: s.samples.map((p) => ({ x: p.t, y: p.rss_mb })), yAxisID: "mem", borderDash: [4, 3] }]);
    new Chart(document.getElementById("usage-chart"), { type: "line", data: { datasets }, options: { animation: false, parsing: false,
      scales: { x: { type: "linear", min: 0, title: { display: true, text: "seconds into the step" } },
        cpu: { position: "left", min: 0, suggestedMax: 100, title: { display: true, text: "CPU %" } },
        mem: { position: "right", min: 0, title: { display: true, text: "MB" }, grid: { drawOnChartArea: false } } } } });
    if (!sampled.length) document.getElementById("usage-chart").replaceWith(el("p", { class: "muted" }, "No samples: only python and http steps are sampled."));

    document.getElementById("trend-summary").textContent = `${trends.runs} recent runs · success rate ${percent(trends.success_rate)}`
      + ` · total p50 ${ms(trends.duration_ms.p50)}, p95 ${ms(trends.duration_ms.p95)}`;
    document.querySelector("#trends tbody").replaceChildren(...trends.steps.map((s) => el("tr", {},
      el("th", { scope: "row" }, s.step_id), el("td", {}, s.runs), el("td", {}, ms(s.p50_ms)), el("td", {}, ms(s.p95_ms)),
      el("td", {}, s.trend === null ? "–" : s.trend > 1.1 ? `↗ ${s.trend}× slower` : s.trend < 0.9 ? `↘ ${s.trend}×` : "→ steady"),
      el("td", {}, percent(s.failure_rate)),
      el("td", {}, s.peak_rss_mb ? `${s.peak_rss_mb.toFixed(0)} / ${s.memory_limit_mb} MB` : "–"))));
    new Chart(document.getElementById("trend-chart"), { type: "bar", options: { animation: false, scales: { y: { min: 0, title: { display: true, text: "duration" }, ticks: { callback: (v) => ms(v) } } } },
      data: { labels: trends.steps.map((s) => s.step_id), datasets: [
        { label: "p50", data: trends.steps.map((s) => s.p50_ms), backgroundColor: "#42a5f5" },
        { label: "p95", data: trends.steps.map((s) => s.p95_ms), backgroundColor: "#0d47a1" }] } });
  }
  load();
})();
