import { AppError } from '../../platform/errors.js';
import { GROUP_SCHEMA, USER_SCHEMA } from './filter.js';
import {
  type GroupDraft,
  memberIds,
  primaryEmail,
  scimBoolean,
  scimString,
  type UserDraft,
} from './patch.js';
import type { ScimGroupRow, ScimMemberRow, ScimUserRow } from './repository.js';

/** RFC 7644 §3.4.2: the ListResponse message schema. */
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
/** RFC 7644 §3.12: the Error message schema. */
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The media type of SCIM messages (RFC 7644 §3.1). */
export const SCIM_MEDIA_TYPE = 'application/scim+json';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Json = Record<string, unknown>;

const asObject = (body: unknown): Json => {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('SCIM_INVALID_SYNTAX', 'The request body must be a JSON object.');
  }
  return body as Json;
};

function requireSchema(body: Json, schema: string): void {
  if (!Array.isArray(body.schemas) || !body.schemas.includes(schema)) {
    throw new AppError('SCIM_INVALID_SYNTAX', `schemas must include ${schema}.`);
  }
}

/**
 * A User from a POST or PUT body (RFC 7643 §4.1). userName is required; the e-mail is the primary
 * (else work, else first) of `emails`, or the userName when it is an address. Attributes this server
 * does not keep are ignored.
 */
export function userDraftOf(raw: unknown): UserDraft {
  const body = asObject(raw);
  requireSchema(body, USER_SCHEMA);
  const userName = scimString(body.userName, 'userName');
  const name = (body.name && typeof body.name === 'object' ? body.name : {}) as Json;
  const givenName = typeof name.givenName === 'string' ? name.givenName.trim() : '';
  const familyName = typeof name.familyName === 'string' ? name.familyName.trim() : '';
  const email = primaryEmail(body.emails) ?? (EMAIL.test(userName) ? userName : undefined);
  if (!email)
    throw new AppError(
      'SCIM_INVALID_VALUE',
      'A user needs an e-mail address (emails, or an e-mail userName).',
    );
  const formatted = typeof name.formatted === 'string' ? name.formatted.trim() : '';
  return {
    userName,
    externalId: typeof body.externalId === 'string' && body.externalId !== '' ? body.externalId : null,
    givenName,
    familyName,
    displayName:
      (typeof body.displayName === 'string' ? body.displayName.trim() : '') ||
      formatted ||
      `${givenName} ${familyName}`.trim(),
    email,
    active: body.active === undefined ? true : scimBoolean(body.active, 'active'),
  };
}

/** A Group from a POST or PUT body (RFC 7643 §4.2). */
export function groupDraftOf(raw: unknown): GroupDraft {
  const body = asObject(raw);
  requireSchema(body, GROUP_SCHEMA);
  return {
    displayName: scimString(body.displayName, 'displayName'),
    externalId: typeof body.externalId === 'string' && body.externalId !== '' ? body.externalId : null,
    members: [...new Set(memberIds(body.members))],
  };
}

/** The e-mail a draft gives the user row: lower-case (users.email is stored lower-cased). */
export const emailOf = (draft: UserDraft) => draft.email.toLowerCase();

/** The user row's display name from a draft: displayName, else given + family name, else the userName. */
export const displayNameOf = (draft: UserDraft) =>
  (draft.displayName || `${draft.givenName} ${draft.familyName}`.trim() || draft.userName).slice(0, 256);

/** The stored state of a user as a draft (the starting point of a PATCH). */
export const userDraftFromRow = (row: ScimUserRow): UserDraft => ({
  userName: row.user_name,
  externalId: row.external_id,
  givenName: row.given_name,
  familyName: row.family_name,
  displayName: row.name,
  email: row.email,
  active: row.status === 'active',
});

/** A User resource (RFC 7643 §4.1, §3.1 `meta`). */
export function presentUser(
  row: ScimUserRow,
  groups: Array<{ id: string; display_name: string }>,
  base: string,
) {
  const formatted = `${row.given_name} ${row.family_name}`.trim();
  return {
    schemas: [USER_SCHEMA],
    id: row.user_id,
    ...(row.external_id ? { externalId: row.external_id } : {}),
    userName: row.user_name,
    name: {
      ...(row.given_name ? { givenName: row.given_name } : {}),
      ...(row.family_name ? { familyName: row.family_name } : {}),
      ...(formatted ? { formatted } : {}),
    },
    displayName: row.name,
    emails: [{ value: row.email, type: 'work', primary: true }],
    active: row.status === 'active',
    groups: groups.map((g) => ({ value: g.id, display: g.display_name, $ref: `${base}/Groups/${g.id}` })),
    meta: {
      resourceType: 'User',
      created: row.created_at.toISOString(),
      lastModified: row.updated_at.toISOString(),
      location: `${base}/Users/${row.user_id}`,
    },
  };
}

/** A Group resource (RFC 7643 §4.2); `members` left out when the client excluded it. */
export function presentGroup(row: ScimGroupRow, members: ScimMemberRow[] | undefined, base: string) {
  return {
    schemas: [GROUP_SCHEMA],
    id: row.id,
    ...(row.external_id ? { externalId: row.external_id } : {}),
    displayName: row.display_name,
    ...(members
      ? {
          members: members.map((m) => ({
            value: m.user_id,
            display: m.user_name ?? m.email,
            type: 'User',
            $ref: `${base}/Users/${m.user_id}`,
          })),
        }
      : {}),
    meta: {
      resourceType: 'Group',
      created: row.created_at.toISOString(),
      lastModified: row.updated_at.toISOString(),
      location: `${base}/Groups/${row.id}`,
    },
  };
}

const namesOf = (value: string | undefined) =>
  new Set(
    (value ?? '')
      .split(',')
      .map((a) => a.trim().toLowerCase())
      .filter((a) => a !== ''),
  );

/**
 * Applies `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5) to top-level attributes; `schemas`,
 * `id` and `meta` are always returned.
 */
export function project<T extends Json>(resource: T, attributes?: string, excluded?: string): Json {
  const keep = namesOf(attributes);
  const drop = namesOf(excluded);
  return Object.fromEntries(
    Object.entries(resource).filter(([key]) => {
      const name = key.toLowerCase();
      if (name === 'schemas' || name === 'id' || name === 'meta') return true;
      if (keep.size > 0) return keep.has(name) || [...keep].some((k) => k.startsWith(`${name}.`));
      return !drop.has(name);
    }),
  );
}

/** A ListResponse (RFC 7644 §3.4.2). */
export const listResponse = (resources: Json[], total: number, startIndex: number) => ({
  schemas: [LIST_SCHEMA],
  totalResults: total,
  startIndex,
  itemsPerPage: resources.length,
  Resources: resources,
});
