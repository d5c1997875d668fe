/** Every page of the UI with the permission it needs; navigation is built from the same table. */
import { type ComponentType, lazy, type ReactNode } from 'react';
import type { IconName } from './components/Icon.js';
import type { NavSection } from './components/Shell.js';
import type { Requirement } from './session/permissions.js';

/** A page loaded on first visit: each page is its own chunk of the build. */
// biome-ignore lint/suspicious/noExplicitAny: the props type of each page is kept by inference (React.lazy's own bound).
function page<K extends string, C extends ComponentType<any>>(load: () => Promise<Record<K, C>>, name: K) {
  return lazy(async () => ({ default: (await load())[name] }));
}

const BackendsPage = page(() => import('./pages/admin/BackendsPage.js'), 'BackendsPage');
const ModelsPage = page(() => import('./pages/admin/ModelsPage.js'), 'ModelsPage');
const QuotasPage = page(() => import('./pages/admin/quotas/QuotasPage.js'), 'QuotasPage');
const SettingsPage = page(() => import('./pages/admin/settings/SettingsPage.js'), 'SettingsPage');
const ConnectionPage = page(() => import('./pages/admin/sso/ConnectionPage.js'), 'ConnectionPage');
const SsoPage = page(() => import('./pages/admin/sso/SsoPage.js'), 'SsoPage');
const TestLoginPage = page(() => import('./pages/admin/sso/TestLoginPage.js'), 'TestLoginPage');
const TeamsPage = page(() => import('./pages/admin/TeamsPage.js'), 'TeamsPage');
const UsageDashboard = page(() => import('./pages/admin/UsageDashboard.js'), 'UsageDashboard');
const UsersPage = page(() => import('./pages/admin/UsersPage.js'), 'UsersPage');
const AuditLogPage = page(() => import('./pages/audit/AuditLogPage.js'), 'AuditLogPage');
const CheckpointsPage = page(() => import('./pages/audit/CheckpointsPage.js'), 'CheckpointsPage');
const LegalHoldsPage = page(() => import('./pages/audit/holds/LegalHoldsPage.js'), 'LegalHoldsPage');
const ExportsPage = page(() => import('./pages/audit/ExportsPage.js'), 'ExportsPage');
const ReceiptsPage = page(() => import('./pages/audit/ReceiptsPage.js'), 'ReceiptsPage');
const VerifyPage = page(() => import('./pages/audit/VerifyPage.js'), 'VerifyPage');
const AnalyzePage = page(() => import('./pages/workspace/assistant/AnalyzePage.js'), 'AnalyzePage');
const ConversationPage = page(
  () => import('./pages/workspace/assistant/ConversationPage.js'),
  'ConversationPage',
);
const GeneratePage = page(() => import('./pages/workspace/assistant/GeneratePage.js'), 'GeneratePage');
const ProjectPage = page(() => import('./pages/workspace/assistant/ProjectPage.js'), 'ProjectPage');
const ProjectsPage = page(() => import('./pages/workspace/assistant/ProjectsPage.js'), 'ProjectsPage');
const TaskPage = page(() => import('./pages/workspace/assistant/TaskPage.js'), 'TaskPage');
const ChatPage = page(() => import('./pages/workspace/ChatPage.js'), 'ChatPage');
const DevicePage = page(() => import('./pages/workspace/DevicePage.js'), 'DevicePage');
const KeysPage = page(() => import('./pages/workspace/KeysPage.js'), 'KeysPage');
const SessionsPage = page(() => import('./pages/workspace/SessionsPage.js'), 'SessionsPage');
const UsagePage = page(() => import('./pages/workspace/UsagePage.js'), 'UsagePage');

export interface PageRoute {
  path: string;
  /** Navigation label; routes without one are reachable by link only (detail views). */
  label?: string;
  icon?: IconName;
  section: 'Workspace' | 'Administration' | 'Audit & evidence';
  requires: Requirement;
  render(params: Record<string, string>): ReactNode;
}

const EVIDENCE_READERS = ['receipts:read', 'audit:read'] as const;

export const ROUTES: PageRoute[] = [
  {
    path: '/workspace/chat',
    label: 'Chat',
    icon: 'chat',
    section: 'Workspace',
    requires: 'gateway:use',
    render: () => <ChatPage />,
  },
  {
    path: '/workspace/projects',
    label: 'Projects',
    icon: 'folder',
    section: 'Workspace',
    requires: 'assistant:use',
    render: () => <ProjectsPage />,
  },
  {
    path: '/workspace/projects/:id',
    section: 'Workspace',
    requires: 'assistant:use',
    render: (p) => <ProjectPage key={p.id} id={p.id as string} />,
  },
  {
    path: '/workspace/projects/:id/tasks/:taskId',
    section: 'Workspace',
    requires: 'assistant:use',
    render: (p) => <TaskPage key={p.taskId} projectId={p.id as string} taskId={p.taskId as string} />,
  },
  {
    path: '/workspace/conversations/:id',
    section: 'Workspace',
    requires: 'assistant:use',
    render: (p) => <ConversationPage key={p.id} id={p.id as string} />,
  },
  {
    path: '/workspace/generate',
    label: 'Generate',
    icon: 'code',
    section: 'Workspace',
    requires: 'assistant:use',
    render: () => <GeneratePage />,
  },
  {
    path: '/workspace/analyze',
    label: 'Analyze',
    icon: 'analyze',
    section: 'Workspace',
    requires: 'assistant:use',
    render: () => <AnalyzePage />,
  },
  {
    path: '/workspace/keys',
    label: 'API keys',
    icon: 'key',
    section: 'Workspace',
    requires: 'keys:own',
    render: () => <KeysPage />,
  },
  {
    path: '/workspace/usage',
    label: 'My usage',
    icon: 'usage',
    section: 'Workspace',
    requires: 'usage:own',
    render: () => <UsagePage />,
  },
  {
    path: '/workspace/sessions',
    label: 'Sessions',
    icon: 'sessions',
    section: 'Workspace',
    requires: 'authenticated',
    render: () => <SessionsPage />,
  },
  {
    // Device sign-in (`aila login`, RFC 8628): opened from the terminal's link, not from navigation.
    path: '/device',
    section: 'Workspace',
    requires: 'authenticated',
    render: () => <DevicePage />,
  },
  {
    path: '/admin/users',
    label: 'Users',
    icon: 'users',
    section: 'Administration',
    requires: 'users:manage',
    render: () => <UsersPage />,
  },
  {
    path: '/admin/users/:id',
    section: 'Administration',
    requires: 'users:manage',
    render: (p) => <UsersPage selectedId={p.id} />,
  },
  {
    path: '/admin/teams',
    label: 'Teams',
    icon: 'teams',
    section: 'Administration',
    requires: 'team:manage',
    render: () => <TeamsPage />,
  },
  {
    path: '/admin/teams/:id',
    section: 'Administration',
    requires: 'team:manage',
    render: (p) => <TeamsPage selectedId={p.id} />,
  },
  {
    path: '/admin/quotas',
    label: 'Quota plans',
    icon: 'quota',
    section: 'Administration',
    requires: 'users:manage',
    render: () => <QuotasPage />,
  },
  {
    path: '/admin/quotas/:id',
    section: 'Administration',
    requires: 'users:manage',
    render: (p) => <QuotasPage selectedId={p.id} />,
  },
  {
    path: '/admin/sso',
    label: 'SSO connections',
    icon: 'sso',
    section: 'Administration',
    requires: 'idp:manage',
    render: () => <SsoPage />,
  },
  {
    path: '/admin/sso/connections/:name',
    section: 'Administration',
    requires: 'idp:manage',
    render: (p) => <ConnectionPage name={p.name ?? ''} />,
  },
  {
    // Where a test login's IdP callback lands (server/src/identity/idp/test-login.ts testLoginPage).
    path: '/admin/sso/test-logins/:id',
    section: 'Administration',
    requires: 'idp:manage',
    render: (p) => <TestLoginPage id={p.id ?? ''} />,
  },
  {
    path: '/admin/backends',
    label: 'Backends',
    icon: 'backends',
    section: 'Administration',
    requires: 'backends:manage',
    render: () => <BackendsPage />,
  },
  {
    path: '/admin/models',
    label: 'Models',
    icon: 'models',
    section: 'Administration',
    requires: 'backends:manage',
    render: () => <ModelsPage />,
  },
  {
    path: '/admin/usage',
    label: 'Usage',
    icon: 'usage',
    section: 'Administration',
    requires: 'users:manage',
    render: () => <UsageDashboard />,
  },
  {
    path: '/admin/settings',
    label: 'Settings',
    icon: 'settings',
    section: 'Administration',
    requires: 'settings:manage',
    render: () => <SettingsPage />,
  },
  {
    path: '/audit/events',
    label: 'Audit log',
    icon: 'audit',
    section: 'Audit & evidence',
    requires: 'audit:read',
    render: () => <AuditLogPage />,
  },
  {
    path: '/audit/events/:id',
    section: 'Audit & evidence',
    requires: 'audit:read',
    render: (p) => <AuditLogPage selectedId={p.id} />,
  },
  {
    path: '/audit/receipts',
    label: 'Receipts',
    icon: 'receipt',
    section: 'Audit & evidence',
    requires: 'receipts:read',
    render: () => <ReceiptsPage />,
  },
  {
    path: '/audit/receipts/:id',
    section: 'Audit & evidence',
    requires: 'receipts:read',
    render: (p) => <ReceiptsPage selectedId={p.id} />,
  },
  {
    path: '/audit/checkpoints',
    label: 'Checkpoints',
    icon: 'checkpoint',
    section: 'Audit & evidence',
    requires: EVIDENCE_READERS,
    render: () => <CheckpointsPage />,
  },
  {
    path: '/audit/exports',
    label: 'Compliance exports',
    icon: 'export',
    section: 'Audit & evidence',
    requires: 'compliance:export',
    render: () => <ExportsPage />,
  },
  {
    path: '/audit/legal-holds',
    label: 'Legal holds',
    icon: 'hold',
    section: 'Audit & evidence',
    requires: 'compliance:export',
    render: () => <LegalHoldsPage />,
  },
  {
    path: '/audit/verify',
    label: 'Verify a receipt',
    icon: 'check',
    section: 'Audit & evidence',
    requires: EVIDENCE_READERS,
    render: () => <VerifyPage />,
  },
];

const SECTION_ORDER: PageRoute['section'][] = ['Workspace', 'Administration', 'Audit & evidence'];

/** The navigation for a user: sections in a fixed order, only the pages they may open. */
export function navigationFor(allowed: (r: Requirement) => boolean): NavSection[] {
  return SECTION_ORDER.map((label) => ({
    label,
    items: ROUTES.filter((r) => r.section === label && r.label && r.icon && allowed(r.requires)).map((r) => ({
      path: r.path,
      label: r.label as string,
      icon: r.icon as IconName,
    })),
  })).filter((s) => s.items.length > 0);
}
