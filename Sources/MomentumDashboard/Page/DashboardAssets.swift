// The dashboard's style sheet, inlined into the page (its script: PageScript.swift).

import MomentumAnalytics

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
    .board-count{margin:8px 0 0;font-size:13px;color:var(--muted)}.board-count button{font:inherit;margin-left:8px;border:1px solid var(--line);background:#fff;padding:2px 10px;cursor:pointer}
    .picker{margin:14px 0 0}.picker select,.picker input{font:inherit;padding:4px 6px;max-width:100%}.picker input{width:22em}
    .search-results{margin:6px 0 0;padding-left:1.6em;font-size:14px}.search-results small{color:var(--muted)}.search-status{margin:6px 0 0;color:var(--muted);font-size:13px}
    .tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin-bottom:10px}
    .tile{border:1px solid var(--line);border-radius:8px;padding:8px 10px;display:flex;flex-direction:column}.tile .label{font-size:12px;color:var(--muted)}
    .tile .value{font-size:20px;font-weight:600;font-variant-numeric:tabular-nums}.tile .sub{font-size:11.5px;color:var(--muted)}
    figure{margin:12px 0}figcaption{display:flex;justify-content:space-between;align-items:center;font-weight:600;margin-bottom:4px}
    .scale-toggle button{font:inherit;font-size:12px;border:1px solid var(--line);background:#fff;padding:2px 8px;cursor:pointer}.scale-toggle button[aria-pressed=true]{background:var(--ink);color:#fff}
    svg.chart{width:100%;height:auto;display:block}.axis line{stroke:#aab2bf;stroke-width:1}.axis line.grid{stroke:#eceff4}.axis text{font-size:11px;fill:var(--muted)}.axis .axis-title{font-size:10.5px;letter-spacing:.02em}
    .series{fill:none;stroke:var(--accent);stroke-width:2;stroke-linejoin:round}.popularity-line{stroke:var(--pop)}
    .audience-line.s1,.swatch.line.audience.s1{stroke:#e8590c;background:#e8590c}.audience-line.s2,.swatch.line.audience.s2{stroke:#2b8a3e;background:#2b8a3e}.audience-line.s3,.swatch.line.audience.s3{stroke:#6a4c93;background:#6a4c93}
    .ranked-on{margin:.2rem 0 .6rem;color:var(--muted)}small.series{color:var(--muted);font-size:.75em;margin-left:.3em}
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
}
