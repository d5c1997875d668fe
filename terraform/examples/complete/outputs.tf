output "public_url" {
  description = "URL users and OpenAI-compatible clients reach the appliance at."
  value       = module.ai_la.public_url
}

output "release_revision" {
  description = "Helm release revision (for `helm rollback`)."
  value       = module.ai_la.release_revision
}

output "database_cluster" {
  description = "CloudNativePG cluster holding the appliance's state."
  value       = module.ai_la.cloudnative_pg_cluster_name
}

output "vault_policy" {
  description = "Vault policy granted to the appliance."
  value       = module.vault.policy
}
