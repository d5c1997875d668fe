/**
 * Ed25519 signatures per second: a local key against Vault Transit (the Vault-API-compatible test
 * server, in this process, over loopback HTTP), in one run with the same messages and concurrency.
 * `npm run bench:transit`; BENCH_SIGNATURES and BENCH_CONCURRENCY
 * change the load.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { type Ed25519Signer, generateKeyPair, localSigner, verify } from '../src/evidence/core/keys.js';
import { TransitSigner } from '../src/secrets/transit-signer.js';
import { VaultClient } from '../src/secrets/vault-client.js';
import { VaultTestServer } from '../test/fixtures/vault/server.js';
import { rootClient } from '../test/fixtures/vault/setup.js';

const SIGNATURES = Number(process.env.BENCH_SIGNATURES ?? 20000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 256);

/** Signs every message with `CONCURRENCY` concurrent callers; returns signatures per second. */
async function measure(signer: Ed25519Signer, messages: Buffer[]): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < messages.length) {
        const message = messages[next++] as Buffer;
        await signer.sign(message);
      }
    }),
  );
  return messages.length / ((performance.now() - started) / 1000);
}

const messages = Array.from({ length: SIGNATURES }, () => randomBytes(256));
const server = await VaultTestServer.start();
try {
  const root = rootClient(server);
  await root.write('sys/mounts/transit', { type: 'transit' });
  await root.write('transit/keys/ai-la-receipts', { type: 'ed25519' });
  const vault = await VaultClient.connect(
    {
      address: server.url,
      auth: { method: 'token', token: server.rootToken, jwtPath: '' },
      refreshIntervalMs: 60000,
      timeoutMs: 30000,
      bootTimeoutMs: 0,
    },
    { log: pino({ level: 'silent' }) },
  );
  const transit = await TransitSigner.open({ vault, mount: 'transit', key: 'ai-la-receipts' });
  const local = localSigner(generateKeyPair());
  // Warm-up (JIT, connection pool), then the measured runs.
  await measure(local, messages.slice(0, 1000));
  await measure(transit, messages.slice(0, 1000));
  const localRate = await measure(local, messages);
  const before = server.requests.length;
  const transitRate = await measure(transit, messages);
  const requests = server.requests.length - before;
  const sample = messages[0] as Buffer;
  if (!verify(transit.publicKey, sample, await transit.sign(sample)))
    throw new Error('transit signature invalid');
  const ratio = localRate / transitRate;
  process.stdout.write(
    `${SIGNATURES} signatures, ${CONCURRENCY} concurrent callers\n` +
      `local ed25519:  ${Math.round(localRate)} signatures/s\n` +
      `vault transit:  ${Math.round(transitRate)} signatures/s (${requests} requests, ${(SIGNATURES / requests).toFixed(1)} signatures per batch)\n` +
      `local/transit:  ${ratio.toFixed(2)}x ${ratio <= 2 ? '(within 2x)' : '(NOT within 2x)'}\n`,
  );
  vault.close();
} finally {
  await server.close();
}
