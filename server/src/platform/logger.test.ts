import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from './logger.js';

test('secrets are redacted wherever they appear in a logged object', async () => {
  let out = '';
  const destination = new Writable({
    write(chunk: Buffer, _e, done) {
      out += chunk.toString();
      done();
    },
  });
  const log = createLogger({ level: 'info', destination, redact: ['custom.field'] });
  log.info(
    {
      req: { headers: { authorization: 'Bearer aila_k1', cookie: 'session=s1', 'x-api-key': 'k2' } },
      res: { headers: { 'set-cookie': 'session=s2' } },
      body: { code: 'oauth-code', SAMLResponse: 'PHNhbWw+' },
      user: { password: 'p1', apiKey: 'k3', clientSecret: 'c1' },
      custom: { field: 'f1' },
      visible: 'kept',
    },
    'test line',
  );
  await new Promise((r) => setImmediate(r));
  const line = JSON.parse(out) as Record<string, unknown>;
  assert.equal(line.visible, 'kept');
  assert.equal(line.level, 'info');
  for (const secret of [
    'aila_k1',
    'session=s1',
    'k2',
    'session=s2',
    'oauth-code',
    'PHNhbWw+',
    'p1',
    'k3',
    'c1',
    'f1',
  ]) {
    assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
  }
});
