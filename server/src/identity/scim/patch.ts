import { AppError } from '../../platform/errors.js';
import { type PatchPath, parsePath } from './filter.js';

/** The user attributes this server keeps (RFC 7643 §4.1); other attributes are accepted and ignored. */
export interface UserDraft {
  userName: string;
  externalId: string | null;
  givenName: string;
  familyName: string;
  displayName: string;
  email: string;
  active: boolean;
}

/** The group attributes this server keeps (RFC 7643 §4.2); `members` are user ids. */
export interface GroupDraft {
  displayName: string;
  externalId: string | null;
  members: string[];
}

/** One operation of a PatchOp request (RFC 7644 §3.5.2). */
export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path?: PatchPath;
  value: unknown;
}

const invalid = (message: string) => new AppError('SCIM_INVALID_VALUE', message);

/** A string value; empty strings are refused where a value is required. */
export function scimString(value: unknown, what: string, required = true): string {
  if (typeof value === 'string' && (!required || value.trim() !== '')) return value.trim();
  throw invalid(`${what} must be a${required ? ' non-empty' : ''} string.`);
}

/** A boolean, also from the strings "True"/"False" that Entra ID sends (any case). */
export function scimBoolean(value: unknown, what: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
    return value.trim().toLowerCase() === 'true';
  throw invalid(`${what} must be a boolean.`);
}

/**
 * Reads a PatchOp request body (RFC 7644 §3.5.2): its schema, and operations whose `op` is add,
 * replace or remove in any case (Entra ID sends "Replace").
 */
export function readPatch(body: unknown): PatchOperation[] {
  const request = body as { schemas?: unknown; Operations?: unknown } | null;
  if (!request || typeof request !== 'object' || !Array.isArray(request.Operations)) {
    throw new AppError('SCIM_INVALID_SYNTAX', 'A PatchOp request needs an Operations array.');
  }
  if (
    !Array.isArray(request.schemas) ||
    !request.schemas.includes('urn:ietf:params:scim:api:messages:2.0:PatchOp')
  ) {
    throw new AppError(
      'SCIM_INVALID_SYNTAX',
      'schemas must include urn:ietf:params:scim:api:messages:2.0:PatchOp.',
    );
  }
  return request.Operations.map((raw: unknown) => {
    const operation = raw as { op?: unknown; path?: unknown; value?: unknown } | null;
    const op = typeof operation?.op === 'string' ? operation.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw new AppError('SCIM_INVALID_SYNTAX', 'op must be add, replace or remove.');
    }
    if (operation?.path !== undefined && typeof operation.path !== 'string') {
      throw new AppError('SCIM_INVALID_PATH', 'path must be a string.');
    }
    const path =
      typeof operation?.path === 'string' && operation.path !== '' ? parsePath(operation.path) : undefined;
    if (!path && op === 'remove') throw new AppError('SCIM_NO_TARGET', 'A remove operation needs a path.');
    return { op, ...(path ? { path } : {}), value: operation?.value };
  });
}

/**
 * A path-less add or replace carries an object whose keys are paths (RFC 7644 §3.5.2.1, §3.5.2.3):
 * Okta sends `{"active": false}`, Entra ID also `{"name.givenName": "..."}`.
 */
function expand(operation: PatchOperation): Array<{ path: PatchPath; value: unknown }> {
  if (operation.path) return [{ path: operation.path, value: operation.value }];
  const value = operation.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid('An operation without a path needs an object value.');
  }
  return Object.entries(value as Record<string, unknown>).map(([key, v]) => ({
    path: parsePath(key),
    value: v,
  }));
}

/** The e-mail to keep from a SCIM `emails` list: the primary one, else a work one, else the first. */
export function primaryEmail(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  const emails = value.filter(
    (e): e is { value: string; type?: unknown; primary?: unknown } =>
      typeof e === 'object' && e !== null && typeof (e as { value?: unknown }).value === 'string',
  );
  const chosen =
    emails.find((e) => e.primary === true || e.primary === 'True' || e.primary === 'true') ??
    emails.find((e) => e.type === 'work') ??
    emails[0];
  return chosen?.value.trim();
}

/** RFC 7644 §3.5.2.3: sub-attributes missing from a replaced complex value are left unchanged. */
function applyName(draft: UserDraft, sub: string | undefined, value: unknown, remove: boolean): void {
  if (sub === undefined) {
    if (remove) {
      draft.givenName = '';
      draft.familyName = '';
      return;
    }
    if (!value || typeof value !== 'object') throw invalid('name must be an object.');
    const name = value as { givenName?: unknown; familyName?: unknown };
    if (typeof name.givenName === 'string') draft.givenName = name.givenName.trim();
    if (typeof name.familyName === 'string') draft.familyName = name.familyName.trim();
    return;
  }
  if (sub === 'givenname') draft.givenName = remove ? '' : scimString(value, 'name.givenName', false);
  if (sub === 'familyname') draft.familyName = remove ? '' : scimString(value, 'name.familyName', false);
}

function applyEmails(draft: UserDraft, path: PatchPath, value: unknown, remove: boolean): void {
  if (remove) throw invalid('A user needs an e-mail address; emails cannot be removed.');
  if (path.filter || path.subAttribute === 'value') {
    // emails[type eq "work"].value, emails[primary eq true].value: the address itself.
    const address = typeof value === 'string' ? value : primaryEmail([value]);
    if (address) draft.email = address.trim();
    return;
  }
  const address = primaryEmail(Array.isArray(value) ? value : [value]);
  if (address) draft.email = address;
}

/** Applies PATCH operations to a user (RFC 7644 §3.5.2); returns the new state. */
export function patchUser(current: UserDraft, operations: readonly PatchOperation[]): UserDraft {
  const draft = { ...current };
  for (const operation of operations) {
    const remove = operation.op === 'remove';
    for (const { path, value } of expand(operation)) {
      switch (path.attribute) {
        case 'active':
          if (!remove) draft.active = scimBoolean(value, 'active');
          break;
        case 'username':
          if (remove) throw new AppError('SCIM_MUTABILITY', 'userName is required and cannot be removed.');
          draft.userName = scimString(value, 'userName');
          break;
        case 'externalid':
          draft.externalId = remove ? null : scimString(value, 'externalId');
          break;
        case 'displayname':
          draft.displayName = remove ? '' : scimString(value, 'displayName', false);
          break;
        case 'name':
          applyName(draft, path.subAttribute, value, remove);
          break;
        case 'emails':
          applyEmails(draft, path, value, remove);
          break;
        default:
          // title, phoneNumbers, addresses, locale, enterprise extension...: accepted, not kept.
          break;
      }
    }
  }
  return draft;
}

/** The user ids in a `members` value: `[{ "value": "<id>" }, ...]` (RFC 7643 §4.2). */
export function memberIds(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.map((m) => {
    const id = (m as { value?: unknown } | null)?.value;
    if (typeof id !== 'string' || id === '') throw invalid('Each member needs a string value (the user id).');
    return id;
  });
}

function applyMembers(draft: GroupDraft, op: PatchOperation['op'], path: PatchPath, value: unknown): void {
  if (path.filter) {
    // members[value eq "<id>"] (Okta's removal): only `value` can select a member.
    if (path.filter.attribute !== 'value' || typeof path.filter.value !== 'string') {
      throw new AppError(
        'SCIM_INVALID_FILTER',
        'Members are selected by value, e.g. members[value eq "<id>"].',
      );
    }
    const id = path.filter.value;
    if (op === 'remove') draft.members = draft.members.filter((m) => m !== id);
    else if (!draft.members.includes(id)) draft.members.push(id);
    return;
  }
  const ids = memberIds(value);
  if (op === 'add') draft.members = [...new Set([...draft.members, ...ids])];
  else if (op === 'replace') draft.members = [...new Set(ids)];
  // Entra ID removes with a value list; without one, every member goes (RFC 7644 §3.5.2.2).
  else
    draft.members =
      value === undefined || value === null ? [] : draft.members.filter((m) => !ids.includes(m));
}

/** Applies PATCH operations to a group (RFC 7644 §3.5.2); returns the new state. */
export function patchGroup(current: GroupDraft, operations: readonly PatchOperation[]): GroupDraft {
  const draft = { ...current, members: [...current.members] };
  for (const operation of operations) {
    for (const { path, value } of expand(operation)) {
      switch (path.attribute) {
        case 'members':
          applyMembers(draft, operation.op, path, value);
          break;
        case 'displayname':
          if (operation.op === 'remove') throw new AppError('SCIM_MUTABILITY', 'displayName is required.');
          draft.displayName = scimString(value, 'displayName');
          break;
        case 'externalid':
          draft.externalId = operation.op === 'remove' ? null : scimString(value, 'externalId');
          break;
        default:
          // id, meta and unknown attributes: nothing to change.
          break;
      }
    }
  }
  return draft;
}
