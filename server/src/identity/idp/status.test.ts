import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { certificateStatus, EXPIRY_WARNING_DAYS } from './status.js';

const DAY = 86_400_000;

function certificate(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aila-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '365',
      ].concat([
        '-subj',
        '/CN=idp-signing/O=Example Bank',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ]),
      { stdio: 'ignore' },
    );
    return readFileSync(join(dir, 'cert.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a certificate is ok, expiring within the warning window, expired or not yet valid', () => {
  const pem = certificate();
  const now = certificateStatus(pem);
  assert.equal(now.state, 'ok');
  assert.equal(now.subject, 'CN=idp-signing, O=Example Bank');
  assert.match(now.fingerprint_sha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.ok(now.days_left >= 364 && now.days_left <= 365);
  const validTo = Date.parse(now.valid_to);
  const soon = certificateStatus(pem, validTo - (EXPIRY_WARNING_DAYS - 1) * DAY);
  assert.deepEqual([soon.state, soon.days_left], ['expiring', EXPIRY_WARNING_DAYS - 1]);
  assert.equal(certificateStatus(pem, validTo - (EXPIRY_WARNING_DAYS + 1) * DAY).state, 'ok');
  const gone = certificateStatus(pem, validTo + DAY);
  assert.equal(gone.state, 'expired');
  assert.ok(gone.days_left < 0);
  assert.equal(certificateStatus(pem, Date.parse(now.valid_from) - DAY).state, 'not_yet_valid');
});
