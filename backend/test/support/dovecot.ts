import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// A throw-away Dovecot IMAP server (Debian package dovecot-imapd) for the IMAP tests: its own config,
// random port, plain-text login from a passwd-file, maildirs in a temp directory.

const DOVECOT_CANDIDATES = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'];

export function findDovecot(): string | null {
  for (const p of DOVECOT_CANDIDATES) if (fs.existsSync(p)) return p;
  const which = spawnSync('sh', ['-c', 'command -v dovecot'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : null;
}

export interface Dovecot {
  port: number;
  user: string;
  password: string;
  stop(): Promise<void>;
  log(): string;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

function ids(name: string): { uid: number; gid: number } | null {
  const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  return r.status === 0 && g.status === 0 ? { uid: Number(r.stdout), gid: Number(g.stdout) } : null;
}

export async function startDovecot(binary: string, user: string, password: string): Promise<Dovecot> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-dovecot-'));
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const isRoot = process.getuid?.() === 0;
  // As root, Dovecot runs its login/internal processes as its own users and mail as "dovecot";
  // otherwise everything runs as the current user.
  const me = os.userInfo().username;
  const mailIds = isRoot
    ? (ids('dovecot') ?? { uid: 65534, gid: 65534 })
    : { uid: process.getuid!(), gid: process.getgid!() };
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  fs.chownSync(home, mailIds.uid, mailIds.gid);
  fs.writeFileSync(path.join(dir, 'users'), `${user}:{PLAIN}${password}::::::\n`);
  const conf = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${isRoot ? 'dovecot' : me}
default_internal_group = ${isRoot ? 'dovecot' : os.userInfo().username}
default_login_user = ${isRoot ? 'dovenull' : me}
first_valid_uid = ${mailIds.uid}
last_valid_uid = ${mailIds.uid}
first_valid_gid = ${mailIds.gid}
mail_location = maildir:${home}/%u/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${mailIds.uid} gid=${mailIds.gid} home=${home}/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`;
  fs.writeFileSync(path.join(dir, 'dovecot.conf'), conf);
  const child: ChildProcess = spawn(binary, ['-F', '-c', path.join(dir, 'dovecot.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const log = () => {
    let file = '';
    try {
      file = fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8');
    } catch {
      /* not written yet */
    }
    return `${out}\n${file}`;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot exited (${child.exitCode}):\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('data', (b) => {
        s.destroy();
        resolve(b.toString().startsWith('* OK'));
      });
      s.once('error', () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`dovecot did not start listening on ${port}:\n${log()}`);
    }
    await sleep(100);
  }
  return {
    port,
    user,
    password,
    log,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
