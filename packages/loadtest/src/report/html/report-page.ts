import { createHash } from 'node:crypto';
import { escapeHtml } from './html-escape.js';

/**
 * The page around the report: inline style, the one small script (legend entries toggle their series), and a
 * Content-Security-Policy that allows exactly those two by hash and nothing else — so the file loads nothing
 * from anywhere, and even an escaping bug could not run an injected script.
 */

const STYLE = `
:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d8dee4;--panel:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#fff}
main{max-width:1040px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:24px;margin:0 0 4px;overflow-wrap:anywhere}
h2{font-size:18px;margin:36px 0 12px;padding-bottom:4px;border-bottom:1px solid var(--line)}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:8px 20px;margin:16px 0 0}
.facts dt,.card .label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.facts dd{margin:0;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:12px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;background:var(--panel)}
.card .value{font-size:24px;font-weight:600;font-variant-numeric:tabular-nums;margin:2px 0 4px}
.card .note{font-size:12.5px;color:var(--muted)}
figure{margin:0 0 32px}
figcaption{margin-bottom:8px;color:var(--muted)}
figcaption strong{color:var(--fg)}
figure svg{display:block;width:100%;height:auto;max-width:960px}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;font-size:13px}
th,td{padding:5px 7px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
th{background:var(--panel);font-weight:600;vertical-align:bottom}
.unit{font-weight:400;color:var(--muted);font-size:12px}
.num{text-align:right}
td.empty{color:var(--muted);font-style:italic}
tr.max-rate td{background:#e7f5ec;font-weight:600}
tr.missed td{color:#8b2d22}
.legend-item{cursor:pointer}
.legend-item.off{opacity:.35}
.hidden{display:none}
footer{margin-top:40px;color:var(--muted);font-size:12px}
@media print{main{max-width:none}.legend-item{cursor:auto}}
`;

const SCRIPT = `
document.addEventListener('click', function (e) {
  var item = e.target instanceof Element ? e.target.closest('[data-toggle]') : null;
  var fig = item ? item.closest('figure') : null;
  if (!item || !fig) return;
  var off = item.classList.toggle('off');
  fig.querySelectorAll('[data-series]').forEach(function (g) {
    if (g.getAttribute('data-series') === item.getAttribute('data-toggle')) g.classList.toggle('hidden', off);
  });
});
`;

const sha256 = (text: string): string =>
  `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

const CSP = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(SCRIPT)}`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function page(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="llmops loadtest">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<main>${body}</main>`,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
