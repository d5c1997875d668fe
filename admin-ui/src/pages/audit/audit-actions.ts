/** Action families of the audit catalogue (server/src/audit/catalogue.ts), for the filter suggestions. */
export const AUDIT_ACTION_SUGGESTIONS = [
  'auth.*',
  'auth.login',
  'auth.logout',
  'auth.session_revoked',
  'api_key.*',
  'api_key.created',
  'api_key.revoked',
  'user.*',
  'user.disabled',
  'user.enabled',
  'role.*',
  'role.granted',
  'role.revoked',
  'team.*',
  'idp.*',
  'idp.test_login',
  'scim.*',
  'backend.updated',
  'quota.updated',
  'project.*',
  'conversation.deleted',
  'settings.updated',
  'keys.rotated',
  'content.read',
  'compliance.*',
  'retention.purged',
];

export const outcomeTone = (outcome: string): 'success' | 'warning' | 'danger' =>
  outcome === 'success' ? 'success' : outcome === 'denied' ? 'warning' : 'danger';
