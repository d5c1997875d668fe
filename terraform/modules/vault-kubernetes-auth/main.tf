# Least privilege for the appliance: read its KV secrets, sign with its Transit keys (it verifies
# every signature itself, with the public keys),
# optionally obtain dynamic database credentials. Token renewal and lookup come with Vault's
# default policy.

data "vault_policy_document" "this" {
  rule {
    path         = "${var.kv.mount}/data/${var.kv.path}/*"
    capabilities = ["read"]
    description  = "Read the appliance's KV v2 secrets"
  }

  rule {
    path         = "${var.kv.mount}/metadata/${var.kv.path}/*"
    capabilities = ["read", "list"]
    description  = "Read KV v2 metadata (versions for vault:...@version references)"
  }

  dynamic "rule" {
    for_each = var.transit == null ? [] : [var.transit]
    content {
      path         = "${rule.value.mount}/sign/${rule.value.key_prefix}*"
      capabilities = ["update"]
      description  = "Sign receipts and checkpoints"
    }
  }

  dynamic "rule" {
    for_each = var.transit == null ? [] : [var.transit]
    content {
      path         = "${rule.value.mount}/keys/${rule.value.key_prefix}*"
      capabilities = ["read"]
      description  = "Read public keys and key versions"
    }
  }

  dynamic "rule" {
    for_each = var.database_credentials == null ? [] : [var.database_credentials]
    content {
      path         = "${rule.value.mount}/creds/${rule.value.role}"
      capabilities = ["read"]
      description  = "Obtain dynamic PostgreSQL credentials"
    }
  }

  dynamic "rule" {
    for_each = var.database_credentials == null ? [] : [var.database_credentials]
    content {
      path         = "sys/leases/revoke"
      capabilities = ["update"]
      description  = "Revoke the appliance's previous database lease right after a credential rotation"
    }
  }
}

resource "vault_policy" "this" {
  name   = var.policy_name
  policy = data.vault_policy_document.this.hcl
}

resource "vault_kubernetes_auth_backend_role" "this" {
  backend                          = var.kubernetes_auth_path
  role_name                        = var.role_name
  bound_service_account_names      = var.service_account_names
  bound_service_account_namespaces = [var.namespace]
  audience                         = var.audience
  token_policies                   = [vault_policy.this.name]
  token_ttl                        = var.token_ttl
  token_max_ttl                    = var.token_max_ttl
}
