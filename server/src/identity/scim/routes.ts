import { Type } from '@sinclair/typebox';
import express, { type Request } from 'express';
import type { AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import { AppError } from '../../platform/errors.js';
import type { ScimCaller } from '../principal.js';
import { type DeclaredRouter, handle } from '../route-registry.js';
import { MAX_PAGE, resourceTypes, schemas, serviceProviderConfig } from './discovery.js';
import { scimErrorHandler, scimNotFound, sendScim } from './errors.js';
import { type Comparison, parseFilter } from './filter.js';
import type { ScimGroupService } from './groups.js';
import { readPatch } from './patch.js';
import { filterable, type Page } from './repository.js';
import { groupDraftOf, listResponse, presentGroup, presentUser, project, userDraftOf } from './resources.js';
import type { ScimUserService } from './users.js';

/** What the SCIM routes need. */
export interface ScimRoutesDeps {
  db: Db;
  audit: AuditService;
  users: ScimUserService;
  groups: ScimGroupService;
  publicUrl: string;
}

const BASE = '/scim/v2';
/** Ids are checked by the services (unknown ones are 404, as SCIM clients expect, not 400). */
const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 256 }) });

/** RFC 7644 §3.1: SCIM bodies are application/scim+json (plain application/json is accepted too). */
const scimJson = express.json({
  type: ['application/scim+json', 'application/json'],
  limit: '1mb',
  strict: true,
});

const callerOf = (req: Pick<Request, 'scim'>): ScimCaller => {
  if (!req.scim) throw new AppError('SCIM_TOKEN_INVALID');
  return req.scim;
};

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** RFC 7644 §3.4.2.4: startIndex is 1-based (below 1 means 1); count is capped, 0 asks only for the total. */
function pageOf(query: Record<string, unknown>): { page: Page; startIndex: number } {
  const startIndex = Math.max(1, Number.parseInt(text(query.startIndex) ?? '1', 10) || 1);
  const asked = Number.parseInt(text(query.count) ?? String(MAX_PAGE), 10);
  const count = Number.isNaN(asked) ? MAX_PAGE : Math.min(MAX_PAGE, Math.max(0, asked));
  return { page: { offset: startIndex - 1, limit: count }, startIndex };
}

function filterOf(query: Record<string, unknown>, resource: 'User' | 'Group'): Comparison | undefined {
  const filter = text(query.filter);
  if (filter === undefined || filter.trim() === '') return undefined;
  const parsed = parseFilter(filter);
  if (!filterable(resource, parsed.attribute)) {
    throw new AppError(
      'SCIM_INVALID_FILTER',
      `Filtering ${resource}s by ${parsed.attribute} is not supported.`,
    );
  }
  return parsed;
}

/** SCIM 2.0 (RFC 7644) under /scim/v2: Users, Groups and discovery, for the IdP's provisioning client. */
export function scimRoutes(r: DeclaredRouter, deps: ScimRoutesDeps): void {
  const { users, groups } = deps;
  const base = `${deps.publicUrl.replace(/\/+$/, '')}${BASE}`;
  const projectOf = (req: Request) => (resource: Record<string, unknown>) =>
    project(resource, text(req.query.attributes), text(req.query.excludedAttributes));
  const withMembers = (req: Request) =>
    !(text(req.query.excludedAttributes) ?? '')
      .toLowerCase()
      .split(',')
      .map((a) => a.trim())
      .includes('members');
  r.router.use(BASE, scimJson);

  // RFC 7644 §4: discovery; static, so it needs no token.
  r.get(`${BASE}/ServiceProviderConfig`, 'public', (_req, res) =>
    sendScim(res, 200, serviceProviderConfig(base)),
  );
  r.get(`${BASE}/ResourceTypes`, 'public', (_req, res) => {
    const all = resourceTypes(base);
    sendScim(res, 200, listResponse(all, all.length, 1));
  });
  r.get(`${BASE}/Schemas`, 'public', (_req, res) => {
    const all = schemas(base);
    sendScim(res, 200, listResponse(all, all.length, 1));
  });

  r.get(`${BASE}/Users`, 'scim', async (req, res) => {
    const { page, startIndex } = pageOf(req.query);
    const { users: found, total } = await users.list(callerOf(req), filterOf(req.query, 'User'), page);
    const shape = projectOf(req);
    sendScim(
      res,
      200,
      listResponse(
        found.map((u) => shape(presentUser(u.row, u.groups, base))),
        total,
        startIndex,
      ),
    );
  });
  r.post(`${BASE}/Users`, 'scim', async (req, res) => {
    const created = await users.create(callerOf(req), userDraftOf(req.body));
    res.setHeader('location', `${base}/Users/${created.row.user_id}`);
    sendScim(res, 201, presentUser(created.row, created.groups, base));
  });
  r.get(
    `${BASE}/Users/:id`,
    'scim',
    ...handle({ params: Id }, async (req, res) => {
      const found = await users.get(callerOf(req), req.params.id);
      sendScim(res, 200, projectOf(req as unknown as Request)(presentUser(found.row, found.groups, base)));
    }),
  );
  r.put(
    `${BASE}/Users/:id`,
    'scim',
    ...handle({ params: Id }, async (req, res) => {
      const updated = await users.replace(callerOf(req), req.params.id, userDraftOf(req.body));
      sendScim(res, 200, presentUser(updated.row, updated.groups, base));
    }),
  );
  r.patch(
    `${BASE}/Users/:id`,
    'scim',
    ...handle({ params: Id }, async (req, res) => {
      const updated = await users.patch(callerOf(req), req.params.id, readPatch(req.body));
      sendScim(res, 200, presentUser(updated.row, updated.groups, base));
    }),
  );
  r.delete(
    `${BASE}/Users/:id`,
    'scim',
    ...handle({ params: Id }, async (req, res) => {
      await users.remove(callerOf(req), req.params.id);
      res.status(204).end();
    }),
  );

  r.get(`${BASE}/Groups`, 'scim', async (req, res) => {
    const { page, startIndex } = pageOf(req.query);
    const members = withMembers(req);
    const found = await groups.list(callerOf(req), filterOf(req.query, 'Group'), page, members);
    const shape = projectOf(req);
    const resources = found.groups.map((g) => shape(presentGroup(g.row, g.members, base)));
    sendScim(res, 200, listResponse(resources, found.total, startIndex));
  });
  r.post(`${BASE}/Groups`, 'scim', async (req, res) => {
    const created = await groups.create(callerOf(req), groupDraftOf(req.body));
    res.setHeader('location', `${base}/Groups/${created.row.id}`);
    sendScim(res, 201, presentGroup(created.row, created.members, base));
  });
  r.get(
    `${BASE}/Groups/:id`,
    'scim',
    ...handle({ params: Id }, async (req, res) => {
      const request = req as unknown as Request;
      const found = await groups.get(callerOf(req), req.params.id, withMembers(request));
      sendScim(res, 200, projectOf(request)(presentGroup(found.row, found.members, base)));
    }),
  );
  r.put(
    `${BASE}/Groups/:id`,
    'scim',
    ...handle({ params: Id }, async (req, res) => {
      const updated = await groups.replace(callerOf(req), req.params.id, groupDraftOf(req.body));
      sendScim(res, 200, presentGroup(updated.row, updated.members, base));
    }),
  );
  r.patch(
    `${BASE}/Groups/:id`,
    'scim',
    ...handle({ params: Id }, async (req, res) => {
      const updated = await groups.patch(callerOf(req), req.params.id, readPatch(req.body));
      sendScim(res, 200, presentGroup(updated.row, updated.members, base));
    }),
  );
  r.delete(
    `${BASE}/Groups/:id`,
    'scim',
    ...handle({ params: Id }, async (req, res) => {
      await groups.remove(callerOf(req), req.params.id);
      res.status(204).end();
    }),
  );

  r.router.use(BASE, scimNotFound);
  r.router.use(BASE, scimErrorHandler(deps));
}
