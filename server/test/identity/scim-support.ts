import type { Browser } from './support.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The fields of SCIM resources, list and error responses the tests read (RFC 7643, RFC 7644 §3.4.2, §3.12). */
export interface ScimBody {
  schemas: string[];
  id: string;
  externalId?: string;
  userName: string;
  displayName: string;
  active: boolean;
  name: { givenName?: string; familyName?: string; formatted?: string };
  emails: Array<{ value: string; type?: string; primary?: boolean }>;
  groups: Array<{ value: string; display: string }>;
  members?: Array<{ value: string; display: string }>;
  meta: { resourceType: string; location: string; created: string; lastModified: string };
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: ScimBody[];
  status: string;
  scimType?: string;
  detail: string;
  [key: string]: unknown;
}

export interface ScimAnswer {
  status: number;
  contentType: string;
  body: ScimBody;
}

/** A SCIM client as an IdP's provisioning engine is one: bearer token, application/scim+json. */
export class ScimClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | undefined,
    private readonly contentType = 'application/scim+json; charset=utf-8',
  ) {}

  async request(method: string, path: string, body?: unknown): Promise<ScimAnswer> {
    const headers: Record<string, string> = { accept: 'application/scim+json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = this.contentType;
    const res = await fetch(`${this.baseUrl}/scim/v2${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      body: (text ? JSON.parse(text) : {}) as ScimBody,
    };
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, body: unknown) => this.request('POST', path, body);
  put = (path: string, body: unknown) => this.request('PUT', path, body);
  patch = (path: string, operations: unknown[]) =>
    this.request('PATCH', path, { schemas: [PATCH_SCHEMA], Operations: operations });
  delete = (path: string) => this.request('DELETE', path);
}

/** Creates a SCIM token through the admin API (idp:manage); returns the secret. */
export async function createScimToken(
  admin: Browser,
  connection: string,
  name = 'idp provisioning',
): Promise<string> {
  const res = await admin.send('POST', '/api/v1/admin/scim-tokens', { name, connection });
  if (res.status !== 201) throw new Error(`scim-tokens: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { secret: string }).secret;
}

/** `filter=<attribute> eq "<value>"`, URL-encoded as IdPs send it. */
export const eqFilter = (attribute: string, value: string) =>
  `filter=${encodeURIComponent(`${attribute} eq ${JSON.stringify(value)}`)}`;
