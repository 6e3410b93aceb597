// Headless Chromium tests of the portal, served by `gongkai serve`.
//
// Run from .ci/run after `cargo build`: node --test tests/browser/
// Needs Debian's chromium (/usr/bin/chromium, or $CHROMIUM) and the packages
// of package.json. Screenshots go to target/browser-artifacts/ (not committed).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
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

/** `gongkai serve CONTENT --port PORT` in `cwd`, once it serves. */
async function serve(content, port, cwd) {
  const bin = path.join(root, "target/debug/gongkai");
  const child = spawn(bin, ["serve", content, "--port", String(port)], { cwd, stdio: ["ignore", "ignore", "pipe"] });
  await new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`gongkai serve did not start:\n${log}`)), 60_000);
    child.stderr.on("data", (chunk) => {
      log += chunk;
      if (log.includes("serving on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => reject(new Error(`gongkai serve exited with ${code}:\n${log}`)));
  });
  return child;
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await serve("content", port, root);
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

test("an edit to the content reloads the open page, under the page's CSP", async () => {
  // A copy of the content, served on a port of its own.
  const scratch = mkdtempSync(path.join(os.tmpdir(), "gongkai-reload-"));
  cpSync(path.join(root, "content"), path.join(scratch, "content"), { recursive: true });
  const previewPort = port + 1000;
  const preview = await serve("content", previewPort, scratch);
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    // The findings page (and the favicon meanwhile) is an HTTP 500, which the console reports.
    page.on("console", (m) => { if (m.type() === "error" && !/status of 500/.test(m.text())) errors.push(m.text()); });
    await page.goto(`http://127.0.0.1:${previewPort}/2022/101/`, { waitUntil: "networkidle" });
    const heading = page.locator("h1");
    assert.match(await heading.textContent(), /张家口市人民代表大会常务委员会办公室/);
    const unit = path.join(scratch, "content/2022/101/unit.yaml");
    const text = readFileSync(unit, "utf8");
    writeFileSync(unit, text.replace("name: 张家口市人民代表大会常务委员会办公室", "name: 张家口市人民代表大会常务委员会办公室（测试）"));
    // The page reloads by itself and shows the new name.
    await page.waitForFunction(() => document.querySelector("h1")?.textContent.includes("（测试）"), null, { timeout: 30_000 });
    // A content error: the page reloads to the findings, then back once fixed.
    const functions = path.join(scratch, "content/2022/101/functions.yaml");
    const figures = readFileSync(functions, "utf8");
    writeFileSync(functions, figures.replace("basic: 1526.07", "basic: 1526.079"));
    await page.waitForFunction(() => document.body.textContent.includes("amount-decimals"), null, { timeout: 30_000 });
    await page.screenshot({ path: path.join(artifacts, "serve-findings.png") });
    writeFileSync(functions, figures);
    await page.waitForFunction(() => document.querySelector("h1")?.textContent.includes("（测试）"), null, { timeout: 30_000 });
    assert.deepEqual(errors, [], "no script error, no CSP violation");
    await context.close();
  } finally {
    preview.kill();
    rmSync(scratch, { recursive: true, force: true });
  }
});
