// Opens one zetl-preflight HTML report in Debian's headless Chromium (through playwright-core,
// which scripts/test installs into target/tools) and prints, as JSON, what a person sees and
// what the page did: tests/html.rs asserts on it. Usage:
//   node tests/browser/page.mjs PAGE.html SCREENSHOT.png [STATUS-TO-FILTER-BY]
import { createRequire } from "node:module";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const require = createRequire(resolve(process.env.ZETL_TOOLS || "target/tools", "node_modules") + "/");
const { chromium } = require("playwright-core");

const [page_file, screenshot, filter] = process.argv.slice(2);
const body = readFileSync(page_file);

// The page is served from loopback, so the browser's own requests are seen (a file:// page
// has no origin to grant the clipboard to).
const server = createServer((req, res) => {
  requests_served.push(req.url);
  if (req.url === "/report.html") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(body);
  } else {
    res.writeHead(404);
    res.end();
  }
});
const requests_served = [];
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const url = `http://127.0.0.1:${server.address().port}/report.html`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const out = { url };
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(url).origin });
  const page = await context.newPage();
  const requests = [];
  const console_messages = [];
  const page_errors = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => console_messages.push({ type: m.type(), text: m.text() }));
  page.on("pageerror", (e) => page_errors.push(String(e)));
  await page.goto(url, { waitUntil: "load" });
  out.verdict = (await page.textContent("#verdict")).trim();
  out.title = await page.title();
  out.rows = await page.locator("#fleet-table tbody tr").count();
  out.sections = await page.locator("section.pair").count();
  out.charts = await page.locator("svg.chart").count();
  out.fixes = await page.locator("div.fix").count();
  out.text = await page.evaluate(() => document.body.innerText);
  out.pwned = await page.evaluate(() => window.pwned === undefined ? null : String(window.pwned));
  out.filters_shown = await page.locator("#filters").isVisible().catch(() => false);
  if (filter) {
    await page.selectOption("#filters select[name=status]", filter);
    out.filtered = await page.evaluate(() => ({
      visible_rows: document.querySelectorAll("#fleet-table tbody tr:not(.hidden)").length,
      visible_sections: Array.from(document.querySelectorAll("section.pair")).filter((s) => s.offsetParent !== null).length,
      statuses: Array.from(document.querySelectorAll("#fleet-table tbody tr:not(.hidden)")).map((r) => r.dataset.status),
      shown: document.getElementById("shown").textContent,
    }));
    // Printed, a filtered page still shows every pair, and no control.
    await page.emulateMedia({ media: "print" });
    out.printed = await page.evaluate(() => ({
      visible_sections: Array.from(document.querySelectorAll("section.pair")).filter((s) => s.offsetParent !== null).length,
      filters_visible: document.getElementById("filters").offsetParent !== null,
    }));
    await page.emulateMedia({ media: "screen" });
    await page.selectOption("#filters select[name=status]", "");
    // Sorting by a column: the "Failing" header, clicked once, orders the rows ascending.
    const failing = page.locator("#fleet-table thead th", { hasText: "Failing" }).locator("button");
    const column = await page.evaluate(() =>
      Array.from(document.querySelectorAll("#fleet-table thead th")).findIndex((th) => th.textContent.trim() === "Failing"));
    await failing.click();
    out.sorted_failing = await page.evaluate((i) =>
      Array.from(document.querySelectorAll("#fleet-table tbody tr")).map((r) => Number(r.cells[i].textContent)), column);
  }
  const copy = page.locator("button.copy").first();
  if (await copy.count()) {
    const target = await copy.getAttribute("data-for");
    out.copy_expected = await page.textContent(`[id="${target}"]`);
    await copy.click();
    await page.waitForFunction(() => document.querySelector("button.copy").textContent !== "Copy");
    out.copy_label = await copy.textContent();
    out.copied = await page.evaluate(() => navigator.clipboard.readText());
  }
  out.phone_overflow = await (async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  })();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: screenshot, fullPage: false });
  out.requests = requests;
  out.console = console_messages;
  out.page_errors = page_errors;
  // With JavaScript off the content is all there; the controls that need it stay hidden.
  const noscript = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noscript.newPage();
  await plain.goto(url, { waitUntil: "load" });
  out.noscript = {
    verdict: (await plain.textContent("#verdict")).trim(),
    rows: await plain.locator("#fleet-table tbody tr").count(),
    copy_buttons_visible: await plain.locator("button.copy:visible").count(),
    filters_visible: await plain.locator("#filters:visible").count(),
  };
} finally {
  await browser.close();
  server.close();
}
out.served = requests_served;
process.stdout.write(JSON.stringify(out));
