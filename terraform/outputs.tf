output "namespace" {
  description = "Namespace of the appliance."
  value       = var.namespace
}

output "release_name" {
  description = "Name of the Helm release."
  value       = helm_release.this.name
}

output "release_revision" {
  description = "Revision of the Helm release (the number `helm rollback` takes)."
  value       = helm_release.this.metadata.revision
}

output "chart_version" {
  description = "Version of the installed chart."
  value       = helm_release.this.metadata.version
}

output "app_version" {
  description = "Appliance version of the installed chart."
  value       = helm_release.this.metadata.app_version
}

output "service_name" {
  description = "Kubernetes Service of the appliance (HTTP port 8080, metrics port 9464)."
  value       = local.fullname
}

output "service_url" {
  description = "In-cluster URL of the appliance; OpenAI-compatible clients inside the cluster use <service_url>/v1."
  value       = "http://${local.fullname}.${var.namespace}.svc:8080"
}

output "public_url" {
  description = "External URL when the Ingress is enabled, otherwise null."
  value       = var.ingress.enabled ? "https://${var.ingress.host}" : null
}

output "service_account_names" {
  description = "ServiceAccounts of the appliance and of the migration hook Job: bind both in the Vault Kubernetes auth role."
  value       = [local.fullname, local.migrate_name]
}

output "secret_name" {
  description = "Kubernetes Secret created by this module, or null."
  value       = local.create_secret ? local.secret_name : null
}

output "cloudnative_pg_cluster_name" {
  description = "Name of the CloudNativePG cluster created by this module, or null."
  value       = local.cnpg.enabled ? local.cnpg_name : null
}

output "values" {
  description = "Helm values documents passed to the release, in order (handy for `helm template` or GitOps)."
  value       = local.values_documents
}
