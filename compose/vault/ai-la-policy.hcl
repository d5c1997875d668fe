# Policy of the appliance in the evaluation Vault; the same grants as
# terraform/modules/vault-kubernetes-auth gives it in a cluster.

path "secret/data/ai-la/*" {
  capabilities = ["read"]
}

path "secret/metadata/ai-la/*" {
  capabilities = ["read", "list"]
}

path "transit/sign/ai-la*" {
  capabilities = ["update"]
}

path "transit/verify/ai-la*" {
  capabilities = ["update"]
}

path "transit/keys/ai-la*" {
  capabilities = ["read"]
}

path "database/creds/ai-la" {
  capabilities = ["read"]
}

path "sys/leases/revoke" {
  capabilities = ["update"]
}
