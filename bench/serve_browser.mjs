// The time from saving a one-figure edit until an open page in Chromium has
// reloaded with the new figure (its `load` event), through `gongkai serve`'s
// reload script. Run by `BROWSER=1 bench/serve.sh` after its own
// measurement, on the same content; needs Debian's chromium and
// `npm ci` in tests/browser (playwright-core).
//
//   node bench/serve_browser.mjs GONGKAI CONTENT PORT [EDITS]

import { execFileSync, spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const require = createRequire(path.join(root, "tests/browser/package.json"));
const { chromium } = require("playwright-core");

const [bin, content, port, edits = "6"] = process.argv.slice(2);
const server = spawn(bin, ["serve", content, "--port", port], { stdio: ["ignore", "ignore", "pipe"] });
let log = "";
server.stderr.on("data", (chunk) => { log += chunk; });
const started = Date.now();
while (!log.includes("serving on")) {
  if (Date.now() - started > 600_000 || server.exitCode !== null) throw new Error(`gongkai serve did not start:\n${log}`);
  await new Promise((r) => setTimeout(r, 50));
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  // The department-year edit_figure.py edits: the first folder, sorted.
  const dept = execFileSync("python3", ["-c", `import sys; sys.path.insert(0, "${root}/bench"); import edit_figure; print(edit_figure.first_dept(sys.argv[1]))`, content]).toString().trim();
  const url = `http://127.0.0.1:${port}/${dept.split("/").slice(-2).join("/")}/`;
  const page = await browser.newPage();
  await page.goto(url, { waitUntil: "networkidle" });
  const times = [];
  for (let i = 0; i < Number(edits); i++) {
    // Past the script's one-second settle after a load.
    await new Promise((r) => setTimeout(r, 1500));
    const before = await page.content();
    const loaded = page.waitForEvent("load", { timeout: 60_000 });
    execFileSync("python3", [path.join(root, "bench/edit_figure.py"), content, i % 2 ? "-0.01" : "0.01"], { stdio: "ignore" });
    const saved = performance.now();
    await loaded;
    const ms = performance.now() - saved;
    if ((await page.content()) === before) throw new Error("the page reloaded without the new figure");
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  const f = (x) => `${Math.round(x)}`;
  console.log(`| save → open page in Chromium reloaded with the new figure | median ${f(times[times.length >> 1])} ms, min ${f(times[0])}, max ${f(times[times.length - 1])} (${times.length} edits) |`);
} finally {
  await browser.close();
  server.kill();
}
