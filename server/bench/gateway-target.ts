/**
 * The appliance as the gateway benchmark measures it, in its own process: the real `startAppliance`
 * (through the tests' `startTestAppliance`) on a fresh database, with the simulators as backends, finite default quotas (requests and tokens
 * per minute, day and month, concurrent streams) for the user and the API key, usage recording, and
 * receipts committed to PostgreSQL. A local admin signs in with a one-time bootstrap link and creates
 * an API key through the API, as a person would. Prints one JSON line `{ url, apiKey }`, then serves
 * until SIGTERM. Logs go, as JSON lines written asynchronously, to /dev/null.
 *
 * `node --import tsx server/bench/gateway-target.ts '<json: { backends, streamModel }>'`; run with
 * `--cpu-prof` to profile the appliance under load (BENCH_PROFILE=1 in `bench:gateway`).
 */
import { pino } from 'pino';
import { createAuditModule } from '../src/audit/index.js';
import { createAuditLogAppender } from '../src/evidence/index.js';
import { issueBootstrapToken } from '../src/identity/local/bootstrap.js';
import { createLogger } from '../src/platform/logger.js';
import { startTestAppliance } from '../test/support/appliance.js';

const { backends } = JSON.parse(process.argv[2] ?? '{}') as { backends: unknown[] };

// Limits high enough for a benchmark run but enforced: every request takes from the shared windows.
const LIMITS = {
  REQUESTS_PER_MINUTE: '100000000',
  TOKENS_PER_MINUTE: '100000000000',
  TOKENS_PER_DAY: '1000000000000',
  TOKENS_PER_MONTH: '10000000000000',
  MAX_CONCURRENT_STREAMS: '5000',
};
const limitEnv = Object.fromEntries(
  ['USER', 'API_KEY'].flatMap((subject) =>
    Object.entries(LIMITS).map(([k, v]) => [`AILA_GATEWAY_LIMITS_DEFAULTS_${subject}_${k}`, v]),
  ),
);

const log = createLogger({
  level: 'info',
  destination: pino.destination({ dest: '/dev/null', sync: false }),
});
const appliance = await startTestAppliance(
  { AILA_GATEWAY_BACKENDS: JSON.stringify(backends), ...limitEnv },
  { log },
);

/** Signs in with a bootstrap link and creates a `gateway` API key through the API. */
async function createApiKey(): Promise<string> {
  const audit = (await createAuditModule({ db: appliance.db, appender: createAuditLogAppender() })).service;
  const { token } = await issueBootstrapToken(appliance.db, audit, {});
  const signIn = await fetch(`${appliance.url}/auth/bootstrap?token=${token}`, { redirect: 'manual' });
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const me = (await (await fetch(`${appliance.url}/api/v1/me`, { headers: { cookie } })).json()) as {
    csrf_token: string;
  };
  const created = await fetch(`${appliance.url}/api/v1/me/keys`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': me.csrf_token, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'benchmark', scopes: ['gateway'] }),
  });
  if (created.status !== 201) throw new Error(`creating the API key: HTTP ${created.status}`);
  return ((await created.json()) as { secret: string }).secret;
}

const apiKey = await createApiKey();
process.stdout.write(`${JSON.stringify({ url: appliance.url, apiKey })}\n`);
process.once('SIGTERM', async () => {
  await appliance.stop();
  process.exit(0);
});
