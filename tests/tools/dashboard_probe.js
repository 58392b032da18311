#!/usr/bin/env node
// Opens a page in headless Chromium and waits, by the page's own state, until a condition holds;
// then prints {dom, console, exceptions} as JSON and saves a screenshot. Speaks the DevTools
// protocol over --remote-debugging-pipe (null-separated JSON on file descriptors 3 and 4), so it
// needs nothing beyond Node and Debian's chromium. Why not --dump-dom: it dumps when the virtual
// time budget runs out, which with a WebSocket can be before the messages have arrived.
//
// Usage: dashboard_probe.js URL CONDITION_JS TIMEOUT_MS SCREENSHOT.png PROFILE_DIR
'use strict';
const {spawn} = require('child_process');
const fs = require('fs');

const [url, condition, timeoutText, screenshot, profile] = process.argv.slice(2);
const timeoutMs = Number(timeoutText);
const chromium = spawn('/usr/bin/chromium', [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--window-size=1280,1400', '--remote-debugging-pipe', '--user-data-dir=' + profile,
  'about:blank',
], {stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe']});
const toBrowser = chromium.stdio[3], fromBrowser = chromium.stdio[4];

let nextId = 1;
const pending = new Map();
const consoleMessages = [], exceptions = [];
let buffered = '';
fromBrowser.on('data', chunk => {
  buffered += chunk.toString('utf8');
  let end;
  while ((end = buffered.indexOf('\0')) >= 0) {
    const message = JSON.parse(buffered.slice(0, end));
    buffered = buffered.slice(end + 1);
    if (message.id && pending.has(message.id)) {
      const {resolve, reject} = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) reject(new Error(JSON.stringify(message.error))); else resolve(message.result);
    } else if (message.method === 'Runtime.consoleAPICalled') {
      consoleMessages.push({type: message.params.type,
                            text: message.params.args.map(a => a.value ?? a.description).join(' ')});
    } else if (message.method === 'Runtime.exceptionThrown') {
      exceptions.push(message.params.exceptionDetails.exception?.description ??
                      message.params.exceptionDetails.text);
    } else if (message.method === 'Log.entryAdded') {
      consoleMessages.push({type: message.params.entry.level, text: message.params.entry.text});
    }
  }
});

function send(method, params = {}, sessionId) {
  const id = nextId++;
  toBrowser.write(JSON.stringify({id, method, params, sessionId}) + '\0');
  return new Promise((resolve, reject) => pending.set(id, {resolve, reject}));
}

function fail(why) {
  process.stderr.write('dashboard_probe: ' + why + '\n');
  chromium.kill('SIGKILL');
  process.exit(2);
}

const deadline = setTimeout(() => fail('timed out after ' + timeoutMs + ' ms'), timeoutMs + 15000);

(async () => {
  const {targetId} = await send('Target.createTarget', {url: 'about:blank'});
  const {sessionId} = await send('Target.attachToTarget', {targetId, flatten: true});
  for (const domain of ['Runtime.enable', 'Log.enable', 'Page.enable']) await send(domain, {}, sessionId);
  await send('Page.navigate', {url}, sessionId);
  // Polled inside the page (no event says "the dashboard has drawn N points").
  const waited = await send('Runtime.evaluate', {
    expression: `new Promise(resolve => {
      const started = Date.now();
      const check = () => {
        let ok = false;
        try { ok = !!(${condition}); } catch (e) {}
        if (ok) resolve(true); else if (Date.now() - started > ${timeoutMs}) resolve(false);
        else setTimeout(check, 100);
      };
      check();
    })`,
    awaitPromise: true, returnByValue: true}, sessionId);
  const dom = await send('Runtime.evaluate',
                         {expression: 'document.documentElement.outerHTML', returnByValue: true},
                         sessionId);
  const shot = await send('Page.captureScreenshot', {format: 'png'}, sessionId);
  fs.writeFileSync(screenshot, Buffer.from(shot.data, 'base64'));
  process.stdout.write(JSON.stringify({condition_met: waited.result.value === true,
                                       dom: dom.result.value, console: consoleMessages,
                                       exceptions}));
  clearTimeout(deadline);
  await send('Browser.close').catch(() => {});
  chromium.kill('SIGKILL');
  process.exit(0);
})().catch(e => fail(e.stack || String(e)));
