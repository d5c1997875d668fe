/**
 * Starts a test login in a new tab: the tab opens on the click (so no popup blocker intervenes),
 * then goes to the IdP once the appliance has prepared the test; the page that started it follows
 * the test until the IdP has answered.
 */
import { useEffect, useState } from 'react';
import { idp, type TestLogin } from '../../../api/idp.js';

/** How often the starting page asks whether the test has completed. */
const POLL_MS = 2000;

export interface TestLoginState {
  /** The test in progress or done, as last read. */
  current: TestLogin | undefined;
  /** The IdP address, when no tab could be opened: the page offers it as a link. */
  blockedUrl: string | undefined;
  busy: boolean;
  error: unknown;
  start(): Promise<void>;
}

export function useTestLogin(connection: string): TestLoginState {
  const [id, setId] = useState<string>();
  const [current, setCurrent] = useState<TestLogin>();
  const [blockedUrl, setBlockedUrl] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const done = current?.status === 'succeeded' || current?.status === 'failed';
  useEffect(() => {
    if (!id || done) return;
    const controller = new AbortController();
    const timer = window.setInterval(() => {
      idp
        .testLogin(id, controller.signal)
        .then(({ test_login }) => setCurrent(test_login))
        .catch((err: unknown) => {
          if (!controller.signal.aborted) setError(err);
        });
    }, POLL_MS);
    return () => {
      controller.abort();
      window.clearInterval(timer);
    };
  }, [id, done]);

  async function start() {
    setError(undefined);
    setBlockedUrl(undefined);
    setBusy(true);
    // Opened in the click's own task: browsers allow a new tab only there.
    const tab = window.open('', '_blank');
    try {
      const started = await idp.startTestLogin(connection);
      setId(started.test_login.id);
      setCurrent(undefined);
      if (tab) {
        // The IdP's pages get no handle on this console.
        tab.opener = null;
        tab.location.href = started.redirect_url;
      } else {
        setBlockedUrl(started.redirect_url);
      }
    } catch (err) {
      tab?.close();
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return { current, blockedUrl, busy, error, start };
}
