/** Child processes of the benchmarks: the simulator, the appliance target, a peer gateway. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** A started child: its first stdout line (what it announced) and how to stop it. */
export interface Child {
  process: ChildProcess;
  line: string;
  stop(): Promise<void>;
}

/** Every child still running; killed if this process exits first (an error, Ctrl-C). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(1));

/** Starts `node <args>` and resolves with its first line on stdout. */
export function spawnNode(args: string[], name: string): Promise<Child> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((ok, ko) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const newline = out.indexOf('\n');
      if (newline < 0) return;
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      ok({ process: child, line: out.slice(0, newline).trim(), stop });
    };
    child.stdout?.on('data', onData);
    child.once('error', ko);
    child.once('exit', (code) => ko(new Error(`${name} exited (${code}) before it was ready`)));
  });
}

/** Starts a TypeScript entry point with tsx (extra node flags first, e.g. `--cpu-prof`). */
export const spawnTs = (entry: string, argv: string[], name: string, nodeFlags: string[] = []) =>
  spawnNode([...nodeFlags, '--import', 'tsx', entry, ...argv], name);

export const freePort = () =>
  new Promise<number>((ok) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });

/** Resolves once `url` answers at all (any status), or rejects after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The peer gateway, pinned, installed on first use into the git-ignored `.bench/peers`. */
export const PORTKEY = { name: '@portkey-ai/gateway', version: '1.15.2' };
const ROOT = resolve(import.meta.dirname, '../..');
const PEERS = join(ROOT, '.bench', 'peers');
const PORTKEY_DIR = join(PEERS, 'node_modules', ...PORTKEY.name.split('/'));

/** Installs the pinned Portkey gateway unless it is there already; false when npm cannot. */
export async function installPortkey(log: (line: string) => void): Promise<boolean> {
  const manifest = join(PORTKEY_DIR, 'package.json');
  if (existsSync(manifest)) {
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    if (version === PORTKEY.version) return true;
  }
  log(`installing ${PORTKEY.name}@${PORTKEY.version} into .bench/peers (not a project dependency)`);
  const npm = spawn(
    'npm',
    ['install', '--prefix', PEERS, '--save-exact', '--no-audit', '--no-fund', '--ignore-scripts'].concat(
      `${PORTKEY.name}@${PORTKEY.version}`,
    ),
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const code = await new Promise<number | null>((ok) => npm.once('exit', ok));
  return code === 0 && existsSync(manifest);
}

/** Starts Portkey's Node server on a free port (headless: no console UI); resolves with its URL. */
export async function startPortkey(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(PORTKEY_DIR, 'build', 'start-server.js'), `--port=${port}`, '--headless'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  running.add(child);
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url, 30_000);
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
