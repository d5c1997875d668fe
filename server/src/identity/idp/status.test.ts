import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPair } from '../../../test/identity/saml-idp.js';
import { certificateStatus, EXPIRY_WARNING_DAYS } from './status.js';

const DAY = 86_400_000;

test('a certificate is ok, expiring within the warning window, expired or not yet valid', () => {
  const { cert: pem } = generateKeyPair('idp-signing');
  const now = certificateStatus(pem);
  assert.equal(now.state, 'ok');
  assert.equal(now.subject, 'CN=idp-signing');
  assert.match(now.fingerprint_sha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.ok(now.days_left >= 3649 && now.days_left <= 3650);
  const validTo = Date.parse(now.valid_to);
  const soon = certificateStatus(pem, validTo - (EXPIRY_WARNING_DAYS - 1) * DAY);
  assert.deepEqual([soon.state, soon.days_left], ['expiring', EXPIRY_WARNING_DAYS - 1]);
  assert.equal(certificateStatus(pem, validTo - (EXPIRY_WARNING_DAYS + 1) * DAY).state, 'ok');
  const gone = certificateStatus(pem, validTo + DAY);
  assert.equal(gone.state, 'expired');
  assert.ok(gone.days_left < 0);
  assert.equal(certificateStatus(pem, Date.parse(now.valid_from) - DAY).state, 'not_yet_valid');
});
