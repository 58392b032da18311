// Stand-in for k6's 'k6/http': a synchronous request, as k6's is, made by curl; every request
// and its status is recorded for the test to read. Only what exported scripts use.
import { execFileSync } from 'node:child_process';

export const requests = [];

function parse(raw) {
  // curl -i prints every response head (100 Continue too); the last one is the answer.
  let text = raw;
  let head;
  for (;;) {
    const end = text.indexOf('\r\n\r\n');
    head = text.slice(0, end);
    text = text.slice(end + 4);
    if (!/^HTTP\/\S+ 1\d\d/.test(head)) break;
  }
  const lines = head.split('\r\n');
  const status = Number(lines[0].split(' ')[1]);
  const headers = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return { status, headers, body: text };
}

export function request(method, url, body, params = {}) {
  const args = ['-sS', '-i', '--max-time', '10', '-X', method];
  for (const [name, value] of Object.entries(params.headers || {})) args.push('-H', `${name}: ${value}`);
  if (body !== null && body !== undefined) args.push('--data-binary', '@-');
  args.push(url);
  let res;
  try {
    res = parse(execFileSync('curl', args, { input: body ?? '', encoding: 'utf8' }));
  } catch (e) {
    res = { status: 0, headers: {}, body: '' };
  }
  res.json = () => JSON.parse(res.body);
  requests.push({ method, url, status: res.status, tags: params.tags || {} });
  return res;
}

export default { request };
