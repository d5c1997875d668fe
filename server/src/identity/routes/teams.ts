import { presentMember, presentTeam } from '../presenters.js';
import { actorOf, principalOf } from '../principal.js';
import { type DeclaredRouter, handle } from '../route-registry.js';
import { CreateTeamBody, IdParams, SetMemberBody, TeamMemberParams, UpdateTeamBody } from '../schemas.js';
import type { TeamService } from '../teams/service.js';

/**
 * Teams and membership under `/api/v1/admin/teams`. Creating and deleting teams is for admins
 * (users:manage); team admins manage the teams they administer (team:manage, team scope).
 */
export function teamRoutes(r: DeclaredRouter, { teams }: { teams: TeamService }): void {
  r.get('/api/v1/admin/teams', 'team:manage', async (req, res) => {
    res.json({ teams: (await teams.list(principalOf(req))).map(presentTeam) });
  });

  r.post(
    '/api/v1/admin/teams',
    'users:manage',
    ...handle({ body: CreateTeamBody }, async (req, res) => {
      res.status(201).json({ team: presentTeam(await teams.create(actorOf(req), req.body)) });
    }),
  );

  r.get(
    '/api/v1/admin/teams/:id',
    'team:manage',
    ...handle({ params: IdParams }, async (req, res) => {
      const { team, members } = await teams.get(principalOf(req), req.params.id);
      res.json({ team: presentTeam(team), members: members.map(presentMember) });
    }),
  );

  r.patch(
    '/api/v1/admin/teams/:id',
    'team:manage',
    ...handle({ params: IdParams, body: UpdateTeamBody }, async (req, res) => {
      const team = await teams.update(principalOf(req), actorOf(req), req.params.id, req.body);
      res.json({ team: presentTeam(team) });
    }),
  );

  r.delete(
    '/api/v1/admin/teams/:id',
    'users:manage',
    ...handle({ params: IdParams }, async (req, res) => {
      await teams.remove(actorOf(req), req.params.id);
      res.status(204).end();
    }),
  );

  r.put(
    '/api/v1/admin/teams/:id/members/:userId',
    'team:manage',
    ...handle({ params: TeamMemberParams, body: SetMemberBody }, async (req, res) => {
      const { id, userId } = req.params;
      const members = await teams.setMember(principalOf(req), actorOf(req), id, userId, req.body.role);
      res.json({ members: members.map(presentMember) });
    }),
  );

  r.delete(
    '/api/v1/admin/teams/:id/members/:userId',
    'team:manage',
    ...handle({ params: TeamMemberParams }, async (req, res) => {
      await teams.removeMember(principalOf(req), actorOf(req), req.params.id, req.params.userId);
      res.status(204).end();
    }),
  );
}
