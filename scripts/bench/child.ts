/**
 * The bot as a real child process for the store sections: `node --import tsx src/main.ts` on 127.0.0.1 in anonymous
 * local mode (no MicrosoftAppId), default JOB_INTERVAL, its own DATA_DIR. A store is only as durable as what is on
 * disk when the process dies, and its start time and memory only show in a process of its own, so these sections
 * cannot use the in-process bot.
 *
 * Children are stopped by PID only: each one is registered in the section's cleanups when spawned, and a process
 * 'exit' hook SIGKILLs any still alive if the bench itself ends some other way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LocalTeams } from '../../test/support/localTeams';
import { sleep } from './support';

const REPO = path.resolve(__dirname, '..', '..');
const CHILD_SECRET = 'bench-child-webhook-secret-0123456789';

const alive = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of alive) {
    try {
      if (c.pid) process.kill(c.pid, 'SIGKILL');
    } catch {
      /* gone already */
    }
  }
});

/** A port nobody listens on right now (the OS picks it; closed again before the child binds it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export interface ChildBot {
  pid: number;
  url: string;
  leadsUrl: string;
  /** performance.now() at spawn. */
  spawnedAt: number;
  /** Set once the process has exited (code or signal). */
  exit?: string;
  /** The last lines the child wrote (stdout and stderr), for a failure message. */
  tail(): string;
  /**
   * Polls /api/health (each request bounded to 2 s) until 200, the child exits or `timeoutMs` passes.
   * Returns ms from spawn to the first 200, or undefined.
   */
  healthy(timeoutMs: number): Promise<number | undefined>;
  /** Sends `signal` by PID and waits (bounded, 10 s) for the exit; SIGKILL after that. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** From the child's 'card posted' log lines: how long recording each posted card's activity id took (the crash window). */
  recordMs: number[];
  /** VmRSS and VmHWM (peak) of the child in MiB, from /proc/<pid>/status. */
  memory(): { rssMiB?: number; peakMiB?: number };
}

export function spawnBot(opts: {
  dataDir: string;
  port: number;
  cleanups: (() => Promise<void>)[];
  /** More settings for the child (e.g. short SLAs for the soak). */
  env?: Record<string, string>;
}): ChildBot {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    PORT: String(opts.port),
    HOST: '127.0.0.1',
    DATA_DIR: opts.dataDir,
    LEAD_WEBHOOK_SECRET: CHILD_SECRET,
    // info: the outbox's 'card posted' lines carry recordMs, the crash window measured in the bot itself.
    LOG_LEVEL: 'info',
    ...opts.env,
  };
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (!child.pid) throw new Error('the bot child process did not start');
  alive.add(child);
  const pid = child.pid;
  // Always drained: a full pipe would block the child's writes (and its event loop with them).
  const lines: string[] = [];
  const recordMs: number[] = [];
  const keep = (chunk: Buffer) => {
    const fresh = chunk.toString('utf8').split('\n').filter(Boolean);
    for (const l of fresh) {
      const m = l.includes('"card posted"') ? /"recordMs":([\d.]+)/.exec(l) : null;
      if (m) recordMs.push(Number(m[1]));
    }
    lines.push(...fresh.filter((l) => !l.startsWith('{"level":30')));
    if (lines.length > 20) lines.splice(0, lines.length - 20);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      alive.delete(child);
      bot.exit = signal ? `signal ${signal}` : `code ${code}`;
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${opts.port}`;
  const bot: ChildBot = {
    pid,
    url,
    leadsUrl: `${url}/api/leads?code=${encodeURIComponent(CHILD_SECRET)}`,
    spawnedAt,
    recordMs,
    tail: () =>
      lines
        .filter((l) => !l.includes('DEP0111') && !l.includes('--trace-deprecation'))
        .slice(-5)
        .join(' | '),
    async healthy(timeoutMs) {
      const end = performance.now() + timeoutMs;
      while (performance.now() < end && !bot.exit) {
        try {
          const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
          await res.text();
          if (res.status === 200) return performance.now() - spawnedAt;
        } catch {
          /* not listening yet */
        }
        await sleep(100);
      }
      return undefined;
    },
    async stop(signal = 'SIGKILL') {
      if (bot.exit) return;
      try {
        process.kill(pid, signal);
      } catch {
        return;
      }
      await Promise.race([exited, sleep(10_000)]);
      if (!bot.exit) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
        await Promise.race([exited, sleep(5_000)]);
      }
    },
    memory() {
      try {
        const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
        const kb = (field: string) =>
          Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1]) || undefined;
        const mib = (v?: number) => (v === undefined ? undefined : v / 1024);
        return { rssMiB: mib(kb('VmRSS')), peakMiB: mib(kb('VmHWM')) };
      } catch {
        return {};
      }
    },
  };
  opts.cleanups.push(() => bot.stop('SIGKILL'));
  return bot;
}

/** Installs the app in LocalTeams' team the way Teams does (see test/support/harness.ts `install`). */
export async function installIn(bot: ChildBot, teams: LocalTeams, timeoutMs = 30_000): Promise<void> {
  for (const a of teams.installActivities()) {
    const res = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(a),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.text();
    if (res.status >= 300) throw new Error(`install activity answered ${res.status}`);
  }
}
