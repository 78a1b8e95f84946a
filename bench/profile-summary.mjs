// Where a request's CPU goes, from a V8 .cpuprofile (BENCH_API_CPU_PROF, or node --cpu-prof).
// Usage: node bench/profile-summary.mjs <file.cpuprofile> [top N functions, default 25] [last seconds only]
// (the last argument leaves out start-up: e.g. 25 = the 25 s before the profile ended, i.e. the load).
// Buckets charge a sample to the nearest frame that names a package: node internals and native code
// (crypto, socket writes, JSON) count for whoever called them, e.g. createPublicKey under jsonwebtoken is auth.
import { readFileSync } from 'node:fs';

const BUCKETS = [
  ['prisma/pg', (u) => /@prisma|generated\/prisma|prisma-client|query_compiler|query-compiler/.test(u)],
  ['prisma/pg', (u) => /node_modules\/(pg|pg-protocol|pg-pool|pg-types|pg-cloudflare|postgres-)\//.test(u)],
  [
    'validation (class-validator/transformer)',
    (u) => /class-validator|class-transformer|libphonenumber|validator\//.test(u),
  ],
  [
    'logging (pino)',
    (u) => /pino|sonic-boom|fast-redact|@pinojs|nestjs-pino|src\/common\/(logger|request-log)\.js/.test(u),
  ],
  ['auth/JWT', (u) => /jsonwebtoken|\/jws\/|\/jwa\/|@nestjs\/jwt|backend\/dist\/src\/auth\//.test(u)],
  ['JSON', (u, f) => f === 'stringify' || (f === 'parse' && /body-parser|express/.test(u))],
  ['nest core (router, guards, pipes, interceptors)', (u) => /@nestjs\/|rxjs|reflect-metadata/.test(u)],
  [
    'express/http middleware',
    (u) =>
      /express|body-parser|router\/|helmet|compression|on-finished|raw-body|\/qs\/|\/send\/|finalhandler|cors|path-to-regexp|type-is|content-type|iconv-lite|\/depd\//.test(
        u,
      ),
  ],
  ['bullmq/ioredis', (u) => /bullmq|ioredis/.test(u)],
  ['our services (backend, packages)', (u) => /(backend|packages|worker)\/dist\//.test(u) && !/node_modules/.test(u)],
  ['other node_modules', (u) => /node_modules/.test(u)],
];
const bucketOf = (url, fn) => BUCKETS.find(([, test]) => test(url, fn))?.[0];

const [file, topArg, lastArg] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/profile-summary.mjs <file.cpuprofile> [top] [last seconds]');
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Self time per node id (µs), only samples inside the window.
const self = new Map();
const from = lastArg ? profile.endTime - Number(lastArg) * 1e6 : -Infinity;
let at = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  const d = profile.timeDeltas[i] ?? 0;
  at += d;
  if (at >= from) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + d);
}

function bucketFor(id) {
  const { url, functionName } = nodes.get(id).callFrame;
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'program (V8, unattributed)';
  for (let n = id; n !== undefined; n = parent.get(n)) {
    const frame = nodes.get(n).callFrame;
    const b = bucketOf(frame.url, frame.functionName);
    if (b) return b;
  }
  return url ? 'node internals (no package caller)' : 'native (no package caller)';
}

const buckets = new Map();
const fns = new Map();
let busy = 0;
for (const [id, t] of self) {
  const bucket = bucketFor(id);
  buckets.set(bucket, (buckets.get(bucket) ?? 0) + t);
  if (bucket === 'idle') continue;
  busy += t;
  const { url, functionName, lineNumber } = nodes.get(id).callFrame;
  const where = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(backend|packages|worker)\//, '$1/');
  const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + t);
}
const pct = (t) => `${((100 * t) / busy).toFixed(1).padStart(5)} %`;
console.log(`busy ${(busy / 1000).toFixed(0)} ms (idle ${((buckets.get('idle') ?? 0) / 1000).toFixed(0)} ms)\n`);
console.log('by bucket (self time, charged to the nearest package frame):');
for (const [b, t] of [...buckets].filter(([b]) => b !== 'idle').sort((x, y) => y[1] - x[1])) {
  console.log(`${pct(t)}  ${b}`);
}
console.log(`\ntop ${Number(topArg ?? 25)} functions (self time):`);
for (const [k, t] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25))) {
  console.log(`${pct(t)}  ${k}`);
}
