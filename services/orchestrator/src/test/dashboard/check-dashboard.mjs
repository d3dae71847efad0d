// Driven by DashboardBrowserTest: node check-dashboard.mjs; settings in the environment:
//   DASH_URL (…/dashboard/), DEPLOYER_TOKEN, VIEWER_TOKEN, SERVICE, DEPLOYMENT_ID, SCREENSHOT (png path), CHROMIUM
// Prints "READY" once the page shows the first health report (score 95.0), then waits for the test to publish a second
// one (score 87.5) and checks that the page shows it without a reload; rolls back with the button; checks that a viewer
// sees no action button. Any failed check exits 1 with the reason on stderr.
import { chromium } from 'playwright-core';

const env = (k) => { const v = process.env[k]; if (!v) { console.error(`missing ${k}`); process.exit(2); } return v; };
const url = env('DASH_URL');
const service = env('SERVICE');
const id = env('DEPLOYMENT_ID');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage'] });
const fail = async (why) => { console.error(why); await browser.close(); process.exit(1); };
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${url}#token=${env('DEPLOYER_TOKEN')}`);
  await page.locator('#live.on').waitFor({ timeout: 20000 });
  await page.locator(`#deployments li[data-id="${id}"]`).click();
  await page.locator('#d-title', { hasText: service }).waitFor({ timeout: 10000 });
  await page.locator('#d-state', { hasText: 'RUNNING' }).waitFor({ timeout: 10000 });
  await page.locator('#verdict', { hasText: 'score 95.0' }).waitFor({ timeout: 15000 });
  const gates = await page.locator('#gates tbody tr').count();
  if (gates === 0) await fail('no gate rows shown');
  const timeline = await page.locator('#timeline tbody tr').count();
  if (timeline < 2) await fail(`timeline has ${timeline} rows, expected created and stage.entered`);
  console.log('READY');
  // the test publishes a second report now; it must arrive over the event stream, without a reload
  await page.locator('#verdict', { hasText: 'score 87.5' }).waitFor({ timeout: 20000 });
  await page.waitForTimeout(1200); // one chart redraw
  await page.screenshot({ path: env('SCREENSHOT'), fullPage: true });
  page.on('dialog', (d) => d.accept());
  await page.locator('button[data-action="rollback-immediate"]').click();
  await page.locator('#message', { hasText: 'ROLLING_BACK' }).waitFor({ timeout: 10000 });
  console.log('ROLLED');

  const viewer = await browser.newPage();
  await viewer.goto(`${url}#token=${env('VIEWER_TOKEN')}`);
  await viewer.locator(`#deployments li[data-id="${id}"]`).waitFor({ timeout: 10000 });
  await viewer.locator(`#deployments li[data-id="${id}"]`).click();
  await viewer.locator('#d-title', { hasText: service }).waitFor({ timeout: 10000 });
  const visible = await viewer.locator('.action:visible, #actions button:visible').count();
  if (visible !== 0) await fail(`a viewer sees ${visible} action button(s)`);
  console.log('VIEWER-OK');
  await browser.close();
  process.exit(0);
} catch (e) {
  await fail(`dashboard check failed: ${e.message}`);
}
