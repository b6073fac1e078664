extension HTMLReport {
    /// The inline style sheet: system fonts, tabular figures, cards on a light background, and print rules
    /// (no navigation, no shadows, exact colours, figures kept on one page).
    static let styleSheet = """
    :root{--ink:#1d2733;--subtle:#5b6878;--line:#e3e7ec;--bg:#f3f5f8;--card:#fff;--soft:#f7f9fb}
    *{box-sizing:border-box}
    html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
    body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 "Inter","Source Sans 3","Segoe UI",system-ui,-apple-system,Roboto,"Helvetica Neue","Noto Sans","DejaVu Sans",Arial,sans-serif}
    nav.toc{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;gap:2px;align-items:center;padding:8px 28px;background:rgba(255,255,255,.94);border-bottom:1px solid var(--line)}
    nav.toc a{color:var(--subtle);text-decoration:none;padding:3px 10px;border-radius:999px;font-size:13px}
    nav.toc a:hover{background:#eaeef3;color:var(--ink)}
    .brand-mini{font-weight:700;margin-right:14px;letter-spacing:.02em;color:#0072B2}
    main{max-width:1180px;margin:0 auto;padding:24px 24px 4px}
    section,.masthead{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:22px 28px 20px;margin:0 0 20px;box-shadow:0 1px 2px rgba(16,24,40,.05)}
    .masthead{border-top:4px solid #0072B2}
    .kicker{text-transform:uppercase;letter-spacing:.09em;font-size:11.5px;color:var(--subtle);font-weight:600}
    h1{font-size:30px;line-height:1.2;margin:4px 0 10px;letter-spacing:-.01em}
    h2{font-size:19px;margin:0 0 4px;letter-spacing:-.005em;break-after:avoid}
    h3{font-size:14px;margin:22px 0 8px;text-transform:uppercase;letter-spacing:.06em;color:var(--subtle)}
    .headline{font-size:17px;line-height:1.6;max-width:62em;margin:4px 0 18px}
    .lead{color:var(--subtle);margin:0 0 14px;max-width:72em}
    .tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:12px;margin:0 0 18px}
    .tile{border:1px solid var(--line);border-left:5px solid var(--c);border-radius:8px;padding:10px 14px;background:#fff}
    .tile-label{font-size:11.5px;color:var(--subtle);text-transform:uppercase;letter-spacing:.06em;font-weight:600}
    .tile-value{font-size:27px;font-weight:650;font-variant-numeric:tabular-nums;line-height:1.25}
    .tile-value small{font-size:14px;color:var(--subtle);font-weight:500}
    .tile-note{font-size:12px;color:var(--subtle)}
    .tile-ci{font-size:12.5px;color:var(--ink);font-variant-numeric:tabular-nums}
    .seg{white-space:nowrap}
    dl.facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:10px 20px;margin:0;padding-top:14px;border-top:1px solid var(--line)}
    dl.facts dt{font-size:11px;color:var(--subtle);text-transform:uppercase;letter-spacing:.06em;font-weight:600}
    dl.facts dd{margin:2px 0 0;font-weight:600;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
    .muted{color:var(--subtle);font-weight:400}
    .model{font-family:ui-monospace,"SF Mono",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.9em;font-weight:600}
    strong{font-weight:700}
    table{border-collapse:collapse;width:100%;font-size:13px}
    th,td{padding:5px 10px;text-align:left;border-bottom:1px solid var(--line);white-space:nowrap}
    thead th{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--subtle);border-bottom:2px solid #cfd6de;font-weight:600;vertical-align:bottom}
    .num{text-align:right;font-variant-numeric:tabular-nums}
    tbody tr:hover td{background:var(--soft)}
    tr.group th{background:var(--soft);font-size:12px;font-weight:600;border-left:4px solid var(--c);padding-top:7px}
    tr.highlight td{background:#fff3ea}
    .ci{color:var(--subtle);font-size:.88em}
    .swatch{display:inline-block;width:10px;height:10px;border-radius:2px;background:var(--c);margin-right:8px;vertical-align:-1px}
    .table-wrap{overflow-x:auto}
    figure{margin:6px 0 4px;break-inside:avoid}
    .fig-title{font-size:13px;font-weight:650;margin:0 0 6px}
    figcaption{font-size:12.5px;color:var(--subtle);margin-top:6px;max-width:72em}
    svg.chart{display:block;width:100%;height:auto;font-family:inherit;overflow:visible}
    svg .num{font-variant-numeric:tabular-nums}
    .legend{display:flex;flex-wrap:wrap;gap:6px 18px;font-size:12.5px;margin:2px 0 10px}
    .key{display:inline-flex;align-items:center;gap:6px}
    .key i{display:inline-block;width:12px;height:12px;background:var(--c);border-radius:2px;flex:none}
    .key i.light{opacity:.32}
    .key i.dot{border-radius:50%;width:10px;height:10px}
    .key i.small{width:7px;height:7px}
    .key i.ring{border-radius:50%;width:10px;height:10px;background:#fff;border:1.6px solid var(--c)}
    .key i.line{height:3px;width:20px;border-radius:2px}
    .key i.whisker{background:none;width:16px;height:10px;border-left:1.5px solid var(--c);border-right:1.5px solid var(--c);border-radius:0;background:linear-gradient(var(--c),var(--c)) center/100% 1.5px no-repeat}
    .grid2{display:grid;grid-template-columns:1fr 1fr;gap:28px}
    .grid2 + .table-wrap{margin-top:18px}
    @media (max-width:900px){.grid2{grid-template-columns:1fr}}
    .stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(175px,1fr));gap:10px;break-inside:avoid}
    .stat{background:var(--soft);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
    .stat-label{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--subtle);font-weight:600}
    .stat-value{font-size:20px;font-weight:650;font-variant-numeric:tabular-nums}
    .stat-note{font-size:12px;color:var(--subtle)}
    .callout{margin-top:12px;padding:10px 14px;border-radius:8px;border-left:4px solid #E69F00}
    .callout.warn{background:#fff6dd}
    .callout.info{background:#eef5fb;border-left-color:#0072B2}
    .callout + .table-wrap{margin-top:14px}
    p.note{font-size:13px;color:var(--ink);max-width:72em;margin:10px 0 0}
    .empty{color:var(--subtle);font-style:italic;padding:14px 16px;background:var(--soft);border-radius:8px;margin:4px 0}
    .meter{display:inline-block;width:64px;height:6px;background:#e9edf1;border-radius:3px;margin-left:10px;vertical-align:middle;overflow:hidden}
    .meter span{display:block;height:100%;background:var(--c)}
    table.settings th{width:32%;font-weight:600;color:var(--subtle);font-family:ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12px}
    table.settings td{white-space:normal;overflow-wrap:anywhere}
    footer{max-width:1180px;margin:0 auto;padding:4px 24px 32px;color:var(--subtle);font-size:12px}
    @media print{
    body{background:#fff;font-size:10.5pt}
    nav.toc{display:none}
    main{padding:0;max-width:none}
    section,.masthead{box-shadow:none;border:0;border-top:1px solid #cdd3da;border-radius:0;padding:12px 0;margin:0 0 10px}
    .masthead{border-top:3px solid #0072B2}
    .table-wrap{overflow:visible}
    tr,.tile,.stat{break-inside:avoid}
    tbody tr:hover td{background:none}
    @page{margin:14mm}
    }
    """
}
