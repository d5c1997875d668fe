/**
 * The team picker of the workspace, for people in several teams: the team their chats, generations
 * and analyses are charged to (sent as `x-aila-team`), remembered in this browser per user.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { Me } from '../api/identity.js';
import { actingTeam, onActingTeamChange, setActingTeam } from '../api/team.js';

export interface TeamChoice {
  id: string;
  name: string;
}

/** Teams an AI call may be charged to: memberships (the first is the appliance's default), then administered teams. */
export function teamChoices(me: Me): TeamChoice[] {
  const choices = me.teams.map((t) => ({ id: t.id, name: t.name }));
  for (const r of me.roles) {
    if (r.team_id && !choices.some((c) => c.id === r.team_id))
      choices.push({ id: r.team_id, name: r.team_slug ?? r.team_id });
  }
  return choices;
}

const storageKey = (me: Me) => `aila.workspace.team.${me.user.id}`;

export function TeamPicker({ me }: { me: Me }) {
  const choices = teamChoices(me);
  const chosen = useSyncExternalStore(onActingTeamChange, actingTeam);

  // biome-ignore lint/correctness/useExhaustiveDependencies: restore once per signed-in user.
  useEffect(() => {
    const saved = localStorage.getItem(storageKey(me));
    setActingTeam(choices.some((c) => c.id === saved) ? (saved ?? undefined) : undefined);
  }, [me.user.id]);

  if (choices.length < 2) return null;
  return (
    <label className="team-picker">
      <span className="field-label">Team</span>
      <select
        className="select"
        value={chosen ?? choices[0]?.id}
        onChange={(e) => {
          localStorage.setItem(storageKey(me), e.target.value);
          setActingTeam(e.target.value);
        }}
        aria-describedby="team-picker-hint"
      >
        {choices.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      <span id="team-picker-hint" className="visually-hidden">
        Your AI calls are charged to this team: its quotas, usage and receipts.
      </span>
    </label>
  );
}
