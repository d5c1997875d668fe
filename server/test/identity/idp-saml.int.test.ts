/**
 * SAML connections in the SSO admin API against a real samlify IdP: live status with certificate
 * expiry, and test sign-ins checked like real ones (signatures, InResponseTo, replay) without a session.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import {
  ADMIN,
  beginSamlLogin,
  DEVELOPER,
  postResponse,
  type SamlFixture,
  samlSignIn,
  startSamlFixture,
} from './saml-support.js';
import { Browser, errorCode } from './support.js';

interface Certificate {
  subject: string;
  valid_to: string;
  days_left: number;
  state: string;
}

describe('SSO connections admin API (SAML)', () => {
  let fx: SamlFixture;
  let admin: Browser;

  before(async () => {
    fx = await startSamlFixture();
    admin = await samlSignIn(fx, ADMIN);
  });
  after(() => fx.stop());

  async function startTest(connection = 'corp') {
    const started = await admin.send('POST', `/api/v1/admin/idp/connections/${connection}/test-login`);
    assert.equal(started.status, 201, await started.clone().text());
    const body = (await started.json()) as {
      test_login: { id: string; protocol: string };
      redirect_url: string;
    };
    assert.equal(body.test_login.protocol, 'saml');
    return { id: body.test_login.id, location: body.redirect_url };
  }

  const testLogin = async (id: string) =>
    (
      await admin.json<{
        test_login: {
          status: string;
          result: {
            subject?: string;
            claims?: Record<string, unknown>;
            saml?: { name_id: string; assertion_id: string; issuer: string };
            mapping?: { roles: Array<{ role: string; team: string | null }>; verdict: { outcome: string } };
            error?: { code: string; reason: string };
          };
        };
      }>(`/api/v1/admin/idp/test-logins/${id}`)
    ).test_login;

  test('lists every connection; one shows its IdP, both certificates with expiry, and the SP certificate', async () => {
    const { connections } = await admin.json<{ connections: Array<{ name: string; protocol: string }> }>(
      '/api/v1/admin/idp/connections',
    );
    assert.deepEqual(
      connections.map((c) => `${c.protocol}:${c.name}`),
      ['saml:corp', 'saml:byurl', 'saml:rotating'],
    );
    const { connection } = await admin.json<{
      connection: {
        saml: { acs_url: string; sp_entity_id: string };
        status: {
          reachable: boolean;
          metadata_source: string;
          idp_entity_id: string;
          idp_certificates: Certificate[];
          sp_certificate: Certificate;
        };
        sign_ins: { last_24h: { succeeded: number } };
      };
    }>('/api/v1/admin/idp/connections/rotating');
    assert.equal(connection.status.reachable, true);
    assert.equal(connection.status.metadata_source, 'configuration');
    assert.equal(connection.status.idp_entity_id, fx.idp.entityId);
    assert.deepEqual(
      connection.status.idp_certificates.map((c) => [c.subject, c.state]),
      [
        ['CN=test-idp', 'ok'],
        ['CN=test-idp-impostor', 'ok'],
      ],
    );
    assert.ok((connection.status.idp_certificates[0]?.days_left ?? 0) > 3000);
    assert.equal(connection.status.sp_certificate.subject, 'CN=ai-la-sp');
    const byUrl = await admin.json<{
      connection: { status: { metadata_source: string; reachable: boolean } };
    }>('/api/v1/admin/idp/connections/byurl');
    assert.equal(byUrl.connection.status.reachable, true);
    assert.equal(byUrl.connection.status.metadata_source, 'metadata_url');
    const corp = await admin.json<{ connection: { sign_ins: { last_24h: { succeeded: number } } } }>(
      '/api/v1/admin/idp/connections/corp',
    );
    assert.equal(corp.connection.sign_ins.last_24h.succeeded, 1);
  });

  test('a test sign-in sends a ForceAuthn request and shows the attributes and mapping, without a session', async () => {
    const sessions = Number(((await fx.app.db('sessions').count({ n: '*' })) as Array<{ n: string }>)[0]?.n);
    const { id, location } = await startTest();
    const xml = inflateRawSync(
      Buffer.from(new URL(location).searchParams.get('SAMLRequest') ?? '', 'base64'),
    ).toString();
    assert.match(xml, /ForceAuthn="true"/);
    const request = await fx.idp.authnRequest(fx.sp, location);
    const response = await fx.idp.response(fx.sp, request, DEVELOPER);
    const landed = await postResponse(admin, response);
    assert.equal(landed.status, 303);
    assert.equal(landed.headers.get('location'), `/admin/sso/test-logins/${id}`);
    assert.ok(!landed.headers.getSetCookie().some((c) => c.startsWith('__Host-aila_session=')));

    const shown = await testLogin(id);
    assert.equal(shown.status, 'succeeded');
    assert.equal(shown.result.subject, DEVELOPER.email);
    assert.equal(shown.result.claims?.email, DEVELOPER.email);
    assert.equal(shown.result.saml?.issuer, fx.idp.entityId);
    assert.deepEqual(
      shown.result.mapping?.roles.map((r) => `${r.role}:${r.team ?? ''}`),
      ['developer:', 'team_admin:payments'],
    );
    assert.equal(shown.result.mapping?.verdict.outcome, 'sign_in');
    assert.equal(await fx.app.db('users').where({ email: DEVELOPER.email }).first(), undefined);
    assert.equal(
      Number(((await fx.app.db('sessions').count({ n: '*' })) as Array<{ n: string }>)[0]?.n),
      sessions,
    );

    // The same Response again: a replay, refused as for a real sign-in, and unusable for one.
    const replay = await postResponse(admin, response);
    assert.equal(replay.status, 400);
    assert.equal(await errorCode(replay), 'SAML_REPLAYED');
  });

  test('a test Response cannot open a session, and a sign-in Response does not complete a test', async () => {
    const test = await startTest();
    const testResponse = await fx.idp.response(fx.sp, await fx.idp.authnRequest(fx.sp, test.location), ADMIN);
    // Posted from another browser: refused as a foreign browser, and the test is still open.
    const stranger = new Browser(fx.app.url);
    const refused = await postResponse(stranger, testResponse);
    assert.equal(refused.status, 400);
    assert.equal(await errorCode(refused), 'SSO_STATE_MISMATCH');
    assert.equal((await testLogin(test.id)).status, 'pending');

    const signInRequest = await beginSamlLogin(fx, admin);
    const signedIn = await postResponse(admin, await fx.idp.response(fx.sp, signInRequest, ADMIN));
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.headers.get('location'), '/');
    admin.csrfToken = undefined; // a new session: a new CSRF token
    assert.equal((await testLogin(test.id)).status, 'pending');
  });

  test('a Response signed by an untrusted key fails the test with the same code as a sign-in', async () => {
    const { id, location } = await startTest();
    const request = await fx.idp.authnRequest(fx.sp, location);
    const forged = await fx.idp.response(fx.sp, request, ADMIN, { foreignKey: true });
    const landed = await postResponse(admin, forged);
    assert.equal(landed.status, 303);
    const failed = await testLogin(id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.result.error?.code, 'SAML_SIGNATURE_INVALID');
    const events = await fx.app.db('audit_events').where({ action: 'idp.test_login', outcome: 'failure' });
    assert.ok(events.length >= 2);
  });
});
