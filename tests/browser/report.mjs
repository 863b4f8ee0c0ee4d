// The QBR and portfolio pages in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core, which downloads no browser): a screenshot at 1280×800, a PDF print, the
// figures in the DOM equal to the exported outcome and account tables, no console error and no
// network request. One browser for every check.
//
//   node tests/browser/report.mjs DIR [SCREENSHOT_DIR]
//
// DIR holds what tests/browser/run.sh wrote: qbr.html, portfolio.html, qbr-hostile.html and
// the exports outcomes.ndjson (account A-1), accounts-a1.ndjson and accounts.ndjson over the
// same period. Screenshots go to SCREENSHOT_DIR (docs/img when updating the docs), else DIR.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const dir = resolve(process.argv[2] ?? "target/browser");
const shots = resolve(process.argv[3] ?? dir);
const ndjson = (name) =>
  readFileSync(join(dir, name), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l));

let failures = 0;
async function check(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures += 1;
    console.log(`FAIL ${name}\n${e.stack ?? e}`);
  }
}

/** Floats from two computations of the same figure agree to this many places. */
const close = (a, b, what) => {
  if (a === null || b === null || a === undefined || b === undefined) {
    assert.equal(a ?? null, b ?? null, what);
  } else {
    assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} != ${b}`);
  }
};

const userDataDir = mkdtempSync(join(tmpdir(), "entitlement-chromium-"));
const browser = await chromium.launchPersistentContext(userDataDir, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
  viewport: { width: 1280, height: 800 },
  offline: true,
});

/** Opens a page file and records every request, console error and page error. */
async function open(file) {
  const url = pathToFileURL(join(dir, file)).href;
  const page = await browser.newPage();
  const requests = [];
  const errors = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  // Every request but the page itself is refused (and recorded above).
  await page.route("**/*", (route) =>
    route.request().url() === url ? route.continue() : route.abort("blockedbyclient"),
  );
  await page.goto(url, { waitUntil: "load" });
  const figures = JSON.parse(await page.locator("#figures").textContent());
  return { page, url, requests, errors, figures };
}

/** The `data-value`s of a table's body, one object per row keyed by `data-key`. */
const tableRows = (page, name) =>
  page.$$eval(`table[data-table="${name}"] tbody tr`, (trs) =>
    trs.map((tr) =>
      Object.fromEntries(
        [...tr.querySelectorAll("[data-key]")].map((td) => [
          td.dataset.key,
          JSON.parse(td.dataset.value),
        ]),
      ),
    ),
  );

const pdfPages = (pdf) => (pdf.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) ?? []).length;

async function printChecks(page, name, minPages) {
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  writeFileSync(join(dir, `${name}.pdf`), pdf);
  assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
  const pages = pdfPages(pdf);
  assert.ok(pages >= minPages, `${name}.pdf has ${pages} pages, expected at least ${minPages}`);
  // What keeps rows and figures whole in print: the print CSS as the browser computes it.
  await page.emulateMedia({ media: "print" });
  const styles = await page.evaluate(() => {
    const cs = (sel) => {
      const el = document.querySelector(sel);
      return el ? getComputedStyle(el) : null;
    };
    return {
      tr: cs("tbody tr")?.breakInside,
      thead: cs("thead")?.display,
      figure: cs("figure")?.breakInside,
      h2: cs("h2")?.breakAfter,
    };
  });
  await page.emulateMedia({ media: "screen" });
  assert.deepEqual(styles, {
    tr: "avoid",
    thead: "table-header-group",
    figure: "avoid",
    h2: "avoid",
  });
  return pages;
}

async function cleanLoad(p) {
  assert.deepEqual(
    p.requests.filter((u) => u !== p.url),
    [],
    "no request but the page itself",
  );
  assert.deepEqual(p.errors, [], "no console error");
  // Every chart has its text alternative, and its data as a table in the same figure.
  const charts = await p.page.$$eval("figure", (figs) =>
    figs.map((f) => ({
      role: f.querySelector("svg")?.getAttribute("role"),
      label: f.querySelector("svg")?.getAttribute("aria-label") ?? "",
      title: f.querySelector("svg > title")?.textContent ?? "",
      table: f.querySelectorAll("table").length,
    })),
  );
  assert.ok(charts.length > 0);
  for (const c of charts) {
    assert.equal(c.role, "img");
    assert.ok(c.label.length > 0 && c.title === c.label, JSON.stringify(c));
    assert.equal(c.table, 1);
  }
}

const qbr = await open("qbr.html");
const outcomes = ndjson("outcomes.ndjson");
const [account] = ndjson("accounts-a1.ndjson");

await check("QBR: no request, no console error, charts with text alternatives", () => cleanLoad(qbr));

await check("QBR: a screenshot at 1280×800", async () => {
  const png = await qbr.page.screenshot({ path: join(shots, "qbr.png") });
  assert.equal(png.readUInt32BE(16), 1280);
  assert.equal(png.readUInt32BE(20), 800);
});

await check("QBR: the PDF print has more than one page, rows and figures kept whole", async () => {
  await printChecks(qbr.page, "qbr", 2);
});

await check("QBR: the totals equal the account table (export accounts)", async () => {
  const f = qbr.figures;
  for (const k of ["cases", "met", "late", "violated", "open", "breaches", "near_misses", "cases_used", "cases_allowed", "over_quota_periods", "days_to_renewal", "renewal_date", "executive_sponsor", "csm", "account_name", "projected_over", "chronic_over_consumer"]) {
    assert.deepEqual(f[k], account[k], k);
  }
  close(f.attainment, account.attainment, "attainment");
  close(f.arr, account.arr, "arr");
  close(f.first_response.p50_seconds, account.first_response_p50_seconds, "first_response_p50");
  close(f.first_response.p90_seconds, account.first_response_p90_seconds, "first_response_p90");
  close(f.resolution.p50_seconds, account.resolution_p50_seconds, "resolution_p50");
  close(f.resolution.p90_seconds, account.resolution_p90_seconds, "resolution_p90");
  const byMilestone = JSON.parse(account.attainment_by_milestone);
  assert.deepEqual(
    f.attainment_by_milestone.map(({ below_goal, ...m }) => m),
    byMilestone,
  );
  // The DOM's totals row says the same as the figures block.
  const [totals] = await tableRows(qbr.page, "totals");
  for (const [k, v] of Object.entries(totals)) assert.deepEqual(v, f[k], `totals.${k}`);
});

await check("QBR: the log equals the outcome rows (export outcomes) that breached or nearly missed", async () => {
  const key = (r) => `${r.case_id}|${r.milestone}|${r.instance}`;
  const expected = outcomes
    .filter((r) => r.outcome === "late" || r.outcome === "violated" || r.near_miss)
    .map((r) => ({ key: key(r), outcome: r.outcome, margin: r.margin_seconds, target: r.target_seconds }))
    .sort((a, b) => a.key.localeCompare(b.key));
  const shown = qbr.figures.log
    .map((r) => ({ key: key(r), outcome: r.outcome, margin: r.margin_seconds, target: r.target_seconds }))
    .sort((a, b) => a.key.localeCompare(b.key));
  assert.deepEqual(shown, expected);
  assert.ok(expected.length > 0, "the sample has breaches");
  // The DOM's log table: one row per entry, the same cases and margins, in the same order.
  const rows = await tableRows(qbr.page, "log");
  assert.deepEqual(
    rows.map((r) => [r.case_id, r.milestone, r.margin_seconds]),
    qbr.figures.log.map((r) => [r.case_id, r.milestone, r.margin_seconds]),
  );
});

await check("QBR: attainment per month and the weekly counts equal the outcome rows", async () => {
  const months = new Map();
  for (const r of outcomes) {
    const k = `${r.month}|${r.process}|${r.milestone}`;
    const m = months.get(k) ?? { met: 0, late: 0, violated: 0, open: 0, near_misses: 0 };
    m[r.outcome] += 1;
    m.near_misses += r.near_miss ? 1 : 0;
    months.set(k, m);
  }
  const dom = await tableRows(qbr.page, "monthly");
  assert.equal(dom.length, months.size);
  for (const row of dom) {
    const m = months.get(`${row.month}|${row.process}|${row.milestone}`);
    assert.ok(m, `${row.month} ${row.milestone}`);
    for (const k of ["met", "late", "violated", "open", "near_misses"]) assert.equal(row[k], m[k], `${row.month} ${row.milestone} ${k}`);
    const decided = m.met + m.late + m.violated;
    close(row.attainment, decided ? (100 * m.met) / decided : null, "attainment");
  }
  const weekly = await tableRows(qbr.page, "weekly");
  const sum = (k) => weekly.reduce((s, w) => s + w[k], 0);
  assert.equal(sum("breaches"), account.breaches);
  assert.equal(sum("near_misses"), account.near_misses);
  // The distributions count every completed first response and resolution.
  for (const [kind, id] of [["first_response", "first-response-buckets"], ["resolution", "resolution-buckets"]]) {
    const completed = outcomes.filter((r) => r.kind === kind && r.completed_at !== null && r.target_seconds !== null).length;
    const buckets = await qbr.page.$$eval(`table[data-table="${id}"] tbody td[data-value]`, (tds) => tds.map((td) => Number(td.dataset.value)));
    assert.equal(buckets.reduce((a, b) => a + b, 0), completed, kind);
  }
});

const portfolio = await open("portfolio.html");
const accounts = ndjson("accounts.ndjson");

await check("Portfolio: no request, no console error, charts with text alternatives", () => cleanLoad(portfolio));

await check("Portfolio: a screenshot at 1280×800, and a PDF", async () => {
  await portfolio.page.screenshot({ path: join(shots, "portfolio.png") });
  await printChecks(portfolio.page, "portfolio", 1);
});

await check("Portfolio: every account equals the account table (export accounts)", async () => {
  const dom = await tableRows(portfolio.page, "accounts");
  assert.equal(dom.length, accounts.length);
  for (const a of accounts) {
    const row = dom.find((r) => r.account_id === a.account_id);
    assert.ok(row, a.account_id);
    for (const k of ["cases", "breaches", "near_misses", "renewal_date", "days_to_renewal", "account_name"]) assert.deepEqual(row[k], a[k], `${a.account_id} ${k}`);
    close(row.attainment, a.attainment, `${a.account_id} attainment`);
    close(row.arr, a.arr, `${a.account_id} arr`);
    const over = a.projected_over || a.chronic_over_consumer || a.over_quota_periods > 0;
    assert.equal(row.over_consuming, over, `${a.account_id} over-consuming`);
  }
  const atRisk = accounts
    .filter((a) => a.breaches > 0 && a.days_to_renewal !== null && a.days_to_renewal >= 0 && a.days_to_renewal <= 90)
    .map((a) => a.account_id)
    .sort();
  assert.deepEqual([...portfolio.figures.renewals_at_risk].sort(), atRisk);
  assert.ok(atRisk.length > 0, "the sample has renewals at risk");
});

const hostile = await open("qbr-hostile.html");
await check("A hostile account name stays text: no element, no script run", async () => {
  await cleanLoad(hostile);
  const name = await hostile.page.locator("h1").textContent();
  assert.ok(name.includes("<img"), name);
  assert.equal(await hostile.page.locator("img, iframe, script:not(#figures)").count(), 0);
  assert.equal(await hostile.page.evaluate(() => window.pwned ?? null), null);
});

await browser.close();
rmSync(userDataDir, { recursive: true, force: true });
if (failures > 0) {
  console.log(`${failures} browser check(s) failed`);
  process.exit(1);
}
console.log("all browser checks passed");
