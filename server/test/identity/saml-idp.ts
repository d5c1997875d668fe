import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as validator from '@authenio/samlify-node-xmllint';
import samlifyModule, * as samlify from 'samlify';

/** The CommonJS exports object: SamlLib is not among the names Node detects for ESM import. */
const { SamlLib } = samlifyModule;

/*
 * A real SAML 2.0 identity provider for the tests: samlify, in-process, with keys made by openssl at
 * test time. It verifies the appliance's signed AuthnRequests and logout messages (and validates them
 * against the SAML schemas with xmllint) and answers with signed Responses.
 */

/**
 * The schema validator (xmllint compiled to JavaScript) leaves two process-wide handlers behind on
 * every call: an uncaughtException listener, and a stdout 'drain' listener that would call
 * process.exit() the next time stdout drains, ending the test run. Both are removed as soon as the
 * (synchronous) validation returns, and its blank progress line is kept off stdout.
 */
samlify.setSchemaValidator({
  validate: (xml: string) => {
    const drains = new Set(process.stdout.listeners('drain'));
    const handlers = new Set(process.listeners('uncaughtException'));
    const log = console.log;
    console.log = () => {};
    try {
      return validator.validate(xml);
    } finally {
      console.log = log;
      for (const listener of process.stdout.listeners('drain')) {
        if (!drains.has(listener)) process.stdout.removeListener('drain', listener as () => void);
      }
      for (const listener of process.listeners('uncaughtException')) {
        if (!handlers.has(listener)) process.removeListener('uncaughtException', listener);
      }
    }
  },
});

export interface KeyPair {
  key: string;
  cert: string;
}

/** A fresh RSA key and self-signed certificate (TOOLING.md: openssl req -x509). */
export function generateKeyPair(commonName: string): KeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'aila-saml-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '3650',
        '-subj',
        `/CN=${commonName}`,
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const BINDING = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
};

/** Somebody the IdP signs in. */
export interface SamlUser {
  email: string;
  name: string;
  groups: string[];
}

/** Per-response changes, to build the responses an attacker or a broken IdP would send. */
export interface ResponseOptions {
  /** Template tags to override: Audience, InResponseTo (null drops it), Destination, NotOnOrAfter... */
  tags?: Record<string, string | null>;
  /** Sign with a key the appliance does not trust. */
  foreignKey?: boolean;
}

const escapeXml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );

function attributeStatement(user: SamlUser): string {
  const attribute = (name: string, values: string[]) =>
    `<saml:Attribute Name="${name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${values
      .map((v) => `<saml:AttributeValue xsi:type="xs:string">${escapeXml(v)}</saml:AttributeValue>`)
      .join('')}</saml:Attribute>`;
  return `<saml:AttributeStatement>${attribute('email', [user.email])}${attribute('name', [user.name])}${
    user.groups.length > 0 ? attribute('groups', user.groups) : ''
  }</saml:AttributeStatement>`;
}

const AUTHN_STATEMENT =
  '<saml:AuthnStatement AuthnInstant="{IssueInstant}" SessionIndex="{SessionIndex}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>';

/** The query string of a redirect-binding URL without its Signature: what was signed (bindings §3.4.4.1). */
const octetStringOf = (url: URL) =>
  url.search
    .slice(1)
    .split('&')
    .filter((p) => !p.startsWith('Signature='))
    .join('&');

/** A minimal HTML page of the browser-facing SSO endpoint. */
function page(res: ServerResponse, status: number, title: string, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title></head><body><h1>${escapeXml(title)}</h1>${body}</body></html>`,
  );
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export class TestSamlIdp {
  readonly entityId = 'https://idp.saml.test/metadata';
  readonly ssoUrl = 'https://idp.saml.test/sso';
  readonly sloUrl = 'https://idp.saml.test/slo';
  readonly keys = generateKeyPair('test-idp');
  readonly foreignKeys = generateKeyPair('test-idp-impostor');
  readonly #idp: samlify.IdentityProviderInstance;
  readonly #impostor: samlify.IdentityProviderInstance;
  #server: Server | undefined;
  #ssoServer: Server | undefined;
  /** AuthnRequests verified by the browser-facing SSO endpoint, by the ticket its login page carries. */
  readonly #pending = new Map<
    string,
    { request: Awaited<ReturnType<TestSamlIdp['authnRequest']>>; relayState: string | undefined }
  >();
  /**
   * The appliance as the browser-facing SSO endpoint (serveSso) knows it: set once the appliance
   * publishes its SP metadata (it needs the SSO URL to start).
   */
  ssoServiceProvider: samlify.ServiceProviderInstance | undefined;

  constructor() {
    this.#idp = this.entity(this.keys);
    this.#impostor = this.entity(this.foreignKeys);
  }

  private entity(keys: KeyPair) {
    return samlify.IdentityProvider({
      entityID: this.entityId,
      privateKey: keys.key,
      signingCert: keys.cert,
      wantAuthnRequestsSigned: true,
      wantLogoutRequestSigned: true,
      wantLogoutResponseSigned: true,
      nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
      singleSignOnService: [{ Binding: BINDING.redirect, Location: this.ssoUrl }],
      singleLogoutService: [{ Binding: BINDING.redirect, Location: this.sloUrl }],
    });
  }

  /** The IdP metadata document (SAML 2.0 metadata §2.4.3). */
  get metadataXml(): string {
    return this.#idp.getMetadata();
  }

  /** Serves the metadata over HTTP, as an IdP's metadata URL; returns the URL. */
  async serveMetadata(): Promise<string> {
    const xml = this.metadataXml;
    this.#server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/samlmetadata+xml');
      res.end(xml);
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/metadata`;
  }

  async close(): Promise<void> {
    for (const server of [this.#server, this.#ssoServer]) {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    }
  }

  /**
   * A browser-facing SSO endpoint over HTTP; returns its URL (`http://127.0.0.1:<port>/sso`), to give
   * the appliance as the IdP's SSO URL. `GET /sso` verifies the appliance's signed HTTP-Redirect
   * AuthnRequest (as authnRequest does) and shows a page with a button per user; the button posts to
   * `/sso/respond`, which answers with a page whose "Continue" button posts the signed Response (and
   * the RelayState) to the appliance's ACS (HTTP-POST binding). No scripts: every step is a click.
   * Set `ssoServiceProvider` before the first request.
   */
  async serveSso(users: readonly SamlUser[]): Promise<string> {
    const server = createServer((req, res) => {
      this.#handleSso(req, res, users).catch((err: Error) => {
        if (!res.headersSent) page(res, 400, 'SAML error', `<p role="alert">${escapeXml(err.message)}</p>`);
      });
    });
    this.#ssoServer = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/sso`;
  }

  async #handleSso(req: IncomingMessage, res: ServerResponse, users: readonly SamlUser[]): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const serviceProvider = () => {
      if (!this.ssoServiceProvider) throw new Error('no service provider set (ssoServiceProvider)');
      return this.ssoServiceProvider;
    };
    if (req.method === 'GET' && url.pathname === '/sso') {
      const sp = serviceProvider();
      const request = await this.#idp.parseLoginRequest(sp, 'redirect', {
        query: Object.fromEntries(url.searchParams),
        octetString: octetStringOf(url),
      });
      const ticket = randomUUID();
      this.#pending.set(ticket, { request, relayState: url.searchParams.get('RelayState') ?? undefined });
      const buttons = users
        .map(
          (u) =>
            `<li><button type="submit" name="email" value="${escapeXml(u.email)}">Sign in as ${escapeXml(u.name)}</button></li>`,
        )
        .join('');
      page(
        res,
        200,
        'Test SAML IdP: sign in',
        `<form method="post" action="/sso/respond"><input type="hidden" name="ticket" value="${ticket}"><ul>${buttons}</ul></form>`,
      );
      return;
    }
    if (req.method === 'POST' && url.pathname === '/sso/respond') {
      const sp = serviceProvider();
      const form = new URLSearchParams(await readBody(req));
      const pending = this.#pending.get(form.get('ticket') ?? '');
      const user = users.find((u) => u.email === form.get('email'));
      if (!pending || !user) throw new Error('unknown sign-in ticket or user');
      this.#pending.delete(form.get('ticket') ?? '');
      const samlResponse = await this.response(sp, pending.request, user);
      const acs = sp.entityMeta.getAssertionConsumerService('post') as string;
      const relay =
        pending.relayState === undefined
          ? ''
          : `<input type="hidden" name="RelayState" value="${escapeXml(pending.relayState)}">`;
      page(
        res,
        200,
        'Test SAML IdP: continue',
        `<p>Signed in as ${escapeXml(user.name)}.</p><form method="post" action="${escapeXml(acs)}"><input type="hidden" name="SAMLResponse" value="${escapeXml(samlResponse)}">${relay}<button type="submit">Continue</button></form>`,
      );
      return;
    }
    res.statusCode = 404;
    res.end();
  }

  /** The appliance as samlify sees it, from the SP metadata it publishes; every message signed. */
  serviceProvider(spMetadata: string): samlify.ServiceProviderInstance {
    return samlify.ServiceProvider({
      metadata: spMetadata,
      wantMessageSigned: true,
      wantLogoutRequestSigned: true,
      wantLogoutResponseSigned: true,
    });
  }

  /** Verifies the signed, schema-valid AuthnRequest of a redirect from /auth/login (bindings §3.4). */
  async authnRequest(sp: samlify.ServiceProviderInstance, location: string) {
    const url = new URL(location);
    if (`${url.origin}${url.pathname}` !== this.ssoUrl) throw new Error(`not the IdP's SSO URL: ${location}`);
    return this.#idp.parseLoginRequest(sp, 'redirect', {
      query: Object.fromEntries(url.searchParams),
      octetString: octetStringOf(url),
    });
  }

  /** A signed Response (message and assertion signed) for the request: the base64 SAMLResponse. */
  async response(
    sp: samlify.ServiceProviderInstance,
    request: Awaited<ReturnType<TestSamlIdp['authnRequest']>> | undefined,
    user: SamlUser,
    options: ResponseOptions = {},
  ): Promise<string> {
    const idp = options.foreignKey ? this.#impostor : this.#idp;
    const now = new Date();
    const later = new Date(now.getTime() + 5 * 60_000).toISOString();
    const acs = sp.entityMeta.getAssertionConsumerService('post') as string;
    const id = `_${randomUUID()}`;
    const tags: Record<string, string | null> = {
      ID: id,
      AssertionID: `_${randomUUID()}`,
      Destination: acs,
      Audience: sp.entityMeta.getEntityID(),
      SubjectRecipient: acs,
      Issuer: this.entityId,
      IssueInstant: now.toISOString(),
      StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
      ConditionsNotBefore: now.toISOString(),
      ConditionsNotOnOrAfter: later,
      SubjectConfirmationDataNotOnOrAfter: later,
      NameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      NameID: user.email,
      InResponseTo: request ? String(request.extract.request?.id ?? '') : null,
      SessionIndex: `_session-${randomUUID()}`,
      ...options.tags,
    };
    const template = SamlLib.defaultLoginResponseTemplate.context
      .replace('{AuthnStatement}', AUTHN_STATEMENT)
      .replace('{AttributeStatement}', attributeStatement(user));
    const result = await idp.createLoginResponse(
      sp,
      request ? { ...request } : { extract: {} },
      'post',
      { ...user },
      {
        customTagReplacement: (raw: string) => ({
          id,
          context: SamlLib.replaceTagsByValue(
            // samlify hands the default template; this IdP's adds the AuthnStatement and attributes.
            raw.includes('{AttributeStatement}') ? template : raw,
            tags,
          ),
        }),
      },
    );
    return result.context;
  }

  /** Verifies the appliance's signed LogoutRequest (SP-initiated logout) and answers it: the redirect back. */
  async answerLogout(sp: samlify.ServiceProviderInstance, location: string): Promise<string> {
    const url = new URL(location);
    const request = await this.#idp.parseLogoutRequest(sp, 'redirect', {
      query: Object.fromEntries(url.searchParams),
      octetString: octetStringOf(url),
    });
    const response = this.#idp.createLogoutResponse(sp, { ...request }, 'redirect', '');
    return (response as { context: string }).context;
  }

  /** An IdP-initiated, signed LogoutRequest (redirect binding) for a user's session. */
  logoutRequest(sp: samlify.ServiceProviderInstance, email: string, sessionIndex?: string): string {
    const request = this.#idp.createLogoutRequest(sp, 'redirect', {
      logoutNameID: email,
      ...(sessionIndex ? { sessionIndex } : {}),
    });
    return (request as { context: string }).context;
  }

  /** The same, for the HTTP-POST binding (bindings §3.5): the base64 SAMLRequest form field. */
  logoutRequestPost(sp: samlify.ServiceProviderInstance, email: string): string {
    return (this.#idp.createLogoutRequest(sp, 'post', { logoutNameID: email }) as { context: string })
      .context;
  }

  /** Answers an SP LogoutRequest with the HTTP-POST binding: the base64 SAMLResponse form field. */
  async answerLogoutPost(sp: samlify.ServiceProviderInstance, location: string): Promise<string> {
    const url = new URL(location);
    const request = await this.#idp.parseLogoutRequest(sp, 'redirect', {
      query: Object.fromEntries(url.searchParams),
      octetString: octetStringOf(url),
    });
    return (this.#idp.createLogoutResponse(sp, { ...request }, 'post', '') as { context: string }).context;
  }

  /** Verifies the appliance's signed LogoutResponse to an IdP-initiated logout. */
  async verifyLogoutResponse(sp: samlify.ServiceProviderInstance, location: string) {
    const url = new URL(location);
    return this.#idp.parseLogoutResponse(sp, 'redirect', {
      query: Object.fromEntries(url.searchParams),
      octetString: octetStringOf(url),
    });
  }
}
