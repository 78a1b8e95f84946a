// Cost of stripping quoted replies from hostile input (issue #13 item 3): node bench/quoted-reply.mjs
import { stripQuotedReply } from '../packages/core/dist/src/index.js';

const unit = '> quoted\n';
for (const bytes of [10 * 1024, 35 * 1024, 1024 * 1024]) {
  const text = unit.repeat(Math.ceil(bytes / unit.length)) + 'not a quote';
  stripQuotedReply(text); // warm-up
  const runs = 20;
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) stripQuotedReply(text);
  const ms = Number(process.hrtime.bigint() - started) / 1e6 / runs;
  console.log(`stripQuotedReply ${Math.round(bytes / 1024)} KB pathological: ${ms.toFixed(2)} ms per call`);
}
