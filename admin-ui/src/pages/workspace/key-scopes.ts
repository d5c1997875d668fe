/** API key scopes, what each unlocks (server/src/identity/rbac.ts API_KEY_SCOPES) and how to explain it. */
import type { ApiKeyScope } from '../../api/identity.js';
import type { Permission } from '../../session/permissions.js';

export const SCOPE_INFO: Record<ApiKeyScope, { label: string; hint: string; unlocks: Permission[] }> = {
  gateway: {
    label: 'Gateway',
    hint: 'OpenAI-compatible /v1 API: chat, completions, embeddings, models.',
    unlocks: ['gateway:use', 'usage:own'],
  },
  assistant: {
    label: 'Assistant',
    hint: 'AI-LA assistant operations from the CLI and IDE extensions.',
    unlocks: ['assistant:use', 'usage:own'],
  },
  'receipts:read': {
    label: 'Receipts (read)',
    hint: 'Read receipts and proofs, e.g. from a verification script.',
    unlocks: ['receipts:read'],
  },
  'compliance:export': {
    label: 'Compliance export',
    hint: 'Request signed evidence bundles.',
    unlocks: ['compliance:export'],
  },
  admin: {
    label: 'Administration',
    hint: 'Users, teams, keys, backends and settings through the admin API.',
    unlocks: [
      'users:manage',
      'keys:manage',
      'team:manage',
      'backends:manage',
      'settings:manage',
      'idp:manage',
      'audit:read',
    ],
  },
};

export const EXPIRY_CHOICES = [30, 90, 180, 365] as const;
