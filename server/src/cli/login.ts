import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The client id of the CLI at the appliance's device authorization endpoint (RFC 8628 §3.1). */
const CLIENT_ID = 'aila-cli';
const DEVICE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 §3.2: without an interval, clients wait 5 seconds between polls. */
const DEFAULT_INTERVAL_S = 5;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Options of {@link login}. */
export interface LoginOptions {
  /** The appliance, e.g. https://ai-la.example.com. */
  url: string;
  /** API key scopes to ask for (the appliance grants those the approving user may hold). */
  scopes?: string[];
  /** Directory of credentials.json; default ~/.config/aila. */
  configDir?: string;
  /** Where instructions go (default: stderr, so stdout stays clean). */
  print?: (line: string) => void;
  /** Waits between polls (tests shorten nothing: the appliance's interval is honoured). */
  wait?: (ms: number) => Promise<void>;
}

/** What a successful {@link login} stored. */
export interface LoginResult {
  credentialsPath: string;
  scopes: string[];
  expiresAt: Date;
}

/** credentials.json: one API key per appliance origin. */
interface Credentials {
  version: 1;
  appliances: Record<string, { api_key: string; scopes: string[]; created_at: string; expires_at: string }>;
}

/** The default credentials directory: ~/.config/aila. */
export const defaultConfigDir = () => join(homedir(), '.config', 'aila');

function applianceUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--url ${raw} is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new Error('--url must be https:// (http:// only for localhost): the API key would cross in clear');
  }
  return url;
}

async function post(url: URL, path: string, form: Record<string, string>) {
  const res = await fetch(new URL(path, url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: res.status, body };
}

/** Writes the credentials file atomically, readable by its owner only (mode 0600, directory 0700). */
async function store(path: string, origin: string, entry: Credentials['appliances'][string]): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  let credentials: Credentials = { version: 1, appliances: {} };
  try {
    const existing = JSON.parse(await readFile(path, 'utf8')) as Partial<Credentials>;
    if (existing.version === 1 && existing.appliances) credentials = existing as Credentials;
  } catch {
    // No file yet, or an unreadable one: start over.
  }
  credentials.appliances[origin] = entry;
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
  await chmod(path, 0o600);
}

/**
 * `aila login`: the OAuth 2.0 device authorization grant (RFC 8628) against the appliance. Asks for a
 * device code, shows the verification URL and user code, polls the token endpoint at the interval the
 * appliance sets (slowing down when told, §3.5) and stores the API key it receives.
 */
export async function login(options: LoginOptions): Promise<LoginResult> {
  const url = applianceUrl(options.url);
  const print = options.print ?? ((line: string) => process.stderr.write(`${line}\n`));
  const wait = options.wait ?? ((ms: number) => sleep(ms));
  const scope = (options.scopes ?? ['gateway', 'assistant']).join(' ');
  const started = await post(url, '/auth/device/code', { client_id: CLIENT_ID, scope });
  if (started.status !== 200 || typeof started.body.device_code !== 'string') {
    throw new Error(
      `the appliance refused the sign-in: ${String(started.body.error_description ?? started.status)}`,
    );
  }
  const { device_code, user_code, verification_uri, verification_uri_complete } = started.body as Record<
    string,
    string
  >;
  print(`To sign in, open ${verification_uri} and enter the code ${user_code}`);
  if (verification_uri_complete) print(`(or open ${verification_uri_complete})`);
  print('Waiting for approval...');

  let interval = Number(started.body.interval ?? DEFAULT_INTERVAL_S);
  const deadline = Date.now() + Number(started.body.expires_in ?? 600) * 1000;
  while (Date.now() < deadline) {
    await wait(interval * 1000);
    const polled = await post(url, '/auth/device/token', {
      grant_type: DEVICE_GRANT_TYPE,
      device_code: device_code as string,
      client_id: CLIENT_ID,
    });
    if (polled.status === 200 && typeof polled.body.access_token === 'string') {
      const scopes = String(polled.body.scope ?? '')
        .split(' ')
        .filter(Boolean);
      const expiresAt = new Date(Date.now() + Number(polled.body.expires_in ?? 0) * 1000);
      const credentialsPath = join(options.configDir ?? defaultConfigDir(), 'credentials.json');
      await store(credentialsPath, url.origin, {
        api_key: polled.body.access_token,
        scopes,
        created_at: new Date().toISOString(),
        expires_at: expiresAt.toISOString(),
      });
      return { credentialsPath, scopes, expiresAt };
    }
    const error = String(polled.body.error ?? `HTTP ${polled.status}`);
    if (error === 'authorization_pending') continue;
    if (error === 'slow_down') {
      interval += 5;
      continue;
    }
    if (error === 'access_denied') throw new Error('the sign-in was denied');
    if (error === 'expired_token') break;
    throw new Error(`the appliance refused the sign-in: ${String(polled.body.error_description ?? error)}`);
  }
  throw new Error('the code expired before it was approved; run aila login again');
}

/** The `aila login --url <appliance> [--scope "<scopes>"]` command. */
export async function loginCommand(opts: { url: string; scope?: string }): Promise<void> {
  try {
    const result = await login({
      url: opts.url,
      ...(opts.scope ? { scopes: opts.scope.split(/\s+/).filter(Boolean) } : {}),
    });
    process.stderr.write(
      `Signed in. API key (${result.scopes.join(', ')}) saved to ${result.credentialsPath}, valid until ${result.expiresAt.toISOString()}.\n`,
    );
  } catch (err) {
    process.stderr.write(`aila: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
