output "role_name" {
  description = "Kubernetes auth role to put in the chart (secrets.vaultAgent.role) and the appliance configuration."
  value       = vault_kubernetes_auth_backend_role.this.role_name
}

output "auth_path" {
  description = "Login path of the role, as the Vault Agent Injector's auth-path annotation expects it."
  value       = "auth/${var.kubernetes_auth_path}"
}

output "policy_name" {
  description = "Name of the Vault policy."
  value       = vault_policy.this.name
}

output "policy" {
  description = "The policy document (HCL)."
  value       = data.vault_policy_document.this.hcl
}
