// The dashboard's style sheet and script, inlined into the page.

enum DashboardAssets {
    static let css = """
    :root{--ink:#1d2330;--muted:#5d6675;--line:#d9dee7;--bg:#f7f8fb;--card:#fff;--accent:#1f6feb;--release:#d1495b;--window:rgba(209,73,91,.10);--change:#6a4c93;--spike:#f08c00;--drop:#1098ad;--pop:#2b8a3e}
    *{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
    header{padding:16px 20px;background:var(--ink);color:#fff}header h1{margin:0;font-size:22px}header .meta{margin:4px 0 0;color:#c9d1dd;font-size:13px}
    main{max-width:1100px;margin:0 auto;padding:12px 16px 40px}section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin:14px 0}
    h2{font-size:18px;margin:0 0 10px}h2 small{font-weight:normal;color:var(--muted);font-size:12px}h3{font-size:15px;margin:18px 0 6px}
    .scroll{overflow-x:auto}.leaderboard .scroll{max-height:min(60vh,560px);overflow:auto}.leaderboard thead th{position:sticky;top:0;background:var(--card);z-index:1}table{border-collapse:collapse;width:100%;font-size:13.5px}th,td{padding:6px 7px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}th{white-space:normal;vertical-align:bottom}
    td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;color:inherit}
    th[aria-sort=ascending] button::after{content:" ▲"}th[aria-sort=descending] button::after{content:" ▼"}
    tbody tr{cursor:pointer}tbody tr:hover{background:#eef3fb}tr.selected{background:#e1ecff}a{color:var(--accent);text-decoration:none}
    .picker{margin:14px 0 0}.picker select{font:inherit;padding:4px 6px;max-width:100%}
    .tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin-bottom:10px}
    .tile{border:1px solid var(--line);border-radius:8px;padding:8px 10px;display:flex;flex-direction:column}.tile .label{font-size:12px;color:var(--muted)}
    .tile .value{font-size:20px;font-weight:600;font-variant-numeric:tabular-nums}.tile .sub{font-size:11.5px;color:var(--muted)}
    figure{margin:12px 0}figcaption{display:flex;justify-content:space-between;align-items:center;font-weight:600;margin-bottom:4px}
    .scale-toggle button{font:inherit;font-size:12px;border:1px solid var(--line);background:#fff;padding:2px 8px;cursor:pointer}.scale-toggle button[aria-pressed=true]{background:var(--ink);color:#fff}
    svg.chart{width:100%;height:auto;display:block}.axis line{stroke:#aab2bf;stroke-width:1}.axis line.grid{stroke:#eceff4}.axis text{font-size:11px;fill:var(--muted)}.axis .axis-title{font-size:10.5px;letter-spacing:.02em}
    .series{fill:none;stroke:var(--accent);stroke-width:2;stroke-linejoin:round}.popularity-line{stroke:var(--pop)}
    .followers-figure .scale-log{display:none}.followers-figure.log .scale-log{display:inline}.followers-figure.log .scale-linear{display:none}
    .event-window{fill:var(--window)}.release-marker .mark{stroke:var(--release);stroke-width:1.5}.release-marker .hit{stroke:transparent;stroke-width:10}.release-marker .flag{fill:var(--release)}
    .release-marker:hover .mark,.release-marker:focus .mark{stroke-width:3}.change-point{stroke:var(--change);stroke-width:1.5;stroke-dasharray:4 3}.change-point.aligned{stroke:var(--release);stroke-dasharray:2 2;stroke-width:2.5}
    .bars{fill:none;stroke:#8fb3f0}.bars.spike{stroke:var(--spike)}.bars.drop{stroke:var(--drop)}
    .legend{list-style:none;padding:0;margin:4px 0 0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;color:var(--muted)}
    .swatch{display:inline-block;width:14px;height:10px;margin-right:5px;vertical-align:middle;border-radius:2px}
    .swatch.line{height:3px;background:var(--accent)}.swatch.line.popularity{background:var(--pop)}.swatch.marker{width:3px;background:var(--release)}.swatch.window{background:var(--window);border:1px solid #f1c6cc}
    .swatch.change{height:0;border-top:2px dashed var(--change)}.swatch.change.aligned{border-top:2px dotted var(--release)}.swatch.bar{background:#8fb3f0}.swatch.bar.spike{background:var(--spike)}.swatch.bar.drop{background:var(--drop)}
    .note{background:#fff7e6;border:1px solid #ffe1a8;border-radius:8px;padding:8px 10px;color:#6b4e00}
    .show-all:not(:checked)+.scroll tr.insufficient-row{display:none}.show-all:checked~.impact-toggle{display:none}.show-all-link{color:var(--accent);text-decoration:underline;cursor:pointer}
    .status.ok{color:#2b8a3e}.status.insufficient{color:var(--muted)}
    @media (max-width:640px){body{font-size:14px}main{padding:8px}section{padding:10px}.tile .value{font-size:17px}}
    """

    static let script = """
    (function () {
      "use strict";
      var data = JSON.parse(document.getElementById("dashboard-data").textContent);
      // A prototype-free map: an address such as #artist=__proto__ must find nothing.
      var sectionOf = Object.create(null);
      data.artists.forEach(function (a) { sectionOf[a.id] = a.section; });
      var picker = document.getElementById("artist-picker");

      function show(id, updateHash) {
        if (typeof id !== "string" || !Object.prototype.hasOwnProperty.call(sectionOf, id)) { return; }
        var section = sectionOf[id];
        if (typeof section !== "string") { return; }
        document.querySelectorAll("section.artist").forEach(function (s) { s.hidden = s.id !== section; });
        document.querySelectorAll("#leaderboard tbody tr").forEach(function (r) {
          r.classList.toggle("selected", r.getAttribute("data-artist") === id);
        });
        if (picker) { picker.value = id; }
        if (updateHash) { history.replaceState(null, "", "#artist=" + encodeURIComponent(id)); }
      }

      function fromHash() {
        var match = /^#artist=(.+)$/.exec(location.hash);
        if (!match) { return false; }
        var id;
        // A hand-typed or truncated address (#artist=%E0%A4%A) is ignored, not thrown.
        try { id = decodeURIComponent(match[1]); } catch (error) { return false; }
        show(id, false);
        return true;
      }

      document.querySelectorAll("#leaderboard tbody tr").forEach(function (row) {
        row.addEventListener("click", function (event) {
          event.preventDefault();
          show(row.getAttribute("data-artist"), true);
          var target = document.getElementById(sectionOf[row.getAttribute("data-artist")]);
          if (target && event.target.tagName === "A") { target.scrollIntoView({behavior: "smooth"}); }
        });
      });
      if (picker) { picker.addEventListener("change", function () { show(picker.value, true); }); }
      window.addEventListener("hashchange", fromHash);

      // Sorting: numbers by value (missing last), text alphabetically.
      document.querySelectorAll("table.sortable th button").forEach(function (button) {
        button.addEventListener("click", function () {
          var th = button.parentElement, table = th.closest("table"), body = table.tBodies[0];
          var index = Array.prototype.indexOf.call(th.parentElement.children, th);
          var numeric = th.classList.contains("num");
          var descending = th.getAttribute("aria-sort") === "ascending";
          table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", descending ? "descending" : "ascending");
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var x = a.cells[index].getAttribute("data-sort"), y = b.cells[index].getAttribute("data-sort");
            if (x === "" || y === "") { return x === y ? 0 : (x === "" ? 1 : -1); }
            var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
            return descending ? -order : order;
          });
          rows.forEach(function (r) { body.appendChild(r); });
        });
      });

      // Linear or log scale for the followers chart.
      document.querySelectorAll(".scale-toggle button").forEach(function (button) {
        button.addEventListener("click", function () {
          var figure = button.closest("figure");
          var log = button.getAttribute("data-scale") === "log";
          figure.classList.toggle("log", log);
          button.parentElement.querySelectorAll("button").forEach(function (b) {
            b.setAttribute("aria-pressed", String(b === button));
          });
        });
      });

      if (!fromHash() && data.artists.length) {
        var first = data.artists[typeof data.selected === "number" && data.artists[data.selected] ? data.selected : 0];
        show(first.id, false);
      }
    })();
    """
}
