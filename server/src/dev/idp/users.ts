/**
 * Seeded people of the development OpenID Connect provider.
 *
 * One user per appliance role that matters on day one, each in the IdP group the appliance maps to
 * that role (ARCHITECTURE.md "Roles": IdP groups map to roles per connection).
 */

/** A person who can sign in at the development IdP. Claims follow OIDC Core 1.0 §5.1. */
export interface DevUser {
  /** Stable subject identifier (`sub`); fixed so appliance rows survive IdP restarts. */
  sub: string;
  email: string;
  /** Full display name (`name` claim). */
  name: string;
  /** Short handle (`preferred_username` claim), also shown on the sign-in button. */
  preferredUsername: string;
  /** Group names delivered in the `groups` claim. */
  groups: string[];
}

/** The users seeded when `startDevIdp` is given none: an admin, an auditor and a developer. */
export const DEFAULT_DEV_USERS: readonly DevUser[] = Object.freeze([
  {
    sub: '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a01',
    email: 'admin@ai-la.dev',
    name: 'Alice Admin',
    preferredUsername: 'admin',
    groups: ['ai-la-admins'],
  },
  {
    sub: '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a02',
    email: 'auditor@ai-la.dev',
    name: 'Arthur Auditor',
    preferredUsername: 'auditor',
    groups: ['ai-la-auditors'],
  },
  {
    sub: '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a03',
    email: 'dev@ai-la.dev',
    name: 'Dana Developer',
    preferredUsername: 'dev',
    groups: ['ai-la-developers'],
  },
]);

/** Standard and custom claims the IdP releases, keyed by the scope that releases them (OIDC Core §5.4). */
export const CLAIMS_BY_SCOPE = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name', 'preferred_username'],
  groups: ['groups'],
} as const;

/** Claims of one user, before oidc-provider filters them down to what the grant allows. */
export interface DevUserClaims {
  [claim: string]: unknown;
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
  preferred_username: string;
  groups: string[];
}

/** Maps a user to its OIDC claims. E-mails are seeded by the operator, so they count as verified. */
export function claimsOf(user: DevUser): DevUserClaims {
  return {
    sub: user.sub,
    email: user.email,
    email_verified: true,
    name: user.name,
    preferred_username: user.preferredUsername,
    groups: [...user.groups],
  };
}

/** Lookup of users by subject and by (case-insensitive) e-mail. */
export interface DevUserDirectory {
  readonly users: DevUser[];
  bySub(sub: string): DevUser | undefined;
  byEmail(email: string): DevUser | undefined;
}

/** E-mail comparison key: the domain part is case-insensitive and users type the local part loosely. */
function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Validates the users and indexes them. Throws when the list is empty or a `sub` or e-mail repeats,
 * because either would make a sign-in ambiguous.
 */
export function createUserDirectory(users: readonly DevUser[]): DevUserDirectory {
  if (users.length === 0) {
    throw new Error('development IdP: at least one user is required');
  }
  // Copies, so a caller mutating its array later cannot change who may sign in.
  const copies = users.map((user) => ({ ...user, groups: [...user.groups] }));
  const subs = new Map<string, DevUser>();
  const emails = new Map<string, DevUser>();
  for (const user of copies) {
    if (user.sub.trim() === '' || user.email.trim() === '') {
      throw new Error('development IdP: every user needs a non-empty sub and email');
    }
    if (subs.has(user.sub)) {
      throw new Error(`development IdP: duplicate user sub ${user.sub}`);
    }
    if (emails.has(emailKey(user.email))) {
      throw new Error(`development IdP: duplicate user email ${user.email}`);
    }
    subs.set(user.sub, user);
    emails.set(emailKey(user.email), user);
  }
  return {
    users: copies,
    bySub: (sub) => subs.get(sub),
    byEmail: (email) => emails.get(emailKey(email)),
  };
}
