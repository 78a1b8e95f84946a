// Self time of a V8 .cpuprofile (node --cpu-prof) by category: where a request's CPU goes.
// Usage: node bench/profile-summary.mjs <file.cpuprofile> [top N functions, default 15] [last seconds only]
// (the last argument leaves out start-up: e.g. 40 = the 40 s before the profile ended, i.e. the load).
import { readFileSync } from 'node:fs';

const [file, topArg, lastArg] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/profile-summary.mjs <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8'));
const CATEGORIES = [
  ['idle', (u, f) => f === '(idle)'],
  ['gc', (u, f) => f === '(garbage collector)'],
  ['prisma client/engine', (u) => /@prisma|generated\/prisma|prisma-client|query_compiler|query-compiler/.test(u)],
  ['pg driver', (u) => /node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-)/.test(u)],
  [
    'validation (class-validator/transformer)',
    (u) => /class-validator|class-transformer|libphonenumber|validator\//.test(u),
  ],
  ['logging (pino)', (u) => /pino|sonic-boom|fast-redact|nestjs-pino/.test(u)],
  ['jwt', (u) => /jsonwebtoken|jws|jwa|@nestjs\/jwt/.test(u)],
  ['nest core', (u) => /@nestjs\//.test(u)],
  [
    'express/http middleware',
    (u) => /express|body-parser|router|helmet|compression|on-finished|raw-body|qs\/|send\/|finalhandler|cors/.test(u),
  ],
  ['test client (supertest)', (u) => /supertest|superagent|formidable/.test(u)],
  ['bullmq/ioredis', (u) => /bullmq|ioredis/.test(u)],
  ['nixflow core', (u) => /packages\/core\//.test(u)],
  ['nixflow backend', (u) => /backend\/dist\/src\//.test(u)],
  ['other node_modules', (u) => /node_modules/.test(u)],
  ['node internals', (u) => u.startsWith('node:') || /^internal\//.test(u)],
  ['program/native', () => true],
];
const total = new Map();
const fns = new Map();
const dt = new Map();
const ids = profile.samples;
const from = lastArg ? profile.endTime - Number(lastArg) * 1e6 : -Infinity;
let at = profile.startTime;
for (let i = 0; i < ids.length; i++) {
  at += profile.timeDeltas[i] ?? 0;
  if (at >= from) dt.set(ids[i], (dt.get(ids[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
let all = 0;
for (const node of profile.nodes) {
  const t = dt.get(node.id) ?? 0;
  if (!t) continue;
  const { url, functionName } = node.callFrame;
  const [cat] = CATEGORIES.find(([, test]) => test(url, functionName));
  total.set(cat, (total.get(cat) ?? 0) + t);
  if (cat !== 'idle') all += t;
  const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(backend|packages|worker)\//, '$1/')}:${node.callFrame.lineNumber}`;
  fns.set(key, (fns.get(key) ?? 0) + t);
}
console.log(`busy ${(all / 1000).toFixed(0)} ms (idle ${((total.get('idle') ?? 0) / 1000).toFixed(0)} ms)`);
for (const [cat, t] of [...total].filter(([c]) => c !== 'idle').sort((a, b) => b[1] - a[1])) {
  console.log(`${((100 * t) / all).toFixed(1).padStart(5)} %  ${cat}`);
}
console.log('\ntop functions (self time):');
for (const [k, t] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 15))) {
  console.log(`${((100 * t) / all).toFixed(1).padStart(5)} %  ${k}`);
}
