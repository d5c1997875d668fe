/**
 * Device sign-in (`aila login`, OAuth 2.0 Device Authorization Grant, RFC 8628): the user enters or
 * confirms the code their terminal shows, sees what the device asks for, and approves or denies it.
 * The CLI opens `/device?user_code=XXXX-XXXX` (verification_uri_complete); a signed-out visitor signs
 * in first and comes back here with the code.
 */
import { type FormEvent, type ReactNode, useEffect, useId, useState } from 'react';
import { ApiError } from '../../api/client.js';
import { type DeviceRequest, identity } from '../../api/identity.js';
import { Alert, Badge, ErrorAlert, Loading } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';
import { Card, PageHeader } from '../../components/Page.js';
import { Time } from '../../components/Time.js';
import { useResource } from '../../hooks/use-resource.js';
import { formatUserCodeInput, normaliseUserCode, userCodeProblem } from '../../lib/device-code.js';
import { Link, useNavigate, useSearchParams } from '../../router/router.js';
import { useSession } from '../../session/SessionProvider.js';
import { SCOPE_INFO } from './key-scopes.js';

type Outcome = { decision: 'approved' | 'denied'; request: DeviceRequest } | { decision: 'gone' };

/** True once `expiresAt` has passed (re-evaluated when it does, not by polling). */
function useExpired(expiresAt: string | undefined): boolean {
  const [expired, setExpired] = useState(false);
  useEffect(() => {
    setExpired(false);
    if (!expiresAt) return;
    const left = new Date(expiresAt).getTime() - Date.now();
    if (left <= 0) {
      setExpired(true);
      return;
    }
    // setTimeout holds at most 2^31-1 ms; codes live minutes.
    const timer = window.setTimeout(() => setExpired(true), Math.min(left, 2_147_483_647));
    return () => window.clearTimeout(timer);
  }, [expiresAt]);
  return expired;
}

const notFound = (err: unknown) => err instanceof ApiError && err.status === 404;

function CodeForm({ initial, onSubmit }: { initial: string; onSubmit(code: string): void }) {
  const [value, setValue] = useState(() => formatUserCodeInput(initial));
  // A code in the address that cannot be one is explained at once.
  const [problem, setProblem] = useState(() => (initial ? userCodeProblem(initial) : undefined));

  function submit(event: FormEvent) {
    event.preventDefault();
    const why = userCodeProblem(value);
    setProblem(why);
    const code = normaliseUserCode(value);
    if (!why && code) onSubmit(code);
  }

  return (
    <form className="stack" onSubmit={submit} noValidate>
      <Field
        label="Code shown in your terminal"
        hint="8 letters, like WDJB-MJHT. Upper or lower case, with or without the dash."
        error={problem}
        className="field-narrow"
      >
        <input
          className="input mono"
          name="user_code"
          value={value}
          onChange={(e) => setValue(formatUserCodeInput(e.target.value))}
          placeholder="XXXX-XXXX"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={12}
        />
      </Field>
      <div>
        <button type="submit" className="btn btn-primary">
          Continue
        </button>
      </div>
    </form>
  );
}

function ScopeList({ request }: { request: DeviceRequest }) {
  return (
    <ul className="plain-list" aria-label="Requested access">
      {request.scopes_requested.map((scope) => {
        const info = SCOPE_INFO[scope];
        const granted = request.scopes_granted.includes(scope);
        return (
          <li key={scope}>
            <div className="row">
              <strong>{info?.label ?? scope}</strong>
              {!granted && <Badge tone="warning">not allowed by your roles</Badge>}
            </div>
            {info && <div className="subtle">{info.hint}</div>}
          </li>
        );
      })}
    </ul>
  );
}

function RequestDetails({ request, expired }: { request: DeviceRequest; expired: boolean }) {
  return (
    <dl className="dl">
      <dt>Application</dt>
      <dd>
        {request.client_name} <span className="subtle mono">({request.client_id})</span>
      </dd>
      <dt>Code</dt>
      <dd>
        <code className="device-code" data-testid="device-user-code">
          {request.user_code}
        </code>
      </dd>
      <dt>Access</dt>
      <dd>
        <ScopeList request={request} />
      </dd>
      <dt>Requested</dt>
      <dd>
        <Time value={request.created_at} relative />
      </dd>
      <dt>{expired ? 'Expired' : 'Expires'}</dt>
      <dd>
        <Time value={request.expires_at} relative />
      </dd>
    </dl>
  );
}

export function DevicePage() {
  const search = useSearchParams();
  const navigate = useNavigate();
  const { can } = useSession();
  const headingId = useId();
  const typed = search.get('user_code') ?? '';
  const code = normaliseUserCode(typed);
  const lookup = useResource(
    (signal) => (code ? identity.deviceRequest(code, signal) : Promise.resolve(undefined)),
    [code],
  );
  const request = lookup.data?.request;
  const expired = useExpired(request?.expires_at);
  const [outcome, setOutcome] = useState<Outcome>();
  const [busy, setBusy] = useState<'approve' | 'deny'>();
  const [actionError, setActionError] = useState<unknown>();

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new code starts a new decision.
  useEffect(() => {
    setOutcome(undefined);
    setActionError(undefined);
  }, [code]);

  const open = (next: string) => {
    if (next === code) lookup.reload();
    else navigate(`/device?user_code=${encodeURIComponent(next)}`);
  };
  const startOver = () => navigate('/device');

  async function decide(decision: 'approve' | 'deny') {
    if (!code) return;
    setBusy(decision);
    setActionError(undefined);
    try {
      const { request: decided } = await identity.decideDevice(code, decision);
      setOutcome({ decision: decision === 'approve' ? 'approved' : 'denied', request: decided });
    } catch (err) {
      // 404: the request expired (or was used) while the page was open; 409: decided elsewhere.
      if (notFound(err)) setOutcome({ decision: 'gone' });
      else setActionError(err);
    } finally {
      setBusy(undefined);
    }
  }

  const anotherCode = (
    <button type="button" className="btn btn-link" onClick={startOver}>
      Enter another code
    </button>
  );

  let body: ReactNode;
  if (!code) {
    body = (
      <Card>
        <CodeForm key={typed} initial={typed} onSubmit={open} />
      </Card>
    );
  } else if (lookup.loading && !lookup.data && lookup.error === undefined) {
    body = <Loading label="Looking up the sign-in request…" />;
  } else if (lookup.error !== undefined) {
    body = (
      <div className="stack">
        {notFound(lookup.error) ? (
          <Alert tone="warning" title="No sign-in is waiting for this code">
            The code {code} may be mistyped, or it expired or was already used. Check the code in your
            terminal, or run <code>aila login</code> again for a new one.
          </Alert>
        ) : (
          <ErrorAlert error={lookup.error} title="The sign-in request could not be loaded" />
        )}
        <Card>
          <CodeForm key={typed} initial={typed} onSubmit={open} />
        </Card>
      </div>
    );
  } else if (outcome?.decision === 'approved') {
    body = (
      <Alert tone="success" title="Device signed in">
        <p>
          Return to your terminal: <code>aila login</code> finishes by itself within a few seconds. The device
          received an API key with{' '}
          {outcome.request.scopes_granted.map((s) => SCOPE_INFO[s]?.label ?? s).join(', ')} access; it appears
          under API keys as “Device login ({outcome.request.client_id})”, where you can revoke it.
        </p>
        <p className="row">
          {can('keys:own') && <Link to="/workspace/keys">Go to API keys</Link>}
          {anotherCode}
        </p>
      </Alert>
    );
  } else if (outcome?.decision === 'denied') {
    body = (
      <Alert tone="info" title="Sign-in denied">
        <p>
          The device gets no access; <code>aila login</code> stops with “access denied”. If you did not start
          this sign-in yourself, tell your security team: someone may have tried to get you to sign them in.
        </p>
        <p>{anotherCode}</p>
      </Alert>
    );
  } else if (outcome?.decision === 'gone' || (request && expired && request.status === 'pending')) {
    body = (
      <Alert tone="warning" title="This code has expired">
        <p>
          The sign-in request is no longer waiting for approval. Run <code>aila login</code> again for a new
          code.
        </p>
        <p>{anotherCode}</p>
      </Alert>
    );
  } else if (request && request.status !== 'pending') {
    body = (
      <Alert tone="info" title="This sign-in was already approved">
        <p>
          Nothing more to do here: return to your terminal. Revoke the device’s key under API keys if you did
          not approve it.
        </p>
        <p>{anotherCode}</p>
      </Alert>
    );
  } else if (request) {
    const nothingGranted = request.scopes_granted.length === 0;
    body = (
      <Card
        title="Sign-in request"
        labelledBy={headingId}
        description="Approve only if you started this sign-in yourself and the code matches the one in your terminal."
      >
        <div className="stack">
          <RequestDetails request={request} expired={expired} />
          {nothingGranted && (
            <Alert tone="warning" title="Your roles allow none of the requested access">
              Ask an administrator for a role that includes it, or deny the request.
            </Alert>
          )}
          <ErrorAlert error={actionError} title="The decision was not recorded" />
          <div className="row">
            <button
              type="button"
              className="btn btn-primary"
              disabled={busy !== undefined || nothingGranted}
              onClick={() => decide('approve')}
            >
              {busy === 'approve' ? 'Approving…' : 'Approve'}
            </button>
            <button
              type="button"
              className="btn"
              disabled={busy !== undefined}
              onClick={() => decide('deny')}
            >
              {busy === 'deny' ? 'Denying…' : 'Deny'}
            </button>
          </div>
        </div>
      </Card>
    );
  }

  return (
    <div className="page">
      <PageHeader
        title="Device sign-in"
        description={
          <>
            Connect the AI-LA command line (<code>aila login</code>) or an IDE extension to your account. It
            receives a short-lived API key with no more rights than you have.
          </>
        }
      />
      {body}
    </div>
  );
}
