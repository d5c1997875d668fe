/**
 * Pins roles on a user (`PUT /api/v1/admin/users/:id/roles`). Roles that come from identity provider
 * groups are shown but follow the groups at each sign-in; pinned roles stay until removed here.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { identity, type Role, type UserDetail } from '../../api/identity.js';
import { CheckOption } from '../../components/CheckOption.js';
import { ErrorAlert, Loading } from '../../components/Feedback.js';
import { FormDialog } from '../../components/FormDialog.js';
import { useAction } from '../../hooks/use-action.js';
import { useResource } from '../../hooks/use-resource.js';
import { toggled } from '../../lib/sets.js';
import { roleLabel } from '../../session/permissions.js';

const GLOBAL_ROLES: Array<{ role: Exclude<Role, 'team_admin'>; hint: string }> = [
  { role: 'admin', hint: 'Everything: users, roles, teams, backends, settings, audit and exports.' },
  { role: 'auditor', hint: 'Reads the audit log and receipts and exports evidence; cannot use the AI.' },
  { role: 'developer', hint: 'Uses the chat and the API, manages own keys, sees own usage.' },
];

const pinnedOf = (detail: UserDetail) => detail.roles.filter((r) => r.source === 'admin');

export function RolesDialog({
  open,
  detail,
  onClose,
  onSaved,
}: {
  open: boolean;
  detail: UserDetail;
  onClose(): void;
  onSaved(detail: UserDetail): void;
}) {
  const teams = useResource(async () => (open ? identity.teams() : undefined), [open]);
  const [globals, setGlobals] = useState<Set<string>>(new Set());
  const [teamAdmin, setTeamAdmin] = useState<Set<string>>(new Set());
  const { busy, error, setError, run } = useAction();

  useEffect(() => {
    if (!open) return;
    const pinned = pinnedOf(detail);
    setGlobals(new Set(pinned.filter((r) => r.role !== 'team_admin').map((r) => r.role)));
    setTeamAdmin(new Set(pinned.flatMap((r) => (r.role === 'team_admin' && r.team_id ? [r.team_id] : []))));
    setError(undefined);
  }, [open, detail, setError]);

  const fromIdp = detail.roles.filter((r) => r.source !== 'admin');

  async function save(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      const roles = [
        ...[...globals].map((role) => ({ role: role as Role })),
        ...[...teamAdmin].map((team_id) => ({ role: 'team_admin' as const, team_id })),
      ];
      onSaved(await identity.setRoles(detail.user.id, roles));
    });
  }

  return (
    <FormDialog
      open={open}
      title="Change roles"
      description={detail.user.email}
      onClose={onClose}
      formId="roles-form"
      onSubmit={save}
      noValidate={false}
      submitLabel={busy ? 'Saving…' : 'Save roles'}
      busy={busy}
      error={error}
      errorTitle="The roles were not saved"
    >
      {fromIdp.length > 0 && (
        <p className="muted">
          From identity provider groups:{' '}
          <strong>
            {fromIdp
              .map((r) => (r.team_slug ? `${roleLabel(r.role)} (${r.team_slug})` : roleLabel(r.role)))
              .join(', ')}
          </strong>
          . These follow the user’s groups at each sign-in.
        </p>
      )}
      <fieldset className="fieldset">
        <legend>Pinned roles</legend>
        <div className="stack-sm">
          {GLOBAL_ROLES.map(({ role, hint }) => (
            <CheckOption
              key={role}
              name={`role-${role}`}
              checked={globals.has(role)}
              onChange={() => setGlobals((s) => toggled(s, role))}
              title={roleLabel(role)}
              hint={hint}
            />
          ))}
        </div>
      </fieldset>
      <fieldset className="fieldset">
        <legend>Team admin of</legend>
        {teams.loading && <Loading label="Loading teams…" />}
        <ErrorAlert error={teams.error} />
        {teams.data && teams.data.teams.length === 0 && <p className="muted">No teams exist yet.</p>}
        <div className="stack-sm">
          {teams.data?.teams.map((t) => (
            <CheckOption
              key={t.id}
              checked={teamAdmin.has(t.id)}
              onChange={() => setTeamAdmin((s) => toggled(s, t.id))}
              title={t.name}
              hint={t.slug}
            />
          ))}
        </div>
      </fieldset>
    </FormDialog>
  );
}
