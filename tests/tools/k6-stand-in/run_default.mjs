// Runs an exported k6 script's default function once (one virtual user, one iteration) with the
// stand-in modules, then prints what was sent as JSON: {"requests": [{method, url, status}]}.
// Usage: node run_default.mjs SCRIPT.js   (SCRIPT's folder must resolve 'k6' to this folder)
import { pathToFileURL } from 'node:url';
import path from 'node:path';

globalThis.__ENV = { ...process.env };
globalThis.__VU = 1;
globalThis.__ITER = 0;
const script = await import(pathToFileURL(path.resolve(process.argv[2])).href);
const http = await import(pathToFileURL(path.join(path.dirname(path.resolve(process.argv[2])), 'node_modules/k6/http.js')).href);
if (typeof script.default !== 'function') throw new Error('the script has no default function');
if (typeof script.options !== 'object') throw new Error('the script exports no options');
script.default();
console.log(JSON.stringify({ requests: http.requests, scenarios: Object.keys(script.options.scenarios || {}), thresholds: script.options.thresholds || {} }));
