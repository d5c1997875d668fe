/** How a connection turns IdP groups into AI-LA roles and teams, and what it provisions at sign-in. */
import type { ConnectionDetail } from '../../../api/idp.js';
import { Badge } from '../../../components/Feedback.js';
import { Card } from '../../../components/Page.js';
import { roleLabel } from '../../../session/permissions.js';

export function MappingCard({ connection }: { connection: ConnectionDetail }) {
  const { mapping } = connection;
  const word = connection.protocol === 'oidc' ? 'claim' : 'attribute';
  const rows = [
    ...mapping.group_roles.map((m) => ({
      group: m.group,
      grants: roleLabel(m.role),
      team: null as string | null,
    })),
    ...mapping.group_teams.map((m) => ({
      group: m.group,
      grants: m.role === 'team_admin' ? 'Team admin' : 'Member',
      team: m.team,
    })),
  ].sort((a, b) => a.group.localeCompare(b.group));
  return (
    <Card
      title="Group mapping and provisioning"
      description="Applied at every sign-in: IdP-sourced roles and memberships follow the groups; roles pinned by an admin stay."
      labelledBy="mapping-heading"
    >
      <div className="stack">
        {rows.length === 0 ? (
          <p className="muted">No group is mapped: only the default role applies.</p>
        ) : (
          <div className="table-wrap">
            <table className="table" aria-label="Group mappings">
              <thead>
                <tr>
                  <th scope="col">IdP group</th>
                  <th scope="col">Grants</th>
                  <th scope="col">Team</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.group}/${r.grants}/${r.team ?? ''}`}>
                    <td className="mono break-all">{r.group}</td>
                    <td>{r.grants}</td>
                    <td className="mono">{r.team ?? <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <dl className="dl">
          <dt>Default role</dt>
          <dd>
            {mapping.default_role ? (
              <>
                {roleLabel(mapping.default_role)}{' '}
                <span className="subtle">for people none of whose groups map to a role</span>
              </>
            ) : (
              <span>none: people without a mapped group are refused (reason not_entitled)</span>
            )}
          </dd>
          <dt>E-mail domains</dt>
          <dd>
            {mapping.domains.length > 0 ? (
              <span className="mono">{mapping.domains.join(', ')}</span>
            ) : (
              'any (the connection may assert any e-mail domain)'
            )}
          </dd>
          <dt>Profile {word}s</dt>
          <dd>
            e-mail <code>{mapping.claims.email}</code>, name <code>{mapping.claims.name}</code>, groups{' '}
            <code>{mapping.claims.groups}</code>
          </dd>
          <dt>Just-in-time</dt>
          <dd>
            <ul className="plain-list">
              <li>
                <Badge tone="accent">users</Badge> created at their first sign-in, linked by IdP subject, or
                by e-mail to an existing user
              </li>
              <li>
                <Badge tone="accent">roles</Badge> re-computed from the groups at every sign-in
              </li>
              <li>
                <Badge tone={mapping.jit.creates_teams ? 'accent' : 'neutral'}>teams</Badge>{' '}
                {mapping.jit.creates_teams
                  ? 'named by group mappings are created on first use'
                  : 'none: no group maps to a team'}
              </li>
            </ul>
          </dd>
        </dl>
      </div>
    </Card>
  );
}
