/** One team: details, members and their team roles; add and remove members; delete (admins). */
import { type FormEvent, useEffect, useState } from 'react';
import { identity, type TeamMember } from '../../api/identity.js';
import { ConfirmDialog } from '../../components/Dialog.js';
import { Badge } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';
import { useResource } from '../../hooks/use-resource.js';
import { useSession } from '../../session/SessionProvider.js';
import { AddMember } from './AddMember.js';
import { DetailDrawer, useDrawerActions } from './DetailDrawer.js';
import { EraseContent } from './EraseContent.js';

export function TeamDrawer({
  teamId,
  onClose,
  onChanged,
}: {
  teamId: string | undefined;
  onClose(): void;
  onChanged(): void;
}) {
  const { can } = useSession();
  const detail = useResource(async () => (teamId ? identity.team(teamId) : undefined), [teamId]);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const actions = useDrawerActions(onChanged);
  const { busy, act } = actions;
  const [removing, setRemoving] = useState<TeamMember | undefined>();
  const [deleting, setDeleting] = useState(false);
  const data = detail.data;

  useEffect(() => {
    if (data) {
      setName(data.team.name);
      setDescription(data.team.description);
    }
  }, [data]);

  const id = teamId ?? '';
  const setMembers = (members: TeamMember[]) => data && detail.setData({ ...data, members });

  function saveDetails(event: FormEvent) {
    event.preventDefault();
    void act(async () => {
      const { team } = await identity.updateTeam(id, { name: name.trim(), description: description.trim() });
      if (data) detail.setData({ ...data, team });
    }, 'Team details saved.');
  }

  return (
    <DetailDrawer
      open={teamId !== undefined}
      title={data?.team.name ?? 'Team'}
      description={data ? <span className="mono">{data.team.slug}</span> : undefined}
      detail={detail}
      current={(d) => d.team.id === teamId}
      actions={actions}
      onClose={onClose}
      body={(data) => (
        <>
          <form className="stack-sm" onSubmit={saveDetails}>
            <Field label="Name">
              <input
                className="input"
                value={name}
                maxLength={128}
                onChange={(e) => setName(e.target.value)}
              />
            </Field>
            <Field label="Description">
              <textarea
                className="textarea"
                rows={2}
                value={description}
                maxLength={2000}
                onChange={(e) => setDescription(e.target.value)}
              />
            </Field>
            <div>
              <button type="submit" className="btn btn-sm" disabled={busy || !name.trim()}>
                Save details
              </button>
            </div>
          </form>

          <section className="stack-sm" aria-labelledby="members-heading">
            <h3 id="members-heading">Members ({data.members.length})</h3>
            {data.members.length === 0 ? (
              <p className="muted">No members yet.</p>
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Person</th>
                      <th scope="col">Team role</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.members.map((m) => (
                      <tr key={m.user_id}>
                        <td>
                          <div className="cell-title">{m.name || m.email}</div>
                          <div className="cell-sub">
                            {m.email} {m.source !== 'admin' && <Badge>from {m.source}</Badge>}
                          </div>
                        </td>
                        <td>
                          <select
                            className="select"
                            aria-label={`Team role of ${m.name || m.email}`}
                            value={m.role}
                            disabled={busy}
                            onChange={(e) => {
                              const role = e.target.value as TeamMember['role'];
                              void act(
                                async () =>
                                  setMembers((await identity.setMember(id, m.user_id, role)).members),
                                'Team role changed.',
                              );
                            }}
                          >
                            <option value="member">Member</option>
                            <option value="team_admin">Team admin</option>
                          </select>
                        </td>
                        <td className="actions">
                          <button
                            type="button"
                            className="btn btn-sm"
                            onClick={() => setRemoving(m)}
                            aria-label={`Remove ${m.name || m.email}`}
                          >
                            Remove
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          {can('users:manage') ? (
            <AddMember
              busy={busy}
              onAdd={(user, role) =>
                act(
                  async () => setMembers((await identity.setMember(id, user.id, role)).members),
                  `${user.name || user.email} added.`,
                )
              }
            />
          ) : (
            <p className="subtle">
              To add people, ask an administrator or map an identity provider group to this team.
            </p>
          )}
          <EraseContent key={data.team.id} scope="team" id={data.team.id} name={data.team.name} />
          {can('users:manage') && (
            <>
              <hr className="divider" />
              <div>
                <button type="button" className="btn btn-danger" onClick={() => setDeleting(true)}>
                  Delete team
                </button>
              </div>
            </>
          )}
        </>
      )}
    >
      <ConfirmDialog
        open={removing !== undefined}
        title="Remove from team?"
        confirmLabel="Remove"
        busy={busy}
        onCancel={() => setRemoving(undefined)}
        onConfirm={() => {
          const member = removing;
          setRemoving(undefined);
          if (member)
            void act(
              async () => {
                await identity.removeMember(id, member.user_id);
                if (data) setMembers(data.members.filter((m) => m.user_id !== member.user_id));
              },
              `${member.name || member.email} removed.`,
            );
        }}
      >
        <p>
          {removing?.name || removing?.email} leaves the team. If an identity provider group puts them in it,
          they return at their next sign-in.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={deleting}
        title="Delete this team?"
        confirmLabel="Delete team"
        busy={busy}
        onCancel={() => setDeleting(false)}
        onConfirm={() => {
          setDeleting(false);
          void act(async () => {
            await identity.deleteTeam(id);
            onClose();
          }, 'Team deleted.');
        }}
      >
        <p>
          The team and its memberships are removed. If an identity provider group maps to its slug, the team
          is created again at the next sign-in of a member.
        </p>
      </ConfirmDialog>
    </DetailDrawer>
  );
}
