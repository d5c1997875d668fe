/**
 * The team the workspace's AI calls are charged to (quotas, usage, receipts), sent as the
 * `x-aila-team` header the gateway reads (server/src/access.ts). Unset, the appliance charges the
 * user's oldest team membership.
 */
export const TEAM_HEADER = 'x-aila-team';

const state: { team: string | undefined; listeners: Set<() => void> } = {
  team: undefined,
  listeners: new Set(),
};

export function actingTeam(): string | undefined {
  return state.team;
}

export function setActingTeam(team: string | undefined): void {
  state.team = team;
  for (const listener of state.listeners) listener();
}

export function onActingTeamChange(listener: () => void): () => void {
  state.listeners.add(listener);
  return () => state.listeners.delete(listener);
}

/** The header of a gateway or assistant call: the chosen team, or none. */
export const teamHeaders = (): Record<string, string> => (state.team ? { [TEAM_HEADER]: state.team } : {});
