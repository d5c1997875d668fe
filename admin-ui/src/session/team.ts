/**
 * Which of the user's teams the workspace's AI calls are charged to: the choices, and the choice
 * remembered in this browser per user (restored with the session, before any page calls the API).
 */
import type { Me } from '../api/identity.js';
import { setActingTeam } from '../api/team.js';

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

/** Restores the remembered choice while it is still one of the user's teams. */
export function restoreTeam(me: Me): void {
  const saved = localStorage.getItem(storageKey(me));
  setActingTeam(saved && teamChoices(me).some((c) => c.id === saved) ? saved : undefined);
}

export function chooseTeam(me: Me, id: string): void {
  localStorage.setItem(storageKey(me), id);
  setActingTeam(id);
}
