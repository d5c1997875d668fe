import type * as samlify from 'samlify';
import { startTestAppliance, type TestAppliance } from '../support/appliance.js';
import { generateKeyPair, type SamlUser, TestSamlIdp } from './saml-idp.js';
import { Browser, PUBLIC_URL } from './support.js';

/** A real samlify IdP and the appliance with two SAML connections to it: by metadata XML and by URL. */
export interface SamlFixture {
  idp: TestSamlIdp;
  app: TestAppliance;
  /** The appliance as the IdP knows it, from the metadata of connection `corp`. */
  sp: samlify.ServiceProviderInstance;
  stop(): Promise<void>;
}

export const ADMIN: SamlUser = { email: 'ada@example.com', name: 'Ada Admin', groups: ['ai-la-admins'] };
export const DEVELOPER: SamlUser = {
  email: 'dev@example.com',
  name: 'Devi Developer',
  groups: ['ai-la-developers', 'payments-leads'],
};

/** The `corp` connection: IdP metadata as XML, groups mapped to roles and a team. */
export function corpConnection(idp: TestSamlIdp, sp = generateKeyPair('ai-la-sp')) {
  return {
    name: 'corp',
    displayName: 'Corp SAML',
    idp: { metadataXml: idp.metadataXml },
    sp: { privateKey: sp.key, certificate: sp.cert },
    groupRoles: { 'ai-la-admins': 'admin', 'ai-la-developers': 'developer' },
    groupTeams: { 'payments-leads': { team: 'payments', role: 'team_admin' } },
    domains: ['example.com'],
  };
}

export async function startSamlFixture(env: Record<string, string> = {}): Promise<SamlFixture> {
  const idp = new TestSamlIdp();
  const metadataUrl = await idp.serveMetadata();
  const spKeys = generateKeyPair('ai-la-sp');
  const byUrl = {
    name: 'byurl',
    idp: { metadataUrl },
    sp: { privateKey: spKeys.key, certificate: spKeys.cert },
    defaultRole: 'developer',
    allowInsecureHttp: true,
  };
  // No metadata: entity ID, SSO and SLO URLs and two signing certificates (a key rotation in progress).
  const rotating = {
    name: 'rotating',
    idp: {
      entityId: idp.entityId,
      ssoUrl: idp.ssoUrl,
      sloUrl: idp.sloUrl,
      certs: [idp.keys.cert, idp.foreignKeys.cert],
    },
    sp: { privateKey: spKeys.key, certificate: spKeys.cert },
    defaultRole: 'developer',
  };
  let app: TestAppliance;
  try {
    app = await startTestAppliance({
      AILA_SERVER_PUBLIC_URL: PUBLIC_URL,
      AILA_AUTH_SAML_CONNECTIONS: JSON.stringify([corpConnection(idp, spKeys), byUrl, rotating]),
      ...env,
    });
  } catch (err) {
    await idp.close();
    throw err;
  }
  const metadata = await (await fetch(`${app.url}/auth/saml/corp/metadata`)).text();
  return {
    idp,
    app,
    sp: idp.serviceProvider(metadata),
    stop: async () => {
      await app.stop();
      await idp.close();
    },
  };
}

/** Starts a sign-in in the browser: the IdP's view of the AuthnRequest it was sent. */
export async function beginSamlLogin(fx: SamlFixture, browser: Browser, query = 'connection=corp') {
  const start = await browser.fetch(`/auth/login?${query}`);
  if (start.status !== 302) throw new Error(`/auth/login: HTTP ${start.status} ${await start.text()}`);
  return fx.idp.authnRequest(fx.sp, start.headers.get('location') ?? '');
}

/** Posts a SAMLResponse to the ACS as the browser would (HTTP-POST binding, bindings §3.5). */
export const postResponse = (browser: Browser, samlResponse: string, connection = 'corp') =>
  browser.fetch(`/auth/saml/${connection}/acs`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ SAMLResponse: samlResponse }).toString(),
  });

/** Signs a user in over SAML and returns the browser holding the session. */
export async function samlSignIn(fx: SamlFixture, user: SamlUser): Promise<Browser> {
  const browser = new Browser(fx.app.url);
  const request = await beginSamlLogin(fx, browser);
  const landed = await postResponse(browser, await fx.idp.response(fx.sp, request, user));
  if (landed.status !== 303) throw new Error(`ACS: HTTP ${landed.status} ${await landed.text()}`);
  return browser;
}

/** Decodes a base64 SAMLResponse, lets `edit` change the XML, and encodes it again. */
export const editResponse = (samlResponse: string, edit: (xml: string) => string) =>
  Buffer.from(edit(Buffer.from(samlResponse, 'base64').toString('utf8')), 'utf8').toString('base64');
