#!/bin/sh
# Initialises the evaluation Vault (a dev server, in memory) with the appliance's secret layout:
#
#   secret/ai-la/database   url             PostgreSQL URL of the appliance
#   secret/ai-la/oidc       client-secret   OIDC client secret (the Keycloak realm uses the same)
#                           connections     auth.oidc.connections of the appliance (JSON, holds the secret)
#   secret/ai-la/scim       token           SCIM bearer token (random, kept across re-runs)
#   secret/ai-la/content    kek             key-encryption key of retained content (random, kept)
#   transit/keys/ai-la-receipts             Ed25519 key for receipts   (used with AILA_EVIDENCE_KEYS_SOURCE=transit)
#   transit/keys/ai-la-log                  Ed25519 key for checkpoints (likewise)
#   policy ai-la                            read the above, sign and verify with ai-la* keys
#
# It then renders the files the appliance reads through AILA_*_FILE into $SECRETS_DIR, readable
# only by the appliance user, as the Vault Agent Injector does in Kubernetes.
set -eu

: "${VAULT_ADDR:?}" "${VAULT_TOKEN:?}" "${POSTGRES_PASSWORD:?}" "${OIDC_CLIENT_SECRET:?}"
: "${OIDC_ISSUER:?}" "${SECRETS_DIR:?}" "${APPLIANCE_UID:?}"

echo "vault-init: writing the policy"
vault policy write ai-la "$(dirname "$0")/ai-la-policy.hcl"

echo "vault-init: writing KV v2 secrets under secret/ai-la/"
vault kv put -mount=secret ai-la/database \
  url="postgresql://aila:${POSTGRES_PASSWORD}@postgres:5432/aila"
# JSON string escaping for values placed in the connections document.
json_escape() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }
connections="$(cat <<JSON
[{"name":"keycloak","displayName":"Keycloak (evaluation)","issuer":"$(json_escape "${OIDC_ISSUER}")",
"clientId":"ai-la","clientSecret":"$(json_escape "${OIDC_CLIENT_SECRET}")","allowInsecureHttp":true,
"groupRoles":{"ai-la-admins":"admin","ai-la-auditors":"auditor","ai-la-developers":"developer"},
"groupTeams":{"team-platform":"platform","team-payments":"payments",
"team-payments-admins":{"team":"payments","role":"team_admin"}}}]
JSON
)"
vault kv put -mount=secret ai-la/oidc \
  client-secret="${OIDC_CLIENT_SECRET}" connections="${connections}"
if ! vault kv get -mount=secret ai-la/scim >/dev/null 2>&1; then
  token="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  vault kv put -mount=secret ai-la/scim token="${token}"
fi
# Never regenerated: a new key-encryption key would make retained content unreadable.
if ! vault kv get -mount=secret ai-la/content >/dev/null 2>&1; then
  vault kv put -mount=secret ai-la/content kek="$(head -c 32 /dev/urandom | base64)"
fi

echo "vault-init: enabling Transit and the receipt and log signing keys"
if ! vault secrets list -format=json | grep -q '"transit/"'; then
  vault secrets enable transit
fi
for key in ai-la-receipts ai-la-log; do
  if ! vault read "transit/keys/${key}" >/dev/null 2>&1; then
    vault write -f "transit/keys/${key}" type=ed25519
  fi
done

echo "vault-init: rendering secret files into ${SECRETS_DIR}"
umask 077
render() {
  # render <file> <kv path> <field>
  vault kv get -mount=secret -field="$3" "$2" > "${SECRETS_DIR}/$1.tmp"
  mv "${SECRETS_DIR}/$1.tmp" "${SECRETS_DIR}/$1"
}
render database-url ai-la/database url
render oidc-connections ai-la/oidc connections
render scim-token ai-la/scim token
render content-kek ai-la/content kek
# A periodic token limited to the ai-la policy, for the appliance's own Vault client.
vault token create -policy=ai-la -period=24h -display-name=ai-la -field=token > "${SECRETS_DIR}/vault-token.tmp"
mv "${SECRETS_DIR}/vault-token.tmp" "${SECRETS_DIR}/vault-token"

chown "${APPLIANCE_UID}:${APPLIANCE_UID}" "${SECRETS_DIR}" "${SECRETS_DIR}"/*
chmod 0500 "${SECRETS_DIR}"
chmod 0400 "${SECRETS_DIR}"/*
echo "vault-init: done"
