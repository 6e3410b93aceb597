// Headless Chromium tests of the portal, served by `gongkai serve`.
//
// Run from .ci/run after `cargo build`: node --test tests/browser/
// Needs Debian's chromium (/usr/bin/chromium, or $CHROMIUM) and the packages
// of package.json. Screenshots go to target/browser-artifacts/ (not committed).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, "../..");
const artifacts = path.join(root, "target/browser-artifacts");
const port = 18000 + (process.pid % 1000);
const origin = `http://127.0.0.1:${port}`;
let server;
let browser;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  const bin = path.join(root, "target/debug/gongkai");
  server = spawn(bin, ["serve", "content", "--port", String(port)], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  await new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`gongkai serve did not start:\n${log}`)), 60_000);
    server.stderr.on("data", (chunk) => {
      log += chunk;
      if (log.includes("serving on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.on("exit", (code) => reject(new Error(`gongkai serve exited with ${code}:\n${log}`)));
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
});

/** A page that records every request it makes. */
async function open(url, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(origin + url, { waitUntil: "networkidle" });
  return { page, context, requests, errors };
}

async function axe(url) {
  // axe is injected as a script, which the site's CSP forbids: bypass it for the audit only.
  const { page, context } = await open(url, { bypassCSP: true });
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  await context.close();
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

test("home page lists the department-years and keeps every request on the site", async () => {
  const { page, context, requests, errors } = await open("/");
  await page.screenshot({ path: path.join(artifacts, "home.png"), fullPage: true });
  assert.equal(await page.title(), "部门预算公开");
  const link = page.locator('a[href="2022/101/"]');
  assert.equal(await link.textContent(), "张家口市人民代表大会常务委员会办公室");
  assert.match(await page.locator("main").textContent(), /收支总计\s*2100\.32\s*万元/);
  assert.deepEqual(requests.filter((u) => !u.startsWith(origin)), [], "requests left the site");
  assert.deepEqual(errors, []);
  await context.close();
});

test("department page: headline figures, tables, and a narrative figure links to its cell", async () => {
  const { page, context, requests, errors } = await open("/2022/101/");
  await page.screenshot({ path: path.join(artifacts, "department.png"), fullPage: true });
  const headlines = await page.locator("dl.headlines > div").allTextContents();
  assert.ok(headlines.some((h) => /收支总计\s*2100\.32/.test(h)), headlines.join(" | "));
  assert.ok(headlines.some((h) => /“三公”经费\s*56\.10/.test(h)), headlines.join(" | "));
  assert.equal(await page.locator("table caption").first().textContent(), "表1 部门预算收支总表");
  assert.equal(await page.locator("#c-summary-total-2").textContent(), "2100.32");

  // Section 三 quotes 机关运行经费 332.85 from table 6; following the link lands on that cell.
  const figure = page.locator("section.narrative a.fig", { hasText: "332.85" }).first();
  const target = await figure.getAttribute("href");
  assert.equal(target, "#c-basic-economic-total-5");
  await figure.focus();
  assert.ok(await page.locator(target).evaluate((el) => el.classList.contains("linked")), "focus highlights the cell");
  await figure.click();
  assert.equal(new URL(page.url()).hash, target);
  assert.equal(await page.locator(target).textContent(), "332.85");
  assert.ok(await page.locator(target).evaluate((el) => el.matches(":target")), "the cell is the target");
  await page.screenshot({ path: path.join(artifacts, "department-linked-cell.png") });

  // Charts are inline SVG with a text alternative.
  const desc = await page.locator("#chart-function-desc").textContent();
  assert.match(desc, /一般公共服务支出 1604\.63万元/);
  assert.deepEqual(requests.filter((u) => !u.startsWith(origin)), [], "requests left the site");
  assert.deepEqual(errors, []);
  await context.close();
});

test("the page works without JavaScript", async () => {
  const { page, context } = await open("/2022/101/", { javaScriptEnabled: false });
  assert.equal(await page.locator("#c-basic-economic-total-5").textContent(), "332.85");
  await page.locator('section.narrative a.fig[href="#c-basic-economic-total-5"]').first().click();
  assert.equal(new URL(page.url()).hash, "#c-basic-economic-total-5");
  await context.close();
});

test("search finds 人大 and 三公经费", async () => {
  const { page, context } = await open("/?q=三公经费");
  await page.waitForSelector("#search-results a");
  const hits = await page.locator("#search-results a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.ok(hits.some((h) => h.endsWith("2022/101/")), hits.join(" "));
  await page.fill("#q", "人大");
  await page.press("#q", "Enter");
  await page.waitForFunction(() => document.querySelectorAll("#search-results a").length >= 2);
  await page.screenshot({ path: path.join(artifacts, "search.png") });
  await context.close();
});

test("mobile layout: the page does not overflow; wide tables scroll sideways", async () => {
  const { page, context } = await open("/2022/101/", { viewport: { width: 390, height: 844 } });
  await page.screenshot({ path: path.join(artifacts, "department-mobile.png") });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the screen`);
  const scrolls = await page.locator("#t-revenue").evaluate((t) => {
    const box = t.closest(".table-scroll");
    return box.scrollWidth > box.clientWidth && getComputedStyle(box).overflowX === "auto";
  });
  assert.ok(scrolls, "the 13-column table scrolls inside its box");
  await context.close();
});

test("print layout renders to an A4 PDF", async () => {
  const { page, context } = await open("/2022/101/");
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("header.site").evaluate((e) => getComputedStyle(e).display), "none");
  const pdf = await page.pdf({ format: "A4", path: path.join(artifacts, "department.pdf") });
  assert.ok(pdf.length > 10_000);
  await context.close();
});

for (const url of ["/", "/2022/", "/2022/101/", "/2026/101/", "/departments/101/"]) {
  test(`axe-core finds no serious or critical violations on ${url}`, async () => {
    const violations = await axe(url);
    assert.deepEqual(
      violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target})`),
      [],
    );
  });
}
