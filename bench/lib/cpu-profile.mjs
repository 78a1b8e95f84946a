// Preloaded into the API by `BENCH_API_CPU_PROF=<dir>` (bench/lib/common.mjs startNode): profiles the whole
// process life and writes <dir>/api-<pid>.cpuprofile on SIGTERM, before Nest's shutdown hooks run
// (`node --cpu-prof` would lose the profile, as Nest re-raises the signal). Summarise with
// `node bench/profile-summary.mjs <file>`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_API_CPU_PROF;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.prependOnceListener('SIGTERM', () => {
    // Same-thread inspector sessions answer synchronously: the file is written before the hooks run.
    session.post('Profiler.stop', (err, res) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `api-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
