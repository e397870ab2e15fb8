/// The page's Mustache template: one self-contained file, styles and script inline, no network.
///
/// The sections are rendered in Swift from `results.json` (tables, SVG plots, heat maps); the
/// script only sorts, switches between precomputed comparisons, and pages through the samples,
/// which it parses once and draws as they scroll into view (100,000 stay responsive).
enum ReportTemplate {
    static let page = #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="generator" content="runner {{version}}">
    <title>{{title}}</title>
    <style>
    :root { --fg: #1d2330; --muted: #667085; --line: #d0d5dd; --best: #e8f5e9; --accent: #1f6feb; }
    * { box-sizing: border-box; }
    body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); margin: 0; background: #fff; }
    header { padding: 16px 24px; border-bottom: 1px solid var(--line); background: #f8fafc; }
    header h1 { font-size: 20px; margin: 0 0 4px; }
    header .meta { color: var(--muted); font-size: 12px; }
    main { padding: 8px 24px 40px; }
    section { margin: 24px 0; }
    h2 { font-size: 16px; margin: 0 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
    h3 { font-size: 14px; margin: 12px 0 6px; }
    table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
    th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: right; white-space: nowrap; }
    th { background: #f2f4f7; cursor: pointer; user-select: none; }
    th.text, td.text { text-align: left; }
    td.best { background: var(--best); font-weight: 600; }
    td .ci { color: var(--muted); font-size: 11px; margin-left: 4px; }
    .scroll { overflow-x: auto; }
    .plots { display: flex; flex-wrap: wrap; gap: 16px; }
    svg.plot { border: 1px solid var(--line); background: #fff; }
    svg .axis { stroke: #444; } svg .grid { stroke: #eee; } svg .tick, svg .legend { font-size: 11px; fill: #444; }
    svg .plot-title { font-size: 13px; font-weight: 600; } svg .axis-label { font-size: 12px; fill: #222; }
    svg .errorbar { stroke-width: 2; } svg .series-line { stroke-width: 1.5; opacity: .6; }
    .heatmaps { display: flex; flex-wrap: wrap; gap: 24px; }
    table.heat td { min-width: 34px; text-align: center; }
    .note { color: var(--muted); font-size: 12px; }
    .controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 8px; }
    select, input { font: inherit; padding: 3px 6px; }
    #sample-list { height: 420px; overflow-y: auto; border: 1px solid var(--line); position: relative; }
    #sample-list .spacer { position: relative; }
    .row { position: absolute; left: 0; right: 0; height: 28px; padding: 4px 8px; border-bottom: 1px solid #f0f0f0; cursor: pointer;
           white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-size: 13px; }
    .row:hover, .row.selected { background: #eef4ff; }
    .tag { display: inline-block; min-width: 58px; font-size: 11px; padding: 0 4px; border-radius: 3px; margin-right: 6px; text-align: center; }
    .tag.right { background: #dcfce7; } .tag.wrong { background: #fee2e2; } .tag.other { background: #e5e7eb; }
    #sample-detail { border: 1px solid var(--line); padding: 8px 12px; margin-top: 8px; white-space: pre-wrap; font: 12px/1.4 ui-monospace, monospace; max-height: 360px; overflow: auto; }
    #job-notes li.failed { color: #b00020; }
    #job-notes li.warning { color: #8a5a00; }
    .pair { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; }
    </style>
    </head>
    <body>
    <header>
    <h1>{{title}}</h1>
    <div class="meta">{{directory}} · {{jobCount}} job{{^singleJob}}s{{/singleJob}} · written {{generated}} by runner {{version}} · every number is read from the jobs' results.json</div>
    </header>
    <main>
    <section id="jobs">
    <h2>{{#sweep}}Jobs{{/sweep}}{{^sweep}}Results{{/sweep}}</h2>
    {{#hasNotes}}<ul id="job-notes">{{#notes}}<li class="{{#failed}}failed{{/failed}}{{^failed}}warning{{/failed}}"><b>{{label}}</b>: {{text}}</li>{{/notes}}</ul>{{/hasNotes}}
    <div class="scroll">
    <table id="job-table">
    <thead><tr>{{#columns}}<th class="{{kind}}" data-column="{{index}}">{{name}}</th>{{/columns}}</tr></thead>
    <tbody>
    {{#rows}}<tr class="job-row" data-job="{{job}}">{{#cells}}<td class="{{kind}}{{#best}} best{{/best}}" data-sort="{{sort}}" title="{{title}}">{{text}}{{#ci}}<span class="ci">{{ci}}</span>{{/ci}}</td>{{/cells}}</tr>
    {{/rows}}
    </tbody>
    </table>
    </div>
    <p class="note">Intervals: {{interval}}. The best value of each metric is marked. Click a heading to sort.</p>
    </section>
    {{#hasPlots}}
    <section id="plots">
    <h2>Metrics across the sweep</h2>
    <div class="plots">{{#plots}}{{{svg}}}{{/plots}}</div>
    </section>
    {{/hasPlots}}
    {{#hasConfusion}}
    <section id="confusion">
    <h2>Confusion matrices and per-class F1</h2>
    <div class="heatmaps">{{#confusion}}<div class="heatmap"><h3>{{label}}</h3>{{{html}}}</div>{{/confusion}}</div>
    </section>
    {{/hasConfusion}}
    {{#hasPairs}}
    <section id="compare">
    <h2>Paired comparison</h2>
    <div class="controls">
    <label>Job A <select id="pair-a">{{#jobOptions}}<option value="{{job}}">{{label}}</option>{{/jobOptions}}</select></label>
    <label>Job B <select id="pair-b">{{#jobOptions}}<option value="{{job}}">{{label}}</option>{{/jobOptions}}</select></label>
    </div>
    <div id="pair-result" class="pair"></div>
    <p class="note">On the items both jobs scored. McNemar: exact two-sided binomial test on the items only one job got right (0/1 scores). Difference: mean score of A minus B, 95% paired percentile bootstrap (1,000 resamples, seed 1).</p>
    </section>
    {{/hasPairs}}
    <section id="samples">
    <h2>Samples</h2>
    <div class="controls">
    <label>Job <select id="sample-job">{{#jobOptions}}<option value="{{job}}">{{label}}</option>{{/jobOptions}}</select></label>
    <label>Show <select id="sample-filter">
    <option value="all">all</option><option value="wrong">wrong</option><option value="right">right</option>
    <option value="null">null answers</option><option value="skipped">skipped</option><option value="errored">errored</option><option value="cached">cached</option><option value="flagged">flagged unsafe</option>
    </select></label>
    <input id="sample-search" type="search" placeholder="search prompt, answer, gold, id" size="36">
    <span id="sample-count"></span>
    </div>
    <div id="sample-list"><div class="spacer"></div></div>
    <div id="sample-detail">Click a sample to see it whole.</div>
    </section>
    </main>
    <script type="application/json" id="report-data">{{{data}}}</script>
    <script>
    (function () {
      "use strict";
      var data = JSON.parse(document.getElementById("report-data").textContent);
      function $(id) { return document.getElementById(id); }
      function text(value) { return value === null || value === undefined ? "" : (typeof value === "string" ? value : JSON.stringify(value)); }
      // An answer that is one of the choices (lm-eval's) shows its index too: "[1] Paris" in a row, "Paris (choice 1)" in the detail.
      function choice(value, index, long) {
        if (index === null || index === undefined) return text(value);
        var i = Array.isArray(index) ? index.join(", ") : index;
        return long ? text(value) + " (choice " + i + ")" : "[" + i + "] " + text(value);
      }

      // Sorting: numbers by data-sort, text otherwise; a second click reverses.
      var table = $("job-table");
      table.querySelectorAll("th").forEach(function (th) {
        th.addEventListener("click", function () {
          var column = +th.dataset.column, body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          var descending = th.dataset.order !== "desc";
          th.dataset.order = descending ? "desc" : "asc";
          rows.sort(function (a, b) {
            var x = a.cells[column].dataset.sort, y = b.cells[column].dataset.sort;
            var nx = parseFloat(x), ny = parseFloat(y), order;
            if (!isNaN(nx) && !isNaN(ny)) order = nx - ny; else order = String(x).localeCompare(String(y));
            return descending ? -order : order;
          });
          rows.forEach(function (row) { body.appendChild(row); });
        });
      });

      // Paired comparison: precomputed for each pair of jobs on the same task.
      function showPair() {
        var a = $("pair-a"), b = $("pair-b"), out = $("pair-result");
        if (!a) return;
        var key = a.value + "-" + b.value, swapped = false, pair = data.pairs[key];
        if (!pair) { pair = data.pairs[b.value + "-" + a.value]; swapped = true; }
        if (a.value === b.value) { out.textContent = "Choose two different jobs."; return; }
        if (!pair) { out.textContent = "These jobs share no scored items (different tasks?)."; return; }
        var onlyA = swapped ? pair.only_second : pair.only_first, onlyB = swapped ? pair.only_first : pair.only_second;
        var d = swapped ? -pair.difference : pair.difference, lo = swapped ? -pair.high : pair.low, hi = swapped ? -pair.low : pair.high;
        var rows = [["items both scored", pair.items],
          ["right in A only", onlyA.count + (onlyA.ids.length ? " (" + onlyA.ids.join(", ") + (onlyA.count > onlyA.ids.length ? ", ..." : "") + ")" : "")],
          ["right in B only", onlyB.count + (onlyB.ids.length ? " (" + onlyB.ids.join(", ") + (onlyB.count > onlyB.ids.length ? ", ..." : "") + ")" : "")],
          ["difference A - B", d.toFixed(4) + " [" + lo.toFixed(4) + ", " + hi.toFixed(4) + "]"],
          ["McNemar p", pair.mcnemar_p === null ? "n/a (scores are not 0/1)" : pair.mcnemar_p.toPrecision(4)]];
        out.innerHTML = "";
        rows.forEach(function (r) {
          var k = document.createElement("b"); k.textContent = r[0];
          var v = document.createElement("span"); v.textContent = r[1]; v.className = "pair-" + r[0].replace(/[^a-z]+/gi, "-");
          out.appendChild(k); out.appendChild(v);
        });
      }
      if ($("pair-a")) {
        // Start on the pair that differs on the most items.
        var most = -1;
        Object.keys(data.pairs).forEach(function (key) {
          var p = data.pairs[key], n = p.only_first.count + p.only_second.count;
          if (n > most) { most = n; $("pair-a").value = key.split("-")[0]; $("pair-b").value = key.split("-")[1]; }
        });
        $("pair-a").addEventListener("change", showPair); $("pair-b").addEventListener("change", showPair);
        showPair();
      }

      // Samples: parsed once per job, filtered into an index list, drawn as they scroll into view.
      var ROW = 28, list = $("sample-list"), spacer = list.firstElementChild, visible = [], samples = [], selected = -1;
      function outcome(s) {
        if (s.status !== "scored") return s.status;
        if (s.parsed_answer === null || s.parsed_answer === undefined) return "null";
        return s.score >= 1 ? "right" : (s.score > 0 ? "partial" : "wrong");
      }
      function keep(s, filter, query) {
        var o = outcome(s);
        if (filter === "wrong" && !(s.status === "scored" && s.score < 1)) return false;
        if (filter === "right" && o !== "right") return false;
        if (filter === "null" && o !== "null") return false;
        if (filter === "skipped" && s.status !== "skipped") return false;
        if (filter === "errored" && s.status !== "error") return false;
        if (filter === "cached" && !s.cached) return false;
        if (filter === "flagged" && !(s.safety || []).some(function (v) { return v.flagged; })) return false;
        if (!query) return true;
        var hay = (s._text || (s._text = [s.id, text(s.prompt), text(s.messages), text(s.context), text(s.raw_answer), text(s.gold)].join("\n").toLowerCase()));
        return hay.indexOf(query) >= 0;
      }
      function load() {
        var job = $("sample-job").value;
        samples = data.samples[job] || [];
        apply();
      }
      function apply() {
        var filter = $("sample-filter").value, query = $("sample-search").value.trim().toLowerCase();
        visible = [];
        for (var i = 0; i < samples.length; i++) if (keep(samples[i], filter, query)) visible.push(i);
        $("sample-count").textContent = visible.length + " of " + samples.length + " samples";
        $("sample-count").dataset.count = visible.length;
        spacer.style.height = (visible.length * ROW) + "px";
        list.scrollTop = 0;
        draw();
      }
      function draw() {
        var first = Math.floor(list.scrollTop / ROW), last = Math.min(visible.length, first + Math.ceil(list.clientHeight / ROW) + 2);
        spacer.innerHTML = "";
        for (var r = first; r < last; r++) {
          var s = samples[visible[r]], o = outcome(s), row = document.createElement("div");
          row.className = "row" + (visible[r] === selected ? " selected" : "");
          row.style.top = (r * ROW) + "px";
          row.dataset.index = visible[r];
          var tag = document.createElement("span");
          tag.className = "tag " + (o === "right" ? "right" : (o === "wrong" || o === "partial" ? "wrong" : "other"));
          tag.textContent = o + (s.cached ? " · cached" : "");
          row.appendChild(tag);
          row.appendChild(document.createTextNode(s.id + "  →  " + choice(s.parsed_answer, s.parsed_index) + "   (gold " + choice(s.gold, s.gold_index) + ")"));
          spacer.appendChild(row);
        }
      }
      list.addEventListener("scroll", draw);
      spacer.addEventListener("click", function (event) {
        var row = event.target.closest(".row"); if (!row) return;
        selected = +row.dataset.index; var s = samples[selected];
        var parts = ["id: " + s.id, "status: " + s.status + (s.reason ? " (" + s.reason + ")" : "") + (s.cached ? ", cached" : ""),
          "score: " + text(s.score), "gold: " + choice(s.gold, s.gold_index, true), "parsed answer: " + choice(s.parsed_answer, s.parsed_index, true),
          "raw answer: " + text(s.raw_answer),
          "tokens: " + text(s.tokens) + "   latency: " + text(s.latency_ms) + " ms   retries: " + text(s.retries)];
        (s.safety || []).forEach(function (v) { parts.push("safety (" + v.stage + "): " + (v.flagged ? "UNSAFE " + v.categories.join(", ") : "safe") + (v.error ? " (" + v.error + ")" : "")); });
        parts.push("");
        if (s.messages) s.messages.forEach(function (m) { parts.push("[" + m.role + "]\n" + m.content); });
        else if (s.context !== undefined) {
          // Loglikelihood scoring (lm-eval): the context, then each continuation with the index gold_index and parsed_index count in.
          parts.push("[context]\n" + text(s.context));
          if (s.continuations) parts.push("[continuations]\n" + s.continuations.map(function (c, i) { return "[" + i + "]" + c; }).join("\n"));
        } else parts.push("[prompt]\n" + text(s.prompt));
        $("sample-detail").textContent = parts.join("\n");
        draw();
      });
      ["sample-filter", "sample-job"].forEach(function (id) { $(id).addEventListener("change", id === "sample-job" ? load : apply); });
      $("sample-search").addEventListener("input", apply);
      // A link may choose the view: report.html#job=3&filter=wrong&q=paris
      location.hash.replace(/^#/, "").split("&").forEach(function (part) {
        var kv = part.split("="), value = decodeURIComponent(kv[1] || "");
        if (kv[0] === "job") $("sample-job").value = value;
        if (kv[0] === "filter") $("sample-filter").value = value;
        if (kv[0] === "q") $("sample-search").value = value;
      });
      load();
      // How long the page took to parse the data and draw, for benchmarks: data-ready-ms on <body>.
      document.body.dataset.readyMs = Math.round(performance.now());
    })();
    </script>
    </body>
    </html>
    """#
}
