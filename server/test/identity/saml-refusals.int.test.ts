import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  beginSamlLogin,
  DEVELOPER,
  editResponse,
  postResponse,
  type SamlFixture,
  startSamlFixture,
} from './saml-support.js';
import { Browser, errorCode } from './support.js';

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** Removes every XML signature: the response as an attacker without the IdP key would send it. */
const stripSignatures = (xml: string) => xml.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/g, '');

/** The signed assertion element of a response. */
const assertionOf = (xml: string) => {
  const match = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml);
  if (!match) throw new Error('no assertion');
  return match[0];
};

/** The same assertion made the attacker's: another ID, another subject, no signature. */
const forged = (assertion: string) =>
  stripSignatures(assertion)
    .replace(/ID="[^"]+"/, `ID="_${randomUUID()}"`)
    .replaceAll('dev@example.com', 'mallory@example.com')
    .replace('ai-la-developers', 'ai-la-admins');

describe('SAML: refused responses', () => {
  let fx: SamlFixture;
  before(async () => {
    fx = await startSamlFixture();
  });
  after(() => fx.stop());

  /** Starts a sign-in; the response for it is built by `make` and posted. */
  async function attempt(make: (request: Awaited<ReturnType<typeof beginSamlLogin>>) => Promise<string>) {
    const browser = new Browser(fx.app.url);
    const request = await beginSamlLogin(fx, browser);
    const res = await postResponse(browser, await make(request));
    return { res, browser, code: res.status >= 400 ? await errorCode(res) : undefined };
  }

  async function refused(
    make: (request: Awaited<ReturnType<typeof beginSamlLogin>>) => Promise<string>,
    status: number,
    code: string,
    reason: string,
  ) {
    const before = Number((await fx.app.db('sessions').count({ n: '*' }))[0]?.n);
    const { res, browser, code: got } = await attempt(make);
    assert.equal(res.status, status);
    assert.equal(got, code);
    assert.equal(browser.cookies.has('__Host-aila_session'), false);
    assert.equal(Number((await fx.app.db('sessions').count({ n: '*' }))[0]?.n), before);
    const failure = await fx.app
      .db('audit_events')
      .where({ action: 'auth.login', outcome: 'failure' })
      .orderBy('seq', 'desc')
      .first();
    assert.equal(failure.event.details.method, 'saml');
    assert.equal(failure.event.details.reason, reason);
    // Whatever a forged assertion said, nobody was signed in or created from it.
    assert.equal(await fx.app.db('users').where({ email: 'mallory@example.com' }).first(), undefined);
  }

  test('a response with neither the message nor the assertion signed', async () => {
    await refused(
      async (request) => editResponse(await fx.idp.response(fx.sp, request, DEVELOPER), stripSignatures),
      400,
      'SAML_SIGNATURE_INVALID',
      'signature_invalid',
    );
  });

  test('a response signed with a key the connection does not trust', async () => {
    await refused(
      (request) => fx.idp.response(fx.sp, request, DEVELOPER, { foreignKey: true }),
      400,
      'SAML_SIGNATURE_INVALID',
      'signature_invalid',
    );
  });

  test('an assertion whose attribute was changed after signing', async () => {
    await refused(
      async (request) =>
        editResponse(await fx.idp.response(fx.sp, request, DEVELOPER), (xml) =>
          xml.replace('>ai-la-developers<', '>ai-la-admins<'),
        ),
      400,
      'SAML_SIGNATURE_INVALID',
      'signature_invalid',
    );
  });

  test('signature wrapping: an unsigned assertion injected before the signed one', async () => {
    const inject = (xml: string) => {
      const signed = assertionOf(xml);
      return xml.replace(signed, `${forged(signed)}${signed}`);
    };
    await refused(
      async (request) => editResponse(await fx.idp.response(fx.sp, request, DEVELOPER), inject),
      400,
      'SAML_SIGNATURE_INVALID',
      'signature_invalid',
    );
  });

  test('signature wrapping: the signed assertion moved under Extensions, a forged one in its place', async () => {
    await refused(
      async (request) =>
        editResponse(await fx.idp.response(fx.sp, request, DEVELOPER), (xml) => {
          const signed = assertionOf(xml);
          return xml.replace(signed, `<samlp:Extensions>${signed}</samlp:Extensions>${forged(signed)}`);
        }),
      400,
      'SAML_SIGNATURE_INVALID',
      'signature_invalid',
    );
  });

  test('signature wrapping with the response signature removed: the moved assertion does not count', async () => {
    await refused(
      async (request) =>
        editResponse(await fx.idp.response(fx.sp, request, DEVELOPER), (xml) => {
          const signed = assertionOf(xml);
          const responseSignature =
            /<ds:Signature[\s\S]*?<\/ds:Signature>/.exec(xml.replace(signed, ''))?.[0] ?? '';
          return xml
            .replace(responseSignature, '')
            .replace(signed, `<samlp:Extensions>${signed}</samlp:Extensions>${forged(signed)}`);
        }),
      400,
      'SAML_SIGNATURE_INVALID',
      'signature_invalid',
    );
  });

  test('a replayed assertion', async () => {
    const browser = new Browser(fx.app.url);
    const request = await beginSamlLogin(fx, browser);
    const response = await fx.idp.response(fx.sp, request, DEVELOPER);
    assert.equal((await postResponse(browser, response)).status, 303);
    // Replayed from another browser, and from the same one after a new login started.
    await refused(async () => response, 400, 'SAML_REPLAYED', 'assertion_replayed');
    const again = await beginSamlLogin(fx, browser);
    assert.ok(again);
    const res = await postResponse(browser, response);
    assert.equal(res.status, 400);
    assert.equal(await errorCode(res), 'SAML_REPLAYED');
  });

  test('an assertion for another audience', async () => {
    await refused(
      (request) =>
        fx.idp.response(fx.sp, request, DEVELOPER, {
          tags: { Audience: 'https://other-sp.example.com/metadata' },
        }),
      400,
      'SAML_AUDIENCE_MISMATCH',
      'audience_mismatch',
    );
  });

  test('an expired assertion (NotOnOrAfter ten minutes ago, far beyond the clock skew)', async () => {
    await refused(
      (request) =>
        fx.idp.response(fx.sp, request, DEVELOPER, {
          tags: {
            IssueInstant: minutesAgo(20),
            ConditionsNotBefore: minutesAgo(20),
            ConditionsNotOnOrAfter: minutesAgo(10),
            SubjectConfirmationDataNotOnOrAfter: minutesAgo(10),
          },
        }),
      400,
      'SAML_ASSERTION_EXPIRED',
      'assertion_expired',
    );
  });

  test('an assertion a few seconds past NotOnOrAfter is still inside the clock skew', async () => {
    const { res } = await attempt((request) =>
      fx.idp.response(fx.sp, request, DEVELOPER, {
        tags: { ConditionsNotOnOrAfter: new Date(Date.now() - 2000).toISOString() },
      }),
    );
    assert.equal(res.status, 303);
  });

  test('a response to another request (wrong InResponseTo)', async () => {
    await refused(
      (request) => fx.idp.response(fx.sp, request, DEVELOPER, { tags: { InResponseTo: `_${randomUUID()}` } }),
      400,
      'SAML_IN_RESPONSE_TO_INVALID',
      'in_response_to_invalid',
    );
  });

  test('an unsolicited (IdP-initiated) response', async () => {
    await refused(
      () => fx.idp.response(fx.sp, undefined, DEVELOPER),
      400,
      'SAML_IN_RESPONSE_TO_INVALID',
      'in_response_to_invalid',
    );
  });

  test('a response addressed to another ACS (Destination), or an assertion for another Recipient', async () => {
    await refused(
      (request) =>
        fx.idp.response(fx.sp, request, DEVELOPER, {
          tags: { Destination: 'https://elsewhere.example.com/acs' },
        }),
      400,
      'SAML_DESTINATION_MISMATCH',
      'destination_mismatch',
    );
    await refused(
      (request) =>
        fx.idp.response(fx.sp, request, DEVELOPER, {
          tags: { SubjectRecipient: 'https://elsewhere.example.com/acs' },
        }),
      400,
      'SAML_DESTINATION_MISMATCH',
      'recipient_mismatch',
    );
  });

  test('a response posted from another browser than the one that started the sign-in', async () => {
    const starter = new Browser(fx.app.url);
    const request = await beginSamlLogin(fx, starter);
    const other = new Browser(fx.app.url);
    const res = await postResponse(other, await fx.idp.response(fx.sp, request, DEVELOPER));
    assert.equal(res.status, 400);
    assert.equal(await errorCode(res), 'SSO_STATE_MISMATCH');
  });

  test('malformed input: not base64 XML, or a document type declaration', async () => {
    const browser = new Browser(fx.app.url);
    await beginSamlLogin(fx, browser);
    const garbage = await postResponse(browser, Buffer.from('not xml at all').toString('base64'));
    assert.equal(garbage.status, 400);
    assert.equal(await errorCode(garbage), 'SAML_RESPONSE_INVALID');
    const doctype = await postResponse(
      browser,
      Buffer.from(
        '<!DOCTYPE r [<!ENTITY x "y">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>',
      ).toString('base64'),
    );
    assert.equal(await errorCode(doctype), 'SAML_RESPONSE_INVALID');
    const missing = await browser.fetch('/auth/saml/corp/acs', { method: 'POST' });
    assert.equal(await errorCode(missing), 'SAML_RESPONSE_INVALID');
  });
});
