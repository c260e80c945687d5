/**
 * A bot as a real child process (`node --import tsx src/main.ts`, what `npm start` runs) on 127.0.0.1, on the test
 * run's store (the SQLite file in `dataDir`, or with TEST_STORE=cosmos the shared Cosmos test server), for the
 * stories about signals and starts: SIGTERM during a deploy, a store that is not there yet.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { SECRET, storeEnv } from './harness';

const ROOT = path.resolve(__dirname, '../..');
const STARTUP_MS = 20_000;

export interface BotProcess {
  child: ChildProcess;
  url: string;
  /** The exit code (null when a signal ended it) and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The process's stdout and stderr so far (its JSON log lines). */
  output: () => string;
}

/** A port nobody listens on right now: listen on 0, read it, close. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts the bot on `dataDir` and resolves once `until` (default /api/ready) answers 200. */
export async function startBotProcess(
  dataDir: string,
  opts: { env?: Record<string, string>; until?: '/api/health' | '/api/ready' } = {},
): Promise<BotProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LEAD_WEBHOOK_SECRET: SECRET,
      LOG_LEVEL: 'info',
      MicrosoftAppId: '',
      COSMOS_ENDPOINT: '',
      NODE_ENV: 'development',
      ...(await storeEnv(dataDir)),
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout?.on('data', (d) => chunks.push(String(d)));
  child.stderr?.on('data', (d) => chunks.push(String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const bot: BotProcess = { child, url: `http://127.0.0.1:${port}`, exited, output: () => chunks.join('') };

  const until = opts.until ?? '/api/ready';
  const deadline = Date.now() + STARTUP_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the bot exited while starting:\n${bot.output().slice(-2000)}`);
    try {
      if ((await fetch(`${bot.url}${until}`)).status === 200) return bot;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`no 200 from ${until} within ${STARTUP_MS} ms:\n${bot.output().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends `signal` unless the process has ended, and waits for its exit. */
export async function signalBot(bot: BotProcess, signal: NodeJS.Signals): Promise<void> {
  if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill(signal);
  await bot.exited;
}
