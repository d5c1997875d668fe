import type { Db } from '../../platform/db/knex.js';
import { AppError } from '../../platform/errors.js';
import { type DeclaredRouter, handle } from '../route-registry.js';
import { SubjectsQuery } from '../schemas.js';
import { listTeams } from '../teams/repository.js';
import type { UserService } from '../users/service.js';

const MAX_USERS = 10;
const MAX_TEAMS = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function byId(users: UserService, id: string) {
  try {
    return [(await users.get(id.toLowerCase())).user];
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return [];
    throw err;
  }
}

/**
 * The users and teams a legal hold can name, for those who place holds (compliance:export, which
 * auditors hold without users:manage): ids, names, e-mails and slugs only, no roles or identities.
 * `q` is a name or e-mail fragment, or a user's id.
 */
export function subjectRoutes(r: DeclaredRouter, { db, users }: { db: Db; users: UserService }): void {
  r.get(
    '/api/v1/compliance/subjects',
    'compliance:export',
    ...handle({ query: SubjectsQuery }, async (req, res) => {
      const { scope, q } = req.query;
      if (scope === 'user') {
        // A user id finds that user (a hold lists whom it covers by id).
        const rows =
          q && UUID.test(q)
            ? await byId(users, q)
            : (await users.search({ q, limit: MAX_USERS, offset: 0 })).rows;
        res.json({ subjects: rows.map((u) => ({ id: u.id, name: u.name, email: u.email })) });
        return;
      }
      const needle = q?.toLowerCase() ?? '';
      const teams = (await listTeams(db)).filter((t) => `${t.name} ${t.slug}`.toLowerCase().includes(needle));
      res.json({
        subjects: teams.slice(0, MAX_TEAMS).map((t) => ({ id: t.id, name: t.name, slug: t.slug })),
      });
    }),
  );
}
