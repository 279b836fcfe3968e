// The web console in Debian's chromium (playwright-core, never a downloaded browser) against
// a real `srtgw serve` and a real ffmpeg publisher:
// create an SRT listener input and a UDP output through the UI, push a test pattern, see it
// connected with a bitrate and a drawn chart, edit the latency, get the server's field error
// next to the field for a bad value, delete with confirmation.
//
// Environment: SRTGW_BIN (default ../build/srtgw), SRTGW_WEB_DIR (optional),
// SRTGW_TEST_ARTIFACTS (screenshots; default ../build/test-artifacts/console),
// SRTGW_CHROMIUM (default /usr/bin/chromium).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = process.env.SRTGW_BIN || path.resolve(here, '../../build/srtgw');
const ARTIFACTS = process.env.SRTGW_TEST_ARTIFACTS || path.resolve(here, '../../build/test-artifacts/console');
const CHROMIUM = process.env.SRTGW_CHROMIUM || '/usr/bin/chromium';
const ADMIN_PASSWORD = 'test-admin-password';

/** Polls `check` until it returns a truthy value or the deadline passes (no fixed sleeps). */
async function waitFor(what, check, timeoutMs = 10000, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A UDP port that was free a moment ago (bound to port 0 and closed again). */
async function freeUdpPort() {
  const s = dgram.createSocket('udp4');
  await new Promise((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Starts srtgw like tests/support/serve_process.cpp and parses its port from stderr. */
async function startGateway(dir) {
  const env = { ...process.env, SRTGW_ADMIN_PASSWORD: ADMIN_PASSWORD, SRTGW_LOG_LEVEL: 'info' };
  const proc = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', path.join(dir, 'srtgw.db'), '--data-dir', dir], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const port = await waitFor('srtgw to say "serving http://..."', () => {
    if (proc.exitCode !== null) throw new Error(`srtgw exited (${proc.exitCode}):\n${log}`);
    const m = /serving http:\/\/[^ ]*:(\d+)/.exec(log);
    return m ? Number(m[1]) : null;
  }, 15000);
  return { proc, port, exited, log: () => log };
}

async function stop(proc, exited, timeoutMs = 10000) {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill('SIGTERM');
  const t = setTimeout(() => proc.exitCode === null && proc.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(t);
}

/** Pixels of the given colour (±tolerance per channel) on a canvas inside `selector`. */
async function colouredPixels(page, selector, rgb, tolerance = 40) {
  return page.evaluate(
    ({ selector, rgb, tolerance }) => {
      const canvas = document.querySelector(`${selector} canvas`);
      if (!canvas || canvas.width === 0) return 0;
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 0 && Math.abs(data[i] - rgb[0]) <= tolerance && Math.abs(data[i + 1] - rgb[1]) <= tolerance && Math.abs(data[i + 2] - rgb[2]) <= tolerance) n++;
      }
      return n;
    },
    { selector, rgb, tolerance },
  );
}

test('the console creates, watches, edits and deletes a stream', { timeout: 90000 }, async (t) => {
  assert.ok(fs.existsSync(BIN), `srtgw binary not found at ${BIN} (set SRTGW_BIN)`);
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} not found: run scripts/install-deps.sh (Debian chromium)`);
  const webDir = process.env.SRTGW_WEB_DIR || path.join(path.dirname(BIN), 'web');
  assert.ok(fs.existsSync(path.join(webDir, 'index.html')),
    `the console is not built in ${webDir}: build the srtgw_web target (make build) before this test`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srtgw-console-'));
  const started = Date.now();
  let passed = false;
  const shot = async (page, name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  const gw = await startGateway(dir);
  let ffmpeg = null;
  let ffmpegExited = null;
  let context = null;
  let page = null;
  const receiver = dgram.createSocket('udp4');
  let received = 0;
  receiver.on('message', (m) => (received += m.length));
  t.after(async () => {
    receiver.close();
    // Whatever failed, the page as it was is kept next to the other screenshots.
    if (!passed && page) await shot(page, 'failure').catch(() => {});
    if (context) await context.close().catch(() => {});
    await stop(ffmpeg, ffmpegExited, 3000);
    await stop(gw.proc, gw.exited);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  await new Promise((resolve) => receiver.bind(0, '127.0.0.1', resolve));
  const udpPort = receiver.address().port;
  const srtPort = await freeUdpPort();
  const base = `http://127.0.0.1:${gw.port}`;

  context = await chromium.launchPersistentContext(path.join(dir, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1600, height: 1000 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.setDefaultTimeout(10000);
  // Air-gapped: nothing but the gateway itself may be asked for anything.
  const foreign = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !['data:', 'blob:'].includes(u.protocol)) foreign.push(r.url());
  });

  await page.goto(`${base}/`);
  const first = await Promise.race([
    page.getByRole('heading', { name: 'Streams' }).waitFor().then(() => 'dashboard'),
    page.getByLabel('Username').waitFor().then(() => 'login'),
  ]);
  // Authentication (#7) is on: the console must ask for a login first.
  assert.equal(first, 'login', 'the console showed data without a login');
  {
    await shot(page, '00-login');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Streams' }).waitFor();
  }

  // Keyboard: the first Tab lands on the skip link, which moves focus to the content.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');

  // 1. An SRT listener input, filled by pasting a URL.
  await page.getByRole('link', { name: 'New input' }).click();
  await page.getByRole('heading', { name: 'New input' }).waitFor();
  // Every form control is labelled (keyboard and screen-reader use).
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('form input, form select')]
      .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label'))
      .map((el) => el.outerHTML));
  assert.deepEqual(unlabelled, [], 'form controls without a label');
  await page.getByLabel('Paste an srt:// or udp:// URL').fill(`srt://:${srtPort}?latency=200&mode=listener`);
  await page.getByRole('button', { name: 'Fill', exact: true }).click();
  assert.equal(await page.getByLabel('Listen port').inputValue(), String(srtPort));
  assert.equal(await page.getByLabel('Latency (ms)', { exact: true }).inputValue(), '200');
  await page.getByLabel('Name', { exact: true }).fill('E2E Venue');
  await shot(page, '01-new-input');
  await page.getByRole('button', { name: 'Create input' }).click();
  const inputRow = page.locator('tr.input-row[data-name="E2E Venue"]');
  await inputRow.waitFor();
  const inputId = await inputRow.getAttribute('data-id');
  await waitFor('the input to listen', async () => (await inputRow.locator('.badge').first().textContent()) === 'listening', 5000);

  // 2. A UDP output to our receiver.
  await page.getByRole('link', { name: 'Add output to E2E Venue' }).click();
  await page.getByRole('heading', { name: 'New output' }).waitFor();
  await page.getByLabel('Type', { exact: true }).selectOption('udp');
  await page.getByLabel('Destination (host:port)').fill(`127.0.0.1:${udpPort}`);
  await page.getByLabel('Name', { exact: true }).fill('E2E UDP copy');
  await page.getByRole('button', { name: 'Create output' }).click();
  const outputRow = page.locator('tr.output-row[data-name="E2E UDP copy"]');
  await outputRow.waitFor();

  // 3. Publish; the dashboard shows it connected with a bitrate within 5 s.
  ffmpeg = spawn('ffmpeg', ['-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25',
    '-f', 'lavfi', '-i', 'sine', '-t', '60', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency',
    '-c:a', 'aac', '-f', 'mpegts', `srt://127.0.0.1:${srtPort}?mode=caller`], { stdio: ['ignore', 'ignore', 'pipe'] });
  ffmpegExited = new Promise((resolve) => ffmpeg.on('exit', resolve));
  let ffmpegLog = '';
  ffmpeg.stderr.on('data', (d) => (ffmpegLog += d));
  const pushed = Date.now();
  await waitFor('"connected" and a non-zero bitrate on the dashboard', async () => {
    if (ffmpeg.exitCode !== null) throw new Error(`ffmpeg exited: ${ffmpegLog}`);
    const state = await inputRow.locator('.badge').first().textContent();
    const bitrate = await inputRow.locator('[data-field="bitrate"]').textContent();
    return state === 'connected' && /^[1-9]|^0\.\d*[1-9]/.test(bitrate) && !/^0 b\/s/.test(bitrate);
  }, 5000);
  t.diagnostic(`connected with a bitrate ${Date.now() - pushed} ms after ffmpeg started`);
  await waitFor('the UDP output to deliver', () => received > 10000, 5000);
  await shot(page, '02-dashboard-live');

  // 4. The detail page draws its bitrate chart.
  await page.getByRole('link', { name: 'E2E Venue', exact: true }).click();
  await page.getByRole('heading', { name: /E2E Venue/ }).waitFor();
  const pixels = await waitFor('the bitrate chart to draw its line', async () => {
    const n = await colouredPixels(page, '.chart:first-of-type .chart-box', [0x4d, 0xa3, 0xff]);
    return n > 30 ? n : 0;
  }, 10000, 250);
  t.diagnostic(`bitrate chart: ${pixels} pixels of the series colour`);
  await page.getByRole('heading', { name: 'TS analysis (TR 101 290)' }).waitFor();
  await page.getByRole('rowheader', { name: 'Continuity_count_error' }).waitFor();
  await shot(page, '03-detail');

  // 5. Edit the latency while ffmpeg is still publishing: the input restarts on its own port
  // at once (this once answered 409 "address in use" and left the input in error).
  await page.getByRole('link', { name: 'Edit E2E Venue' }).click();
  await page.getByRole('heading', { name: /Edit input/ }).waitFor();
  assert.equal(await page.getByLabel('Latency (ms)', { exact: true }).inputValue(), '200');
  await page.getByLabel('Latency (ms)', { exact: true }).fill('300');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('[data-config="latency_ms"] dd', { hasText: '300 ms' }).waitFor();
  const stored = await page.evaluate(async (id) => (await (await fetch(`/api/v1/inputs/${id}`)).json()), inputId);
  assert.equal(stored.latency_ms, 300);
  assert.ok(['listening', 'connected', 'stalled'].includes(stored.state), `state after a live edit: ${stored.state}`);
  await stop(ffmpeg, ffmpegExited, 3000);

  // 6. A bad value: the server's own message appears next to the latency field.
  await page.getByRole('link', { name: 'Edit E2E Venue' }).click();
  await page.getByRole('heading', { name: /Edit input/ }).waitFor();
  await page.getByLabel('Latency (ms)', { exact: true }).fill('-5');
  await page.getByRole('button', { name: 'Save changes' }).click();
  const fieldError = page.locator('[data-field="latency_ms"] .field-error');
  await fieldError.waitFor();
  const message = await fieldError.textContent();
  assert.match(message, /between 0 and 60000/, 'the server message, not a client-side one');
  assert.equal(await page.getByLabel('Latency (ms)', { exact: true }).getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-latency_ms', 'focus goes to the bad field');
  await shot(page, '04-field-error');
  const unchanged = await page.evaluate(async (id) => (await (await fetch(`/api/v1/inputs/${id}`)).json()).latency_ms, inputId);
  assert.equal(unchanged, 300, 'a rejected edit changes nothing');

  // 7. Delete with confirmation.
  await page.getByRole('link', { name: 'Cancel' }).click();
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await inputRow.waitFor();
  await page.getByRole('button', { name: 'Delete E2E Venue', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /deletes its 1 output too/);
  await shot(page, '05-confirm-delete');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await inputRow.waitFor({ state: 'detached' });
  await outputRow.waitFor({ state: 'detached' });
  const gone = await page.evaluate(async (id) => (await fetch(`/api/v1/inputs/${id}`)).status, inputId);
  assert.equal(gone, 404);
  await shot(page, '06-deleted');

  // 8. Events and System pages show the gateway's own figures.
  await page.getByRole('link', { name: 'Events' }).click();
  await page.getByRole('cell', { name: 'config.deleted' }).first().waitFor();
  await page.getByRole('link', { name: 'System' }).click();
  await page.getByText(/^srtgw \d/).waitFor();
  await shot(page, '07-system');

  assert.deepEqual(foreign, [], 'requests left the gateway (air-gapped console)');
  assert.deepEqual(consoleErrors.filter((e) => !/status of 4\d\d/.test(e)), [], 'browser console errors');

  // 9. Log out: back to the login page, and the API says 401 without the session.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByLabel('Username').waitFor();
  const after = await page.evaluate(async () => (await fetch('/api/v1/status')).status);
  assert.equal(after, 401);

  passed = true;
  t.diagnostic(`whole run ${Date.now() - started} ms`);
});
