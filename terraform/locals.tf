# Pure computations (no resources, no providers): the Helm values this module passes to the chart.

locals {
  fullname     = var.release_name
  migrate_name = "${var.release_name}-migrate"
  secret_name  = "${var.release_name}-secrets"
  # Whether a value is set is not secret; the value itself stays sensitive.
  has_database_url = nonsensitive(var.database_url != null)
  create_secret    = local.has_database_url || length(nonsensitive(keys(var.kubernetes_secret_data))) > 0

  chart_from_repository = var.chart.repository != null
  chart                 = local.chart_from_repository ? var.chart.name : coalesce(var.chart.path, "${path.module}/../helm/ai-la")

  cnpg      = var.database.cloudnative_pg
  cnpg_name = "${var.release_name}-db"

  # Exactly one of these must be chosen (checked by a precondition on the release).
  database_sources = {
    database_url    = local.has_database_url
    existing_secret = var.database.existing_secret != null
    cloudnative_pg  = local.cnpg.enabled
    vault           = var.database.vault != null
  }

  database_files = (
    local.cnpg.enabled ? [
      # CloudNativePG writes the application credentials and its CA into these Secrets.
      { env = "AILA_DATABASE_URL", key = "uri", secret_name = "${local.cnpg_name}-app", vault = null },
      { env = "AILA_DATABASE_SSL_CA", key = "ca.crt", secret_name = "${local.cnpg_name}-ca", vault = null },
      ] : local.has_database_url ? [
      { env = "AILA_DATABASE_URL", key = "database-url", secret_name = local.secret_name, vault = null },
      ] : var.database.existing_secret != null ? [
      { env = "AILA_DATABASE_URL", key = var.database.existing_secret.key, secret_name = var.database.existing_secret.name, vault = null },
      ] : var.database.vault != null ? [
      { env = "AILA_DATABASE_URL", key = "database-url", secret_name = null, vault = var.database.vault },
    ] : []
  )

  extra_files = [
    for f in var.secret_files : {
      env         = f.env
      key         = f.key
      secret_name = f.vault == null ? coalesce(f.secret_name, local.secret_name) : f.secret_name
      vault       = f.vault
    }
  ]

  # Chart entries: camelCase keys, nulls dropped (the chart schema rejects nulls).
  secret_files = [
    for f in concat(local.database_files, local.extra_files) : {
      for k, v in {
        env        = f.env
        key        = f.key
        secretName = f.secret_name
        vault      = f.vault == null ? null : { for vk, vv in f.vault : vk => vv if vv != null }
      } : k => v if v != null
    }
  ]

  peers_from_cidrs = { for name, cidrs in {
    postgresql = var.network_policy.postgresql_cidrs
    vault      = var.network_policy.vault_cidrs
    idp        = var.network_policy.idp_cidrs
    vllm       = var.network_policy.vllm_cidrs
    otlp       = var.network_policy.otlp_cidrs
  } : name => [for c in cidrs : { ipBlock = { cidr = c } }] }

  postgresql_peers = concat(
    local.peers_from_cidrs.postgresql,
    local.cnpg.enabled ? [{ podSelector = { matchLabels = { "cnpg.io/cluster" = local.cnpg_name } } }] : [],
  )

  vault_peers = concat(
    local.peers_from_cidrs.vault,
    var.network_policy.vault_namespace != "" ? [{
      namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = var.network_policy.vault_namespace } }
      podSelector       = { matchLabels = { "app.kubernetes.io/name" = "vault" } }
    }] : [],
  )

  namespace_peer = { for name, ns in {
    http    = var.network_policy.ingress_controller_namespace
    metrics = var.network_policy.monitoring_namespace
  } : name => ns == "" ? [] : [{ namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = ns } } }] }

  chart_values = {
    fullnameOverride = local.fullname
    commonLabels     = var.labels
    global = {
      imageRegistry    = var.image_registry
      imagePullSecrets = var.image_pull_secrets
    }
    image        = { for k, v in var.image : k => v if v != null }
    replicaCount = var.replicas

    secrets = {
      existingSecret = local.create_secret ? local.secret_name : ""
      files          = local.secret_files
      vaultAgent = {
        enabled      = var.vault_agent.enabled
        role         = var.vault_agent.role
        authPath     = var.vault_agent.auth_path
        namespace    = var.vault_agent.namespace
        address      = var.vault_agent.address
        caCertSecret = var.vault_agent.ca_cert_secret
        image        = { for k, v in var.vault_agent.image : k => v if v != null }
      }
    }

    evidence = {
      signingKeys = {
        existingSecret = var.evidence_signing_keys.existing_secret
        receiptKey     = var.evidence_signing_keys.receipt_key
        logKey         = var.evidence_signing_keys.log_key
        transit = {
          enabled    = var.evidence_signing_keys.transit.enabled
          mount      = var.evidence_signing_keys.transit.mount
          receiptKey = var.evidence_signing_keys.transit.receipt_key
          logKey     = var.evidence_signing_keys.transit.log_key
        }
      }
    }

    autoscaling = {
      enabled     = var.autoscaling.enabled
      minReplicas = var.autoscaling.min_replicas
      maxReplicas = var.autoscaling.max_replicas
    }

    ingress = {
      enabled     = var.ingress.enabled
      className   = var.ingress.class_name
      annotations = var.ingress.annotations
      hosts       = var.ingress.enabled ? [{ host = var.ingress.host, paths = [{ path = "/", pathType = "Prefix" }] }] : []
      tls = var.ingress.enabled ? [
        { for k, v in { hosts = [var.ingress.host], secretName = var.ingress.tls_secret_name } : k => v if v != "" }
      ] : []
    }

    persistence = {
      exports = {
        enabled       = var.exports_storage.enabled
        existingClaim = var.exports_storage.existing_claim
        storageClass  = var.exports_storage.storage_class
        size          = var.exports_storage.size
      }
    }

    networkPolicy = {
      enabled = var.network_policy.enabled
      ingress = local.namespace_peer
      egress = {
        postgresql = { to = local.postgresql_peers, ports = [5432] }
        vault      = { to = local.vault_peers, ports = [8200] }
        idp        = { to = local.peers_from_cidrs.idp, ports = [443] }
        vllm       = { to = local.peers_from_cidrs.vllm, ports = [8000] }
        otlp       = { to = local.peers_from_cidrs.otlp, ports = [4317, 4318] }
      }
    }

    monitoring = {
      serviceMonitor   = { enabled = var.monitoring.service_monitor, labels = var.monitoring.labels }
      prometheusRule   = { enabled = var.monitoring.prometheus_rule, labels = var.monitoring.labels, runbookBaseUrl = var.monitoring.runbook_base_url }
      grafanaDashboard = { enabled = var.monitoring.grafana_dashboard }
    }

    vllm = {
      discovery = {
        services = [
          for s in var.vllm_services : {
            for k, v in {
              name        = s.name
              namespace   = s.namespace
              port        = s.port
              podSelector = length(s.pod_labels) > 0 ? { matchLabels = s.pod_labels } : null
            } : k => v if v != null
          }
        ]
      }
    }
  }

  # CloudNativePG serves TLS with its own CA: verify it.
  cnpg_config = local.cnpg.enabled ? yamlencode({ config = { database = { ssl = { enabled = true } } } }) : ""

  # Order matters: later documents override earlier ones.
  values_documents = concat(
    [yamlencode(local.chart_values)],
    local.cnpg_config == "" ? [] : [local.cnpg_config],
    var.config == "" ? [] : [yamlencode({ config = yamldecode(var.config) })],
    var.values,
  )
}
