################################################################################
# Namespace
################################################################################

resource "kubernetes_namespace_v1" "this" {
  count = var.create_namespace ? 1 : 0

  metadata {
    name = var.namespace
    labels = merge(var.labels, {
      "pod-security.kubernetes.io/enforce" = var.pod_security_level
      "pod-security.kubernetes.io/audit"   = var.pod_security_level
      "pod-security.kubernetes.io/warn"    = var.pod_security_level
    })
  }
}

################################################################################
# Secret (only when values are handed to Terraform; prefer existing Secrets or Vault)
################################################################################

resource "kubernetes_secret_v1" "this" {
  count = local.create_secret ? 1 : 0

  metadata {
    name      = local.secret_name
    namespace = var.namespace
    labels = merge(var.labels, {
      "app.kubernetes.io/name"       = "ai-la"
      "app.kubernetes.io/instance"   = var.release_name
      "app.kubernetes.io/managed-by" = "terraform"
    })
  }

  type = "Opaque"
  data = merge(
    var.kubernetes_secret_data,
    local.has_database_url ? { "database-url" = var.database_url } : {},
  )

  depends_on = [kubernetes_namespace_v1.this]
}

################################################################################
# CloudNativePG cluster (the CloudNativePG operator must already be installed)
################################################################################

resource "kubernetes_manifest" "this" {
  count = local.cnpg.enabled ? 1 : 0

  manifest = {
    apiVersion = "postgresql.cnpg.io/v1"
    kind       = "Cluster"
    metadata = {
      name      = local.cnpg_name
      namespace = var.namespace
      labels = merge(var.labels, {
        "app.kubernetes.io/name"      = "ai-la"
        "app.kubernetes.io/instance"  = var.release_name
        "app.kubernetes.io/component" = "database"
      })
    }
    spec = merge(
      {
        instances             = local.cnpg.instances
        primaryUpdateStrategy = "unsupervised"
        storage = merge(
          { size = local.cnpg.storage_size },
          local.cnpg.storage_class == null ? {} : { storageClass = local.cnpg.storage_class },
        )
        bootstrap = {
          initdb = {
            database = local.cnpg.database
            owner    = local.cnpg.owner
          }
        }
        postgresql = {
          parameters = merge({ max_connections = "200" }, local.cnpg.parameters)
        }
      },
      local.cnpg.image == null ? {} : { imageName = local.cnpg.image },
    )
  }

  depends_on = [kubernetes_namespace_v1.this]
}

################################################################################
# Helm release
################################################################################

resource "helm_release" "this" {
  name       = var.release_name
  namespace  = var.namespace
  chart      = local.chart
  repository = local.chart_from_repository ? var.chart.repository : null
  version    = var.chart.version

  values = local.values_documents

  atomic          = var.release.atomic
  wait            = var.release.wait
  timeout         = var.release.timeout
  max_history     = var.release.max_history
  cleanup_on_fail = var.release.cleanup_on_fail

  lifecycle {
    precondition {
      condition     = length([for chosen in values(local.database_sources) : chosen if chosen]) == 1
      error_message = "Choose exactly one database source: database_url, database.existing_secret, database.cloudnative_pg.enabled or database.vault."
    }

    precondition {
      condition     = var.database.vault == null || var.vault_agent.enabled
      error_message = "database.vault needs vault_agent.enabled = true."
    }

    precondition {
      condition = !var.network_policy.enabled || length(local.postgresql_peers) > 0 || length([
        for d in var.values : d if can(yamldecode(d).networkPolicy.egress.postgresql)
      ]) > 0
      error_message = "network_policy is enabled but PostgreSQL is unreachable: set network_policy.postgresql_cidrs or use database.cloudnative_pg."
    }
  }

  depends_on = [
    kubernetes_namespace_v1.this,
    kubernetes_secret_v1.this,
    kubernetes_manifest.this,
  ]
}
