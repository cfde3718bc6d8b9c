// End-to-end check of the leakseek watch web UI in headless Chromium, driven by playwright-core
// (no test runner). run_ui_test.sh starts the leaky service and the daemon and passes:
//   UI_URL         the daemon's UI, e.g. http://127.0.0.1:41234/
//   TARGET_NAME    the target to select, as /api/targets names it
//   LEAK_FUNCTION  the leaking allocation site the alerts must name
//   LEAKED_GOROUTINE_FUNCTION  where goroutines the GC proves leaked wait (Go 1.27); optional
//   SCREENSHOT     where to write the full-page screenshot
//   CHROMIUM       the browser (default /usr/bin/chromium)
// Exits 0 when every check passed; prints what failed otherwise.
import { chromium } from 'playwright-core';

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) {
    console.error(`watch_ui.spec: ${name} is not set`);
    process.exit(2);
  }
  return v;
};
const uiUrl = env('UI_URL');
const targetName = env('TARGET_NAME');
const leakFunction = env('LEAK_FUNCTION');
const leakedGoroutineFunction = env('LEAKED_GOROUTINE_FUNCTION', '');
const screenshot = env('SCREENSHOT');
const executablePath = env('CHROMIUM', '/usr/bin/chromium');

// Generous: the page refreshes every 5 s and the machine may be loaded.
const TIMEOUT = 60_000;

const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const pageErrors = [];
let failed = false;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failed = true;
};

let page;
try {
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  // Failed loads are reported with their address by the response handler below.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
  });
  page.on('response', (r) => { if (r.status() >= 400) pageErrors.push(`HTTP ${r.status()} for ${r.url()}`); });
  // The UI must load nothing from anywhere but the daemon.
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(new URL(uiUrl).origin)) foreign.push(r.url()); });

  await page.goto(uiUrl);
  const target = page.locator(`li.target[data-target=${JSON.stringify(targetName)}]`);
  await target.waitFor({ timeout: TIMEOUT });
  await target.click();
  await page.locator('#target-title', { hasText: targetName }).waitFor({ timeout: TIMEOUT });
  check(await target.evaluate((n) => n.classList.contains('selected')), 'the target is selected');

  // The heap chart: one series path with at least 4 points.
  await page.waitForFunction(() => {
    const p = document.querySelector('#heap-chart path.series');
    return p && Number(p.dataset.points) >= 4 && (p.getAttribute('d').match(/[ML]/g) || []).length >= 4;
  }, null, { timeout: TIMEOUT });
  const heapPaths = await page.locator('#heap-chart path.series').count();
  const heapPoints = Number(await page.locator('#heap-chart path.series').getAttribute('data-points'));
  check(heapPaths === 1 && heapPoints >= 4, `heap chart has one series of ${heapPoints} points`);
  const goroutinePoints = Number(await page.locator('#goroutine-chart path.series').getAttribute('data-points'));
  check(goroutinePoints >= 1, `goroutine chart has a series of ${goroutinePoints} points`);

  // Go 1.27's goroutine leak profile: the target shows how many goroutines the GC proved leaked,
  // and a goroutine_leak alert names where they wait.
  if (leakedGoroutineFunction) {
    const leaked = target.locator('.leaked b');
    await leaked.waitFor({ timeout: TIMEOUT });
    const count = await leaked.innerText();
    check(count !== '–' && count !== '0', `the target shows ${count} proven-leaked goroutines`);
    const leakAlert = page.locator('#alert-list .alert.firing[data-kind="goroutine_leak"]',
      { hasText: leakedGoroutineFunction });
    await leakAlert.first().waitFor({ timeout: TIMEOUT });
    check(true, `a firing goroutine_leak alert names ${leakedGoroutineFunction}`);
  }

  // A heap alert that names the leaking function.
  const alert = page.locator('#alert-list .alert.firing', { hasText: leakFunction })
    .and(page.locator('[data-kind="site_growth"], [data-kind="heap_growth"]'));
  await alert.first().waitFor({ timeout: TIMEOUT });
  const kind = await alert.first().getAttribute('data-kind');
  check(true, `a firing ${kind} alert names ${leakFunction}`);
  // Open it, so the evidence (numbers, stack, snapshot links) shows and is in the screenshot.
  await alert.first().locator('summary').click();
  const stackText = await alert.first().locator('ol.stack').innerText();
  check(stackText.includes(leakFunction), 'its evidence stack shows the leaking function');
  const links = await alert.first().locator('a.raw-link').count();
  check(links >= 1, `its evidence links ${links} raw snapshots`);

  // The same function leads the growing heap sites.
  const firstTrend = page.locator('#trend-list .trend code.site').first();
  await firstTrend.waitFor({ timeout: TIMEOUT });
  await page.waitForFunction((fn) => {
    const sites = [...document.querySelectorAll('#trend-list .trend code.site')].map((n) => n.textContent);
    return sites.includes(fn);
  }, leakFunction, { timeout: TIMEOUT });
  check(true, 'top growing sites list the leaking function');

  // Diff the oldest listed heap snapshot against the newest.
  const rows = page.locator('#snapshot-table tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('#snapshot-table tbody input[name=baseId]').length >= 2,
    null, { timeout: TIMEOUT });
  await rows.last().locator('input[name=baseId]').check();
  await rows.first().locator('input[name=newId]').check();
  await page.locator('#diff-button').click();
  const diff = page.locator('#diff-view .heap-diff');
  await diff.waitFor({ timeout: TIMEOUT });
  const diffText = await diff.innerText();
  check(diffText.includes(leakFunction), 'the heap diff names the leaking function');

  // Back to the top for the screenshot, with the alert open.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot: ${screenshot}`);

  check(foreign.length === 0, `no requests outside the daemon${foreign.length ? ': ' + foreign.join(', ') : ''}`);
} catch (e) {
  check(false, String(e && e.message ? e.message : e));
  // What the page looked like when it failed.
  if (page) await page.screenshot({ path: screenshot, fullPage: true }).catch(() => {});
} finally {
  check(pageErrors.length === 0, `no page errors${pageErrors.length ? ': ' + pageErrors.join(' | ') : ''}`);
  await browser.close();
}
process.exit(failed ? 1 : 0);
