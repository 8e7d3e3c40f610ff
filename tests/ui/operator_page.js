// node operator_page.js BASE_URL OPERATOR_TOKEN VIEWER_TOKEN SCREENSHOT_PATH
// Drives the operator page in headless Chromium (Debian's, through playwright-core) against a running
// refundsync whose sandbox was seeded by operator_page_test.cpp: sign in, retrieve an order and see it
// `imported`, post it and see it `posted`, retrieve an unsynced order and read the message, read a failed row's
// error, open its captured events and replay one, read the Audit tab (the same counts as the server's gauge) and
// acknowledge a discrepancy, filter by status; a viewer sees the lists and is offered no operator action. Exits non-zero at the first step that fails and prints the steps passed as one JSON line.
'use strict';

const { chromium } = require('playwright-core');

const [baseUrl, operatorToken, viewerToken, screenshotPath] = process.argv.slice(2);
const STEP_TIMEOUT_MS = 10000;
const passed = [];
let currentPage = null;

// What the page says where it reports results: part of every failure message.
async function visibleMessages() {
  if (!currentPage) return '';
  return currentPage.evaluate(() => ['#sign-in-error', '#message', '#retrieve-result', '#audit-summary']
    .map((id) => `${id}="${document.querySelector(id).textContent}"`).join(' ')).catch(() => '');
}

async function step(name, body) {
  try {
    await body();
    passed.push(name);
  } catch (error) {
    throw new Error(`step "${name}" failed: ${error.message.split('\n')[0]} (page: ${await visibleMessages()})`);
  }
}

function row(page, sourceRecord) {
  return page.locator(`#transactions tbody tr[data-source-record="${sourceRecord}"]`);
}

async function waitForText(locator, pattern) {
  await locator.filter({ hasText: pattern }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
}

async function retrieve(page, account, source, orderId) {
  await page.click('#open-retrieve');
  await page.selectOption('#retrieve-account', account);
  await page.selectOption('#retrieve-source', source);
  await page.fill('#retrieve-order', orderId);
  await page.click('#retrieve-submit');
}

// The unacknowledged discrepancies of an account by kind: as the server's gauge has them, and as the page shows them.
async function gaugeCounts(page, account) {
  const text = await (await page.request.get(`${baseUrl}/metrics`)).text();
  const line = new RegExp(`^refundsync_audit_discrepancies\\{account="${account}",kind="([a-z_]+)"\\} (\\d+)$`, 'gm');
  const counts = {};
  for (const [, kind, value] of text.matchAll(line)) if (Number(value) > 0) counts[kind] = Number(value);
  return counts;
}

async function pageCounts(page) {
  return page.evaluate(() => {
    const counts = {};
    for (const row of document.querySelectorAll('#audit tbody tr[data-acknowledged="false"]')) {
      counts[row.dataset.kind] = (counts[row.dataset.kind] || 0) + 1;
    }
    return counts;
  });
}

async function expectPageMatchesGauge(page, account) {
  const [shown, gauge] = [await pageCounts(page), await gaugeCounts(page, account)];
  if (JSON.stringify(shown) !== JSON.stringify(gauge)) {
    throw new Error(`the page shows ${JSON.stringify(shown)}, the gauge ${JSON.stringify(gauge)}`);
  }
}

async function signInAs(page, token) {
  await page.fill('#token', token);
  await page.click('#sign-in-form button[type=submit]');
  await page.locator('#app').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--headless'],
  });
  const problems = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 960 } });
    const page = await context.newPage();
    currentPage = page;
    // A script error or a Content-Security-Policy violation is a failure of the page, whatever the steps see.
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(`console: ${message.text()}`);
    });

    await step('the root redirects to the page, which asks for a token', async () => {
      await page.goto(`${baseUrl}/`);
      if (!page.url().endsWith('/ui/')) throw new Error(`landed on ${page.url()}`);
      await page.locator('#sign-in').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    });

    await step('a wrong token is refused with a message', async () => {
      await page.fill('#token', 'not-a-token');
      await page.click('#sign-in-form button[type=submit]');
      await waitForText(page.locator('#sign-in-error'), /not accepted/);
    });

    await step('the operator token opens the transactions list', async () => {
      await signInAs(page, operatorToken);
      await row(page, 'shopify:refund:9300').waitFor({ timeout: STEP_TIMEOUT_MS });
      await waitForText(page.locator('#signed-in-as'), /signed in as operator/);
    });

    await step('a failed row shows its error', async () => {
      await waitForText(row(page, 'shopify:refund:9300'), /order_not_synced: .*not previously synced to NetSuite/);
      await waitForText(row(page, 'shopify:refund:9300').locator('.badge'), /^failed$/);
    });

    await step('retrieving an order imports its refund, shown as imported (auto_post is off)', async () => {
      await retrieve(page, 'ebay-us', 'storefront', '77-777-7');
      await waitForText(page.locator('#retrieve-result'), /Imported 1: ebay:refund:5UI0001 \(imported\)/);
      await page.click('#retrieve-cancel');
      await waitForText(row(page, 'ebay:refund:5UI0001').locator('.badge'), /^imported$/);
    });

    await step('retrieving it again imports nothing new', async () => {
      await retrieve(page, 'ebay-us', 'storefront', '77-777-7');
      await waitForText(page.locator('#retrieve-result'), /Already known: 1/);
      await page.click('#retrieve-cancel');
    });

    await step('Post posts it: the row turns posted with the NetSuite record', async () => {
      await row(page, 'ebay:refund:5UI0001').locator('button.post').click();
      await waitForText(row(page, 'ebay:refund:5UI0001').locator('.badge'), /^posted$/);
      await waitForText(row(page, 'ebay:refund:5UI0001'), /netsuite:cashrefund:/);
      await waitForText(page.locator('#message'), /posted as netsuite:cashrefund:/);
      if (!(await row(page, 'ebay:refund:5UI0001').locator('button.post').isDisabled())) {
        throw new Error('a posted transaction still offers Post');
      }
    });

    await step('retrieving an unsynced order says why nothing was imported', async () => {
      await retrieve(page, 'ebay-us', 'storefront', '88-888-8');
      await waitForText(page.locator('#retrieve-result'),
        /order_not_synced: .*88-888-8.* was not previously synced to NetSuite/);
      await page.click('#retrieve-cancel');
      if (await row(page, 'ebay:refund:5UI0002').count() !== 0) throw new Error('a failed retrieve stored something');
    });

    await step('what the service says is shown as text, never as markup', async () => {
      const hostile = '<img src=x onerror="window.__injected=1">';
      await retrieve(page, 'ebay-us', 'storefront', hostile);
      await waitForText(page.locator('#retrieve-result'), /<img src=x onerror=/);
      const injected = await page.evaluate(() => ({
        flag: window.__injected === 1,
        images: document.querySelectorAll('#retrieve-result img, #transactions img').length,
      }));
      if (injected.flag || injected.images) throw new Error(`markup was interpreted: ${JSON.stringify(injected)}`);
      await page.click('#retrieve-cancel');
    });

    await step('the captured events of a transaction, and Replay', async () => {
      await row(page, 'shopify:refund:9300').locator('button.events').click();
      await page.locator('#details').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      await waitForText(page.locator('#events-title'), /order 9300/);
      const accepted = page.locator('#events tbody tr').filter({ hasText: 'accepted' });
      await accepted.first().waitFor({ timeout: STEP_TIMEOUT_MS });
      await accepted.first().locator('button.replay').click();
      await waitForText(page.locator('#message'), /replayed/);
    });

    await step('the Audit tab shows the last audit, its discrepancy and the transaction behind it', async () => {
      await page.click('#tab-audit');
      await page.selectOption('#audit-account', 'shop-eu');
      const discrepancy = page.locator('#audit tbody tr[data-order-id="9300"]');
      await waitForText(discrepancy.locator('.badge'), /^unposted$/);
      await waitForText(discrepancy, /10\.00 USD/);
      await waitForText(page.locator('#audit-summary'), /1 unacknowledged/);
      const shown = await pageCounts(page);
      if (JSON.stringify(shown) !== '{"unposted":1}') throw new Error(`the page shows ${JSON.stringify(shown)}`);
      await expectPageMatchesGauge(page, 'shop-eu');
    });

    await step("a discrepancy's transaction link opens that transaction", async () => {
      const link = page.locator('#audit tbody tr[data-order-id="9300"] a.tx').first();
      const id = (await link.textContent()).trim();
      await link.click();
      await page.locator('#transactions-view').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      await page.locator('#details').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      await waitForText(page.locator('#details-facts'), new RegExp(id));
    });

    await step('a viewer sees the transactions and the audit, and is offered no operator action', async () => {
      const viewer = await (await browser.newContext({ viewport: { width: 1440, height: 960 } })).newPage();
      currentPage = viewer;
      // The operator controls drawn on the view in sight that a viewer could click.
      const offered = () => viewer.evaluate(() => [...document.querySelectorAll(
        'button.post, button.replay, #open-retrieve, #audit-run, .ack')].filter((e) => e.offsetParent !== null)
        .map((e) => e.id || e.className));
      await viewer.goto(`${baseUrl}/ui/`);
      await signInAs(viewer, viewerToken);
      await waitForText(viewer.locator('#signed-in-as'), /signed in as viewer/);
      await row(viewer, 'shopify:refund:9300').waitFor({ timeout: STEP_TIMEOUT_MS });
      if (await viewer.locator('#transactions tbody tr button.post').count() === 0) throw new Error('no rows drawn');
      await row(viewer, 'shopify:refund:9300').locator('button.events').click();  // its events, with Replay
      await viewer.locator('#events tbody tr button.replay').first().waitFor({ state: 'attached', timeout: STEP_TIMEOUT_MS });
      let shown = await offered();
      if (shown.length) throw new Error(`a viewer is offered ${shown.join(', ')} on the transactions`);
      await viewer.click('#tab-audit');
      await viewer.selectOption('#audit-account', 'shop-eu');
      await viewer.locator('#audit tbody tr[data-order-id="9300"][data-acknowledged="false"] .ack')
        .waitFor({ state: 'attached', timeout: STEP_TIMEOUT_MS });
      shown = await offered();
      if (shown.length) throw new Error(`a viewer is offered ${shown.join(', ')} on the audit`);
      await viewer.context().close();
      currentPage = page;
    });

    await step('Acknowledge with a note marks the discrepancy acknowledged', async () => {
      // The tab reloads the audit when shown: the row to type into is the one that load draws.
      await Promise.all([
        page.waitForResponse((response) => response.url().includes('/api/audit?'), { timeout: STEP_TIMEOUT_MS }),
        page.click('#tab-audit'),
      ]);
      const discrepancy = page.locator('#audit tbody tr[data-order-id="9300"]');
      await discrepancy.locator('input.note').fill('test order, never billed');
      await discrepancy.locator('button.acknowledge').click();
      await waitForText(page.locator('#audit tbody tr[data-order-id="9300"]'), /acknowledged test order, never billed/);
      await waitForText(page.locator('#audit-summary'), /0 unacknowledged/);
      await expectPageMatchesGauge(page, 'shop-eu');  // both empty now
      await page.click('#tab-transactions');
    });

    await page.screenshot({ path: screenshotPath, fullPage: true });

    await step('the status filter shows only failed transactions', async () => {
      await page.selectOption('#filter-status', 'failed');
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('#transactions tbody tr')];
        return rows.length > 0 && rows.every((r) => r.dataset.status === 'failed');
      }, null, { timeout: STEP_TIMEOUT_MS });
    });

    await step('one refresh of the list at a time, the last one asked for shown', async () => {
      let inFlight = 0;
      let most = 0;
      let requests = 0;
      const isList = (url) => url.pathname === '/api/transactions';
      await page.route(isList, async (route) => {
        inFlight += 1;
        requests += 1;
        most = Math.max(most, inFlight);
        const response = await route.fetch();
        await new Promise((resolve) => { setTimeout(resolve, 500); });  // a slow list
        await route.fulfill({ response });
        inFlight -= 1;
      });
      for (let i = 0; i < 4; i += 1) await page.click('#refresh');
      await page.selectOption('#filter-status', '');  // the last thing asked for: every status
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('#transactions tbody tr')];
        return rows.some((r) => r.dataset.status !== 'failed');
      }, null, { timeout: STEP_TIMEOUT_MS });
      await page.unroute(isList);
      if (most !== 1) throw new Error(`${most} list requests were outstanding at once`);
      if (requests > 3) throw new Error(`${requests} list requests for 5 asks`);
    });

    await step('the token lives in the browser session only', async () => {
      await page.reload();
      await page.locator('#app').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      const stored = await page.evaluate(() => ({ local: localStorage.length, cookies: document.cookie }));
      if (stored.local !== 0 || stored.cookies !== '') throw new Error(`token persisted: ${JSON.stringify(stored)}`);
      const fresh = await (await browser.newContext()).newPage();
      await fresh.goto(`${baseUrl}/ui/`);
      await fresh.locator('#sign-in').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    });

    if (problems.length) throw new Error(problems.join('; '));
  } finally {
    await browser.close();
  }
}

main().then(
  () => console.log(JSON.stringify({ ok: true, passed })),
  (error) => {
    console.log(JSON.stringify({ ok: false, passed, error: error.message }));
    process.exit(1);
  });
