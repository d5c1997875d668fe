/**
 * The Vault-API-compatible test server in a process of its own, as a real Vault runs apart from the
 * appliance: the benchmark then measures the appliance's side of Transit signing, not the server's
 * CPU on the same event loop. Prints `{"url":…,"rootToken":…}` once listening; exits on SIGTERM.
 */
import { VaultTestServer } from '../test/fixtures/vault/server.js';

const server = await VaultTestServer.start();
process.stdout.write(`${JSON.stringify({ url: server.url, rootToken: server.rootToken })}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
