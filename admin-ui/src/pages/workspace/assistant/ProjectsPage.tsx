/** The user's projects (own and shared with their teams): search, create, open. */
import { useState } from 'react';
import { assistant } from '../../../api/assistant.js';
import { Badge, EmptyState } from '../../../components/Feedback.js';
import { ListBody } from '../../../components/ListBody.js';
import { Card, PageHeader } from '../../../components/Page.js';
import { Time } from '../../../components/Time.js';
import { useCursorList } from '../../../hooks/use-cursor-list.js';
import { Link, useNavigate } from '../../../router/router.js';
import { useSession } from '../../../session/SessionProvider.js';
import { ProjectDialog } from './ProjectDialog.js';

export function ProjectsPage() {
  const { me } = useSession();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  const list = useCursorList((cursor) => assistant.projects({ ...(q ? { q } : {}), cursor, limit: 25 }), [q]);
  const teamName = (id: string | null) => me.teams.find((t) => t.id === id)?.name ?? 'a team';
  return (
    <div className="page">
      <PageHeader
        title="Projects"
        description="Group tasks, conversations and the code AI-LA generates and reviews for them."
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            New project
          </button>
        }
      />
      <div className="stack">
        <label className="field field-narrow">
          <span className="field-label">Search</span>
          <input className="input" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <Card flush>
          <ListBody
            list={list}
            empty={
              <EmptyState title={q ? 'No project matches' : 'No project yet'}>
                Create a project to keep tasks, conversations and operations together.
              </EmptyState>
            }
          >
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Project</th>
                    <th scope="col">Shared</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((p) => (
                    <tr key={p.id}>
                      <td>
                        <Link className="cell-title" to={`/workspace/projects/${p.id}`}>
                          {p.name}
                        </Link>
                        {p.description && <div className="cell-sub">{p.description.slice(0, 140)}</div>}
                      </td>
                      <td>
                        {p.team_id ? (
                          <Badge tone="info">{teamName(p.team_id)}</Badge>
                        ) : (
                          <span className="muted">Private</span>
                        )}
                        {!p.owned && <span className="subtle"> · shared with you</span>}
                      </td>
                      <td>
                        <Time value={p.created_at} relative />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </ListBody>
        </Card>
      </div>
      {creating && (
        <ProjectDialog
          open
          onClose={() => setCreating(false)}
          onSaved={(p) => {
            setCreating(false);
            navigate(`/workspace/projects/${p.id}`);
          }}
        />
      )}
    </div>
  );
}
