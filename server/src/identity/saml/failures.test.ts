import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SamlStatusError } from '@node-saml/node-saml';
import { classifySamlError } from './failures.js';
import { XmlError } from './xml.js';

/** node-saml 5's refusal messages and the code and audit reason each becomes. */
const CASES: Array<[string, string, string]> = [
  ['Invalid document signature', 'SAML_SIGNATURE_INVALID', 'signature_invalid'],
  ['Invalid signature', 'SAML_SIGNATURE_INVALID', 'signature_invalid'],
  ['Invalid signature: multiple assertions', 'SAML_SIGNATURE_INVALID', 'signature_wrapping'],
  [
    "Invalid signature: Referenced node does not refer to it's parent element",
    'SAML_SIGNATURE_INVALID',
    'signature_wrapping',
  ],
  ['InResponseTo is not valid', 'SAML_IN_RESPONSE_TO_INVALID', 'in_response_to_invalid'],
  ['InResponseTo is missing from response', 'SAML_IN_RESPONSE_TO_INVALID', 'in_response_to_invalid'],
  ['SAML assertion expired: clocks skewed too much', 'SAML_ASSERTION_EXPIRED', 'assertion_expired'],
  [
    'No valid subject confirmation found among those available in the SAML assertion',
    'SAML_ASSERTION_EXPIRED',
    'assertion_expired',
  ],
  [
    'SAML assertion audience mismatch. Expected: a Received: b',
    'SAML_AUDIENCE_MISMATCH',
    'audience_mismatch',
  ],
  ['Unknown SAML issuer. Expected: a Received: b', 'SAML_ISSUER_MISMATCH', 'issuer_mismatch'],
  ['Missing SAML assertion', 'SAML_RESPONSE_INVALID', 'response_invalid'],
];

describe('SAML error classification', () => {
  for (const [message, code, reason] of CASES) {
    test(message, () => {
      const failure = classifySamlError(new Error(message));
      assert.equal(failure.code, code);
      assert.equal(failure.reason, reason);
    });
  }

  test('IdP status errors, XML errors; database errors are not the message’s fault', () => {
    assert.equal(classifySamlError(new SamlStatusError('Responder', '<Status/>')).reason, 'idp_error');
    assert.equal(classifySamlError(new XmlError('bad')).code, 'SAML_RESPONSE_INVALID');
    const zlib = Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR' });
    assert.equal(classifySamlError(zlib).code, 'SAML_RESPONSE_INVALID');
    const database = Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
    assert.throws(() => classifySamlError(database), /connection refused/);
  });
});
