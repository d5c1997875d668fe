import { Type } from '@sinclair/typebox';
import express, { type Response } from 'express';
import { AppError } from '../../platform/errors.js';
import { actorOf, principalOf } from '../principal.js';
import { type DeclaredRouter, handle } from '../route-registry.js';
import { type DeviceRequestView, type DeviceService, OAuthError } from './service.js';

/** RFC 8628 §3.1 / §3.4: requests are form-encoded; JSON is accepted too. */
const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 16 });

const UserCodeParams = Type.Object({ user_code: Type.String({ minLength: 1, maxLength: 32 }) });

const fieldOf = (body: unknown, name: string) => {
  const value =
    body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
};

/** RFC 6749 §5.1 / §5.2: token endpoint answers are never cached; errors are `{ error, error_description }`. */
async function oauth(res: Response, work: () => Promise<Record<string, unknown>>): Promise<void> {
  res.setHeader('cache-control', 'no-store');
  try {
    res.json(await work());
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    res.status(err.status).json({ error: err.error, error_description: err.description });
  }
}

const present = (v: DeviceRequestView) => ({
  user_code: v.userCode,
  client_id: v.clientId,
  client_name: 'AI-LA command line',
  scopes_requested: v.scopesRequested,
  scopes_granted: v.scopesGranted,
  status: v.status,
  created_at: v.createdAt.toISOString(),
  expires_at: v.expiresAt.toISOString(),
});

/**
 * The device authorization grant (RFC 8628): the endpoints the CLI calls, and the approval API the
 * web page calls for the signed-in user (a browser session, so CSRF-protected like every cookie call).
 */
export function deviceRoutes(r: DeclaredRouter, { device }: { device: DeviceService }): void {
  r.post('/auth/device/code', 'public', form, async (req, res) => {
    await oauth(res, () =>
      device.authorize({ clientId: fieldOf(req.body, 'client_id'), scope: fieldOf(req.body, 'scope') }),
    );
  });

  r.post('/auth/device/token', 'public', form, async (req, res) => {
    await oauth(res, () =>
      device.token({
        grantType: fieldOf(req.body, 'grant_type'),
        deviceCode: fieldOf(req.body, 'device_code'),
        clientId: fieldOf(req.body, 'client_id'),
      }),
    );
  });

  const sessionPrincipal = (req: Parameters<typeof principalOf>[0]) => {
    const principal = principalOf(req);
    if (principal.credential.type !== 'session') {
      throw new AppError('FORBIDDEN', 'Approving a device sign-in needs a browser session, not an API key.');
    }
    return principal;
  };

  r.get(
    '/api/v1/device/:user_code',
    'authenticated',
    ...handle({ params: UserCodeParams }, async (req, res) => {
      res.setHeader('cache-control', 'no-store');
      res.json({ request: present(await device.describe(sessionPrincipal(req), req.params.user_code)) });
    }),
  );

  for (const decision of ['approve', 'deny'] as const) {
    r.post(
      `/api/v1/device/:user_code/${decision}`,
      'authenticated',
      ...handle({ params: UserCodeParams }, async (req, res) => {
        const principal = sessionPrincipal(req);
        const approve = decision === 'approve';
        const decided = await device.decide(principal, actorOf(req), req.params.user_code, approve);
        res.json({ request: present(decided) });
      }),
    );
  }
}
