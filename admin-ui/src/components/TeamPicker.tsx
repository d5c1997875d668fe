/**
 * The team picker of the workspace, for people in several teams: the team their chats, generations
 * and analyses are charged to (sent as `x-aila-team`).
 */
import { useSyncExternalStore } from 'react';
import type { Me } from '../api/identity.js';
import { actingTeam, onActingTeamChange } from '../api/team.js';
import { chooseTeam, teamChoices } from '../session/team.js';

export function TeamPicker({ me }: { me: Me }) {
  const choices = teamChoices(me);
  const chosen = useSyncExternalStore(onActingTeamChange, actingTeam);
  if (choices.length < 2) return null;
  return (
    <label className="team-picker">
      <span className="field-label">Team</span>
      <select
        className="select"
        value={chosen ?? choices[0]?.id}
        onChange={(e) => chooseTeam(me, e.target.value)}
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
