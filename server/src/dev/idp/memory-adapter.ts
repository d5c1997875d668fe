/**
 * In-memory storage for the development IdP's sessions, interactions, codes, tokens and grants.
 *
 * oidc-provider ships a quick-start memory adapter but prints a "you MUST change it" warning on every
 * start and evicts entries past a fixed size; for a development IdP whose state is meant to vanish on
 * restart, this small store with per-entry expiry does the job quietly.
 */
import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  /** Epoch milliseconds; undefined when oidc-provider gave no lifetime. */
  expiresAt: number | undefined;
}

/** Models whose entries belong to a grant and die with it (revocation, RFC 7009 §2.1). */
const GRANT_BOUND = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/** Expired entries are swept every this many writes, so memory stays bounded without a timer. */
const SWEEP_EVERY = 200;

/**
 * Creates an adapter factory whose models share one private store. `clockToleranceSeconds` extends
 * every lifetime like oidc-provider's own adapter does, so tokens valid within the tolerance are found.
 */
export function createMemoryAdapterFactory(clockToleranceSeconds: number): AdapterFactory {
  const entries = new Map<string, Entry>();
  const sessionByUid = new Map<string, string>();
  const keyByUserCode = new Map<string, string>();
  const grantMembers = new Map<string, Set<string>>();
  let writes = 0;

  function live(key: string): AdapterPayload | undefined {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      remove(key);
      return undefined;
    }
    return entry.payload;
  }

  function remove(key: string): void {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    const { uid, userCode, grantId } = entry.payload;
    if (uid !== undefined && sessionByUid.get(uid) === key) sessionByUid.delete(uid);
    if (userCode !== undefined && keyByUserCode.get(userCode) === key) keyByUserCode.delete(userCode);
    if (grantId !== undefined) grantMembers.get(grantId)?.delete(key);
  }

  function sweep(): void {
    const now = Date.now();
    for (const [key, entry] of entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) remove(key);
    }
    for (const [grantId, members] of grantMembers) {
      if (members.size === 0) grantMembers.delete(grantId);
    }
  }

  return (model: string): Adapter => {
    const keyOf = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        const key = keyOf(id);
        remove(key);
        const expiresAt =
          typeof expiresIn === 'number' ? Date.now() + (expiresIn + clockToleranceSeconds) * 1000 : undefined;
        // A copy: oidc-provider keeps mutating its model objects after saving them.
        const stored = structuredClone(payload);
        entries.set(key, { payload: stored, expiresAt });
        if (model === 'Session' && stored.uid !== undefined) sessionByUid.set(stored.uid, key);
        if (stored.userCode !== undefined) keyByUserCode.set(stored.userCode, key);
        if (GRANT_BOUND.has(model) && stored.grantId !== undefined) {
          const members = grantMembers.get(stored.grantId) ?? new Set<string>();
          members.add(key);
          grantMembers.set(stored.grantId, members);
        }
        if (++writes % SWEEP_EVERY === 0) sweep();
      },
      async find(id) {
        return live(keyOf(id));
      },
      async findByUid(uid) {
        const key = sessionByUid.get(uid);
        return key === undefined ? undefined : live(key);
      },
      async findByUserCode(userCode) {
        const key = keyByUserCode.get(userCode);
        return key === undefined ? undefined : live(key);
      },
      async consume(id) {
        const payload = live(keyOf(id));
        // Seconds since the epoch, as oidc-provider compares it.
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        remove(keyOf(id));
      },
      async revokeByGrantId(grantId) {
        for (const key of grantMembers.get(grantId) ?? []) remove(key);
        grantMembers.delete(grantId);
      },
    };
  };
}
