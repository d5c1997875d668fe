/**
 * Login and consent interactions of the development IdP, served next to oidc-provider on the same
 * `node:http` server. oidc-provider hands the browser to `/interaction/<uid>` whenever a prompt is due
 * (OIDC Core 1.0 §3.1.2.3 authentication, §3.1.2.4 consent); these handlers resolve it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { errors, type InteractionResults } from 'oidc-provider';
import type { Logger } from 'pino';
import type { DevUserDirectory } from './users.js';
import { LOGIN_TITLE, PAGE_SECURITY_HEADERS, renderLoginPage, renderMessagePage } from './views.js';

/** `/interaction/<uid>` (GET) and `/interaction/<uid>/login|abort` (POST); uids are nanoids. */
const INTERACTION_ROUTE = /^\/interaction\/([A-Za-z0-9_-]{1,128})(?:\/(login|abort))?$/;

/** A sign-in form carries one e-mail; anything much larger is not a browser submitting our page. */
const MAX_FORM_BYTES = 8 * 1024;

/** Longest e-mail address accepted (RFC 5321 §4.5.3.1 path limits). */
const MAX_EMAIL_LENGTH = 320;

/** What the interaction handlers need from the rest of the IdP. */
export interface InteractionDeps {
  provider: Provider;
  directory: DevUserDirectory;
  /** Clients registered at start; consent is auto-granted for them because the appliance is first-party. */
  clientIds: ReadonlySet<string>;
  /** The issuer's origin; form posts from any other origin are refused. */
  issuerOrigin: string;
  log?: Logger;
}

/** Handles a request when it targets an interaction route; resolves to `false` when it does not. */
export type InteractionHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** An HTTP-level refusal, rendered as a message page. */
class PageError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(html);
}

/**
 * Refuses cross-site form posts. The interaction cookie oidc-provider sets is SameSite=Lax, so a
 * cross-site POST already arrives without it; checking Origin (RFC 6454 §7) and Sec-Fetch-Site says so
 * explicitly instead of relying on a "session not found" side effect.
 */
function assertSameOrigin(req: IncomingMessage, issuerOrigin: string): void {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if ((origin !== undefined && origin !== issuerOrigin) || site === 'cross-site') {
    throw new PageError(403, 'Request refused', 'Sign-in forms can only be submitted from the sign-in page.');
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new PageError(415, 'Request refused', 'Expected an HTML form submission.');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_FORM_BYTES) {
      throw new PageError(413, 'Request refused', 'The form submission is too large.');
    }
    chunks.push(buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function stringParam(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  return typeof value === 'string' ? value : undefined;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Creates the handler for the interaction routes of one provider instance. */
export function createInteractionHandler(deps: InteractionDeps): InteractionHandler {
  const { provider, directory, clientIds, issuerOrigin, log } = deps;

  /** Loads the interaction bound to this browser and checks it is the one the URL names. */
  async function interactionFor(req: IncomingMessage, res: ServerResponse, uid: string) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) {
      throw new PageError(
        400,
        'Sign-in expired',
        'This sign-in page is out of date. Start the sign-in again from the application.',
      );
    }
    return details;
  }

  async function finish(req: IncomingMessage, res: ServerResponse, result: InteractionResults) {
    // The login step starts a fresh result; the consent step keeps the login it follows, so a request
    // with prompt=login does not ask for the login again once consent is given (oidc-provider resumes
    // with pending prompts = requested prompts minus the result's).
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: 'consent' in result });
  }

  async function showOrConsent(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    const details = await interactionFor(req, res, uid);
    const clientId = stringParam(details.params, 'client_id') ?? '';
    if (details.prompt.name === 'login') {
      sendHtml(
        res,
        200,
        renderLoginPage({
          uid,
          clientName: clientId,
          users: directory.users,
          email: stringParam(details.params, 'login_hint')?.slice(0, MAX_EMAIL_LENGTH),
        }),
      );
      return;
    }
    if (details.prompt.name === 'consent' && clientIds.has(clientId) && details.session) {
      // First-party clients: grant what was asked without a consent screen (OIDC Core §3.1.2.4 leaves
      // the means of obtaining consent to the OP), recorded as a Grant like an interactive consent.
      const grant =
        (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
        new provider.Grant({ accountId: details.session.accountId, clientId });
      const missingScopes = stringList(details.prompt.details.missingOIDCScope);
      if (missingScopes.length) grant.addOIDCScope(missingScopes.join(' '));
      const missingClaims = stringList(details.prompt.details.missingOIDCClaims);
      if (missingClaims.length) grant.addOIDCClaims(missingClaims);
      const resources = details.prompt.details.missingResourceScopes;
      if (resources !== null && typeof resources === 'object') {
        for (const [indicator, scopes] of Object.entries(resources)) {
          grant.addResourceScope(indicator, stringList(scopes).join(' '));
        }
      }
      const grantId = await grant.save();
      await finish(req, res, { consent: { grantId } });
      return;
    }
    throw new PageError(
      400,
      'Sign-in error',
      `The development identity provider cannot complete the "${details.prompt.name}" step for this client.`,
    );
  }

  async function login(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    assertSameOrigin(req, issuerOrigin);
    const form = await readForm(req);
    const details = await interactionFor(req, res, uid);
    if (details.prompt.name !== 'login') {
      throw new PageError(400, 'Sign-in error', 'This sign-in step is already complete.');
    }
    const email = (form.get('email') ?? '').trim().slice(0, MAX_EMAIL_LENGTH);
    const user = email === '' ? undefined : directory.byEmail(email);
    if (!user) {
      const known = directory.users.map((candidate) => candidate.email).join(', ');
      const problem =
        email === ''
          ? 'Enter the e-mail address of a development user.'
          : `No development user has the e-mail address "${email}". Known users: ${known}.`;
      sendHtml(
        res,
        400,
        renderLoginPage({
          uid,
          clientName: stringParam(details.params, 'client_id') ?? '',
          users: directory.users,
          email,
          error: problem,
        }),
      );
      return;
    }
    log?.info({ sub: user.sub, clientId: stringParam(details.params, 'client_id') }, 'dev idp sign-in');
    await finish(req, res, { login: { accountId: user.sub } });
  }

  async function abort(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    assertSameOrigin(req, issuerOrigin);
    await interactionFor(req, res, uid);
    // RFC 6749 §4.1.2.1: the resource owner denied the request.
    await finish(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' });
  }

  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const match = INTERACTION_ROUTE.exec(path);
    if (!match) return false;
    const uid = match[1] ?? '';
    const action = match[2];
    const method = action === undefined ? 'GET' : 'POST';
    try {
      // GET only (no HEAD): the consent step has side effects and must not run on a probe.
      if (req.method !== method) {
        res.setHeader('Allow', method);
        throw new PageError(405, 'Request refused', `Use ${method} for this address.`);
      }
      if (action === 'login') await login(req, res, uid);
      else if (action === 'abort') await abort(req, res, uid);
      else await showOrConsent(req, res, uid);
    } catch (error) {
      if (error instanceof PageError) {
        // The unread rest of an oversized body is not worth draining; drop the connection instead.
        if (error.status === 413) res.setHeader('Connection', 'close');
        sendHtml(res, error.status, renderMessagePage(error.title, error.message));
      } else if (error instanceof errors.SessionNotFound) {
        sendHtml(
          res,
          400,
          renderMessagePage(
            'Sign-in expired',
            'No sign-in is in progress in this browser, or it has expired. Start the sign-in again from the application.',
          ),
        );
      } else {
        log?.error({ err: error }, 'dev idp interaction failed');
        sendHtml(
          res,
          500,
          renderMessagePage(LOGIN_TITLE, 'The sign-in failed unexpectedly; see the server log.'),
        );
      }
    }
    return true;
  };
}
