// The sandbox dashboard in a real browser (Debian's Chromium driven by playwright-core).
//
// Starts `dashboard-e2e` (browser-tests/world/) (a sandbox, a merchant endpoint that verifies notifications,
// control calls), opens the dashboard with the run's token and checks, as a person would:
// a QR code a client creates appears without a reload; "Pay" delivers a verified notification
// to the merchant; its attempts show; a request with a wrong signature shows why; an SGATE Payin
// order is paid on the sandbox's cashier page with the test card through its 3-D Secure page
// and shows paid; nothing secret is on the page; the page and the admin API refuse callers without the token.
// Screenshots of the main views go to target/dashboard-screenshots/.
//
// Environment: DASHBOARD_E2E_BIN (default ../target/debug/dashboard-e2e),
// CHROMIUM (default /usr/bin/chromium), SCREENSHOTS (default ../target/dashboard-screenshots).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = process.env.DASHBOARD_E2E_BIN || path.join(here, '..', 'target', 'debug', 'dashboard-e2e');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.SCREENSHOTS || path.join(here, '..', 'target', 'dashboard-screenshots');
const TIMEOUT = 15_000;

let world, child, browser, page, profile;
const consoleErrors = [];

async function startWorld() {
  child = spawn(BIN, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('dashboard-e2e printed nothing in 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error('dashboard-e2e exited with ' + code)));
    lines.once('line', (line) => { clearTimeout(timer); resolve(line); });
  });
  return JSON.parse(first);
}

async function control(what, method = 'POST') {
  const response = await fetch(world.control_url + '/' + what, { method });
  const body = await response.json();
  assert.ok(response.ok, what + ': ' + JSON.stringify(body));
  return body;
}

async function until(what, check, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function tab(name) {
  await page.getByRole('tab', { name, exact: true }).click();
}

// The cell of `row` reading exactly `status`. Not `hasText`: that reads textContent, which
// includes the row's collapsed "all fields" JSON ("paidAt" contains "paid" before any payment).
function statusCell(row, status) {
  return row.getByRole('cell', { name: status, exact: true });
}

async function shot(name) {
  await page.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: true });
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  world = await startWorld();
  profile = mkdtempSync(path.join(tmpdir(), 'paybind-chromium-'));
  // A fresh profile directory; the flags known to work on this kind of machine: no sandbox as
  // root, no GPU, and no background connections (the network is closed).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    headless: true,
    viewport: { width: 1280, height: 800 },
  });
  page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.hostname !== '127.0.0.1') consoleErrors.push('request to another host: ' + r.url());
  });
  await page.goto(world.dashboard_url);
  await page.getByText(/^live · updated/).waitFor({ timeout: TIMEOUT });
});

after(async () => {
  await browser?.close();
  child?.stdin.end();
  child?.kill();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('a QR code a client creates appears without a reload; Pay delivers a verified notification whose attempts show', async () => {
  await page.evaluate(() => { window.notReloaded = true; });
  await tab('BluePay');
  const { mchOrderId } = await control('qr');
  const row = page.locator(`#gateway-bluepay tr[data-object="${mchOrderId}"]`);
  await row.waitFor({ timeout: TIMEOUT });
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
  assert.match(await row.innerText(), /THB 1\.50/, 'amount in baht from 150 satang');
  assert.match(await row.innerText(), /PENDING/);
  await shot('bluepay-objects');

  await row.getByRole('button', { name: 'Pay' }).click();
  const delivered = await until('a verified notification at the merchant', async () => {
    const received = await control('received', 'GET');
    return received.find((r) => r.verified && r.event.includes(mchOrderId));
  });
  assert.match(delivered.event, /QrCodePayment/);
  await statusCell(page.locator(`#gateway-bluepay tr[data-object="${mchOrderId}"]`), 'COMPLETED')
    .waitFor({ timeout: TIMEOUT });

  await tab('Notifications');
  const notification = page.locator('#notifications tr[data-notification]', { hasText: 'bluepay' }).first();
  await notification.waitFor({ timeout: TIMEOUT });
  await page.locator('#notifications tr[data-notification] .status-delivered').first().waitFor({ timeout: TIMEOUT });
  assert.equal(await notification.locator('td.attempts').innerText(), '1');
  await notification.getByText('attempts and body').click();
  const attempts = notification.getByRole('table', { name: /Delivery attempts/ });
  await attempts.waitFor({ timeout: TIMEOUT });
  const attemptText = await attempts.innerText();
  assert.match(attemptText, /\b200\b/, 'the attempt shows HTTP 200');
  assert.match(attemptText, /yes/, 'the attempt was acknowledged');
  assert.match(await notification.locator('pre').innerText(), /"sign"/, 'the signed body sent');
  await shot('notifications');

  // Resend: a second attempt is made and shows up.
  await notification.getByRole('button', { name: 'Resend' }).click();
  await until('a second attempt', async () => (await notification.locator('td.attempts').innerText()) === '2');
});

test('a request with a wrong signature shows why it was refused', async () => {
  await tab('Requests');
  const reasons = { key: /another key/i, hash: /SHA-1/, bytes: /differ/i };
  for (const kind of Object.keys(reasons)) {
    const answer = await control('bad-signature/' + kind);
    assert.equal(answer.code, 21001, kind + ': refused with 21001');
  }
  for (const [kind, reason] of Object.entries(reasons)) {
    const row = page.locator('#requests tr.refused', { hasText: reason }).first();
    await row.waitFor({ timeout: TIMEOUT });
    assert.match(await row.innerText(), /not verified/, kind);
  }
  await shot('requests');
});

test('every gateway view lists its objects; no secret is on the page', async () => {
  const seeded = await control('seed');
  await tab('SGATE');
  await page.locator('#gateway-sgate tr[data-object]').first().waitFor({ timeout: TIMEOUT });
  await page.locator('#gateway-sgate', { hasText: 'SAR 18.75' }).waitFor({ timeout: TIMEOUT });
  await shot('sgate-objects');
  await tab('BluePay JT');
  const auth = page.locator(`#gateway-bluepay-jt tr[data-object="${seeded.authorization}"]`);
  await auth.waitFor({ timeout: TIMEOUT });
  await auth.getByRole('button', { name: 'Authorize' }).click();
  await until('the authorization notification', async () => {
    const received = await control('received', 'GET');
    return received.find((r) => r.verified && r.event.includes('DirectDebitAuthorization'));
  });
  await tab('Rules & faults');
  await page.getByLabel('Operation (operation id, or * for all)').fill('qr_code_create');
  await page.getByRole('button', { name: 'Inject fault' }).click();
  await page.locator('#faults tr', { hasText: 'qr_code_create' }).waitFor({ timeout: TIMEOUT });
  await shot('rules-and-faults');
  await page.getByRole('button', { name: 'Clear', exact: true }).click();
  await page.locator('#faults', { hasText: 'none yet' }).waitFor({ timeout: TIMEOUT });

  // Everything the page shows, in every view, and everything it fetched.
  const everything = await page.evaluate(async () => {
    const token = new URLSearchParams(location.search).get('token');
    const get = (p) => fetch('/admin' + p, { headers: { Authorization: 'Bearer ' + token } }).then((r) => r.text());
    const api = await Promise.all(['/objects', '/requests', '/notifications'].map(get));
    return document.body.innerText + document.documentElement.outerHTML + api.join('');
  });
  for (const secret of ['5123450000000001', '1012345678', 'sandbox-sgate-api-key', 'PRIVATE KEY']) {
    assert.ok(!everything.includes(secret), 'the page or the admin API shows ' + secret);
  }
  assert.match(everything, /sensitive/, 'sensitive members are shown masked');
});

// Which tab has focus, which is selected and which views show, as the page says.
async function tabState() {
  return page.evaluate(() => ({
    focused: document.activeElement.id,
    selected: [...document.querySelectorAll('[role=tab][aria-selected=true]')].map((t) => t.id),
    shown: [...document.querySelectorAll('[role=tabpanel]')]
      .filter((view) => !view.hidden && view.getBoundingClientRect().height > 0)
      .map((view) => view.id),
  }));
}
test('the fault form sets a fault after the commit, as the admin API takes it', async () => {
  await tab('Rules & faults');
  await page.getByLabel('Operation (operation id, or * for all)').fill('payout_create');
  await page.locator('#fault-kind').selectOption('drop_connection');
  const afterCommit = page.getByLabel('After the commit');
  assert.equal(await afterCommit.isChecked(), false, 'before the commit unless asked');
  await afterCommit.check();
  await page.getByRole('button', { name: 'Inject fault' }).click();
  const row = page.locator('#faults tr', { hasText: 'payout_create' });
  await row.waitFor({ timeout: TIMEOUT });
  assert.match(await row.innerText(), /after_commit=true/);
  assert.match(await row.innerText(), /drop_connection=true/);
  const faults = await page.evaluate(async () => {
    const token = new URLSearchParams(location.search).get('token');
    const answer = await fetch('/admin/faults', { headers: { Authorization: 'Bearer ' + token } });
    return answer.json();
  });
  const fault = faults.find((f) => f.operation === 'payout_create');
  assert.equal(fault?.after_commit, true, JSON.stringify(faults));
  assert.equal(fault?.drop_connection, true);
  await row.getByRole('button', { name: 'Clear', exact: true }).click();
  await page.locator('#faults', { hasText: 'none yet' }).waitFor({ timeout: TIMEOUT });
});

test('the fault form sets an SGATE Payin word code, as the admin API takes it', async () => {
  await tab('Rules & faults');
  await page.locator('#fault-gateway').selectOption('sgate-payin');
  await page.getByLabel('Operation (operation id, or * for all)').fill('merchant_add_order');
  await page.locator('#fault-kind').selectOption('error_code_text');
  await page.getByLabel('Value (status, code, word or ms)').fill('notAllowed');
  await page.getByRole('button', { name: 'Inject fault' }).click();
  const row = page.locator('#faults tr', { hasText: 'merchant_add_order' });
  await row.waitFor({ timeout: TIMEOUT });
  assert.match(await row.innerText(), /error_code_text="notAllowed"/);
  const faults = await page.evaluate(async () => {
    const token = new URLSearchParams(location.search).get('token');
    const answer = await fetch('/admin/faults', { headers: { Authorization: 'Bearer ' + token } });
    return answer.json();
  });
  const fault = faults.find((f) => f.operation === 'merchant_add_order');
  assert.equal(fault?.gateway, 'sgate-payin', JSON.stringify(faults));
  assert.equal(fault?.error_code_text, 'notAllowed', JSON.stringify(faults));
  assert.equal(fault?.error_code ?? null, null, 'a word, not a number');
  await row.getByRole('button', { name: 'Clear', exact: true }).click();
  await page.locator('#faults', { hasText: 'none yet' }).waitFor({ timeout: TIMEOUT });
});

test('an SGATE Payin order is paid on its cashier with the test card through 3-D Secure', async () => {
  const { id } = await control('payin-order');
  await tab('SGATE Payin');
  const row = page.locator(`#gateway-sgate-payin tr[data-object="${id}"]`);
  await row.waitFor({ timeout: TIMEOUT });
  assert.match(await row.innerText(), /pending/);
  // The wait for "paid" below must not be met by the unpaid row.
  assert.equal(await statusCell(row, 'paid').count(), 0);
  await shot('sgate-payin-objects');
  const [cashier] = await Promise.all([
    browser.waitForEvent('page'),
    row.getByRole('link', { name: 'Open cashier' }).click(),
  ]);
  cashier.on('console', (m) => { if (m.type() === 'error') consoleErrors.push('cashier: ' + m.text()); });
  await cashier.getByLabel('Card number').fill('5123 4500 0000 0008');
  await cashier.getByLabel('Expiry month (MM)').fill('01');
  await cashier.getByLabel('Expiry year (YY)').fill('39');
  await cashier.getByLabel('Name on card').fill('SGate_Sandbox');
  await cashier.getByLabel('Security code').fill('100');
  await cashier.screenshot({ path: path.join(SHOTS, 'sgate-payin-cashier.png'), fullPage: true });
  await cashier.getByRole('button', { name: 'Pay by card' }).click();
  await cashier.getByRole('heading', { name: '3-D Secure (simulated)' }).waitFor({ timeout: TIMEOUT });
  assert.match(await cashier.locator('body').innerText(), /512345xxxxxx0008/);
  await cashier.getByRole('button', { name: 'Authenticate' }).click();
  await cashier.getByRole('heading', { name: 'Payment approved' }).waitFor({ timeout: TIMEOUT });
  await cashier.close();

  await statusCell(page.locator(`#gateway-sgate-payin tr[data-object="${id}"]`), 'paid').waitFor({ timeout: TIMEOUT });
  const transaction = page.locator(`#gateway-sgate-payin tr[data-object="${id}_1"]`);
  await statusCell(transaction, 'Approved').waitFor({ timeout: TIMEOUT });
  assert.match(await transaction.innerText(), /512345xxxxxx0008/);
  const everything = await page.evaluate(async () => {
    const token = new URLSearchParams(location.search).get('token');
    const get = (p) => fetch('/admin' + p, { headers: { Authorization: 'Bearer ' + token } }).then((r) => r.text());
    return document.body.innerText + (await get('/objects')) + (await get('/requests'));
  });
  assert.ok(!everything.includes('5123450000000008'), 'the card number is nowhere');
  await shot('sgate-payin-paid');
});

test('an SGATE Payin order is paid from its row, as the payin_order.paid trigger pays it', async () => {
  const { id } = await control('payin-order');
  await tab('SGATE Payin');
  const row = page.locator(`#gateway-sgate-payin tr[data-object="${id}"]`);
  await row.waitFor({ timeout: TIMEOUT });
  assert.equal(await statusCell(row, 'paid').count(), 0);
  await row.getByRole('button', { name: 'Pay with test card' }).click();
  await statusCell(row, 'paid').waitFor({ timeout: TIMEOUT });
  const transaction = page.locator(`#gateway-sgate-payin tr[data-object="${id}_1"]`);
  await statusCell(transaction, 'Approved').waitFor({ timeout: TIMEOUT });
  // A paid order offers neither the cashier nor the button again.
  assert.equal(await row.getByRole('button', { name: 'Pay with test card' }).count(), 0);
  assert.equal(await row.getByRole('link', { name: 'Open cashier' }).count(), 0);
});

test('the keyboard reaches every view', async () => {
  // The tabs as the page lists them, in order: each with the view it controls.
  const tabs = await page.evaluate(() => [...document.querySelectorAll('[role=tab]')]
    .map((t) => ({ id: t.id, view: t.getAttribute('aria-controls') })));
  assert.ok(tabs.length >= 2, JSON.stringify(tabs));
  await tab('Requests');
  await page.getByRole('tab', { name: 'Requests' }).focus();
  const expect = async (index, key) => {
    const { id, view } = tabs[(index + tabs.length) % tabs.length];
    assert.deepEqual(await tabState(), { focused: id, selected: [id], shown: [view] }, key + ' to ' + id);
  };
  await expect(0, 'start');
  // ArrowRight through every tab and round to the first again; ArrowLeft wraps back to the last.
  for (let index = 1; index <= tabs.length; index++) {
    await page.keyboard.press('ArrowRight');
    await expect(index, 'ArrowRight');
  }
  await page.keyboard.press('ArrowLeft');
  await expect(-1, 'ArrowLeft');
  await page.keyboard.press('ArrowRight');
  await expect(0, 'ArrowRight');
  // Tab leaves the tab list for the shown view's first control.
  await page.keyboard.press('Tab');
  const inside = await page.evaluate(() => document.activeElement.closest('[role=tabpanel]')?.id);
  assert.equal(inside, tabs[0].view);
});

test('the dashboard and the admin API refuse callers without the token', async () => {
  const base = world.base_url;
  assert.equal((await fetch(base + '/')).status, 401);
  assert.equal((await fetch(base + '/?token=wrong')).status, 401);
  assert.equal((await fetch(base + '/admin/requests')).status, 401);
  const foreign = await fetch(world.dashboard_url, { headers: { Origin: 'http://evil.example' } });
  assert.equal(foreign.status, 403, 'a foreign Origin is refused');
  const page = await fetch(world.dashboard_url);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
  assert.deepEqual(consoleErrors, [], 'no script error and no request to another host');
});
