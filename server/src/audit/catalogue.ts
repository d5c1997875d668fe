/**
 * The audit action catalogue (EVIDENCE.md §4): every action an audit event may carry, with what it
 * records. Dot-separated, lowercase; a new action is added here first, and docs/audit.md lists them.
 */
export const AUDIT_ACTIONS = {
  'auth.login': 'A user signed in through SSO (outcome failure: the IdP response was refused).',
  'auth.logout': 'A user signed out.',
  'auth.session_revoked': 'A session was revoked by its user or an admin.',
  'auth.device_approved': 'A user approved a CLI/IDE device login (outcome denied: the user refused it).',
  'auth.bootstrap': 'A one-time first-admin sign-in link was issued, used, or refused.',
  'auth.break_glass': 'The local break-glass administrator signed in, or an attempt was refused.',
  'api_key.created': 'An API key was created.',
  'api_key.revoked': 'An API key was revoked.',
  'user.created': 'A user was created (JIT provisioning, SCIM or admin).',
  'user.updated': 'A user profile, role or status changed.',
  'user.disabled': 'A user was disabled; their sessions and keys stop working.',
  'user.enabled': 'A disabled user was enabled again.',
  'user.deleted': 'A user was deleted.',
  'role.granted': 'A role was bound to a user.',
  'role.revoked': 'A role binding was removed.',
  'team.created': 'A team was created.',
  'team.updated': 'A team or its membership changed.',
  'team.deleted': 'A team was deleted.',
  'scim.request': 'A SCIM provisioning request changed users or groups.',
  'scim.token_created': 'A SCIM provisioning token was created.',
  'scim.token_revoked': 'A SCIM provisioning token was revoked.',
  'idp.updated': 'An SSO connection was created, changed or removed.',
  'idp.test_login':
    'An admin ran a test sign-in against an SSO connection (no session, no change); failure: refused or failed.',
  'backend.updated': 'A model backend was added, changed, drained or re-enabled.',
  'quota.updated': 'A quota plan or assignment changed.',
  'project.shared': 'An assistant project was shared with a team, moved to another team, or made private.',
  'project.deleted': 'An assistant project was deleted with its tasks and conversations.',
  'conversation.deleted': 'An assistant conversation was deleted with its messages.',
  'settings.updated': 'An appliance setting changed.',
  'keys.rotated': 'A signing key was rotated.',
  'content.read': 'Retained content was read through break-glass access (details carry the reason).',
  'content.key_destroyed':
    'The content key of a user or team was destroyed: their retained content can never be read again (crypto-shredding).',
  'compliance.export_requested': 'A compliance export was requested.',
  'compliance.export_downloaded': 'A compliance export bundle was downloaded.',
  'compliance.export_deleted': 'A compliance export was deleted.',
  'compliance.legal_hold': 'A legal hold was placed or released.',
  'retention.purged': 'The retention job deleted data past its retention period.',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
