// One load run against an MCP streamable HTTP endpoint, with autocannon; prints one JSON line.
//
// Each of the N connections is its own MCP client: it gets its own session (initialize +
// notifications/initialized, done before the clock starts) and then sends the same JSON-RPC
// request over and over on a keep-alive connection, one at a time. A response counts as good
// only when it is HTTP 200 and carries a JSON-RPC `result` that is not a tool error; anything
// else is counted (non2xx, errors, timeouts, mismatches) and reported.
//
// Usage: node load.mjs --tools .tools/http-load --url URL --request tools-list|status|testkit [--connections 32]
//        [--duration 10] [--token TOKEN]      (benches/http_load.py runs it)

import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    tools: { type: 'string' },
    url: { type: 'string' },
    request: { type: 'string', default: 'tools-list' },
    connections: { type: 'string', default: '32' },
    duration: { type: 'string', default: '10' },
    token: { type: 'string' },
  },
});
// autocannon is installed in .tools/http-load (git-ignored), not beside this file.
const autocannon = createRequire(`${args.tools}/package.json`)('autocannon');
const connections = Number(args.connections);
const PROTOCOL = '2025-06-18';

const REQUESTS = {
  'tools-list': { jsonrpc: '2.0', id: 1, method: 'tools/list' },
  status: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'aws_sso_status', arguments: {} } },
  testkit: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'testkit_slow', arguments: { steps: 1, stepMs: 1 } } },
};
const request = REQUESTS[args.request];
if (!request) throw new Error(`unknown --request ${args.request}`);

const baseHeaders = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  ...(args.token ? { authorization: `Bearer ${args.token}` } : {}),
};

async function post(body, sessionId) {
  const headers = { ...baseHeaders };
  if (sessionId) {
    headers['mcp-session-id'] = sessionId;
    headers['mcp-protocol-version'] = PROTOCOL;
  }
  const response = await fetch(args.url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${body.method}: HTTP ${response.status}: ${text}`);
  return { response, text };
}

async function openSession(i) {
  const { response } = await post({
    jsonrpc: '2.0', id: 0, method: 'initialize',
    params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: `load-${i}`, version: '1' } },
  });
  const sessionId = response.headers.get('mcp-session-id');
  if (!sessionId) throw new Error('initialize returned no mcp-session-id');
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, sessionId);
  // One request by hand first: the benchmark must measure answers, not errors.
  const { text } = await post(request, sessionId);
  if (!isGood(text)) throw new Error(`the request fails before the run: ${text.slice(0, 500)}`);
  return sessionId;
}

// The body is an SSE stream (a priming event, then one `data:` line with the JSON-RPC answer).
function isGood(body) {
  const line = body.split('\n').find((l) => l.startsWith('data: {'));
  if (!line) return false;
  const message = JSON.parse(line.slice('data: '.length));
  return message.id === 1 && message.result !== undefined && message.result.isError !== true;
}

const sessions = await Promise.all(Array.from({ length: connections }, (_, i) => openSession(i)));
let next = 0;
const cpuBefore = process.cpuUsage();
const result = await autocannon({
  url: args.url,
  connections,
  duration: Number(args.duration),
  method: 'POST',
  headers: baseHeaders,
  body: JSON.stringify(request),
  setupClient(client) {
    client.setHeaders({ ...baseHeaders, 'mcp-session-id': sessions[next++ % sessions.length], 'mcp-protocol-version': PROTOCOL });
  },
  verifyBody: isGood,
});
const cpu = process.cpuUsage(cpuBefore);
await Promise.all(sessions.map((id) =>
  fetch(args.url, { method: 'DELETE', headers: { ...baseHeaders, 'mcp-session-id': id, 'mcp-protocol-version': PROTOCOL } })));

console.log(JSON.stringify({
  request: args.request,
  connections,
  sessions: new Set(sessions).size,
  durationS: result.duration,
  requests: result.requests.total,
  rps: result.requests.average,
  latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
  errors: result.errors,
  timeouts: result.timeouts,
  non2xx: result.non2xx,
  mismatches: result.mismatches,
  statusCodes: result.statusCodeStats,
  clientCpuS: (cpu.user + cpu.system) / 1e6,
}));
