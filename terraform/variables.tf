################################################################################
# Release
################################################################################

variable "namespace" {
  description = "Kubernetes namespace of the appliance."
  type        = string
  default     = "ai-la"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.namespace)) && length(var.namespace) <= 63
    error_message = "namespace must be a DNS label (lower-case letters, digits and '-', at most 63 characters)."
  }
}

variable "create_namespace" {
  description = "Create the namespace (with Pod Security Standard labels). Set false to install into an existing namespace."
  type        = bool
  default     = true
}

variable "pod_security_level" {
  description = "Pod Security Standard enforced on the created namespace."
  type        = string
  default     = "restricted"

  validation {
    condition     = contains(["restricted", "baseline", "privileged"], var.pod_security_level)
    error_message = "pod_security_level must be restricted, baseline or privileged."
  }
}

variable "release_name" {
  description = "Helm release name; also the prefix of every resource name (passed to the chart as fullnameOverride)."
  type        = string
  default     = "ai-la"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.release_name)) && length(var.release_name) <= 45
    error_message = "release_name must be a DNS label of at most 45 characters (room is left for suffixes such as -migrate)."
  }
}

variable "chart" {
  description = "Where the chart comes from: a local path (default: the chart in this repository) or an OCI/HTTPS repository with a name and a version."
  type = object({
    path       = optional(string)
    repository = optional(string)
    name       = optional(string, "ai-la")
    version    = optional(string)
  })
  default = {}

  validation {
    condition     = var.chart.repository == null || can(regex("^(oci|https)://", var.chart.repository))
    error_message = "chart.repository must start with oci:// or https:// (for example oci://registry.example.com/charts)."
  }

  validation {
    condition     = var.chart.repository == null || var.chart.version != null
    error_message = "chart.version is required with chart.repository, so a release never floats to a new chart."
  }
}

variable "release" {
  description = "Helm release behaviour: atomic rolls back a failed install or upgrade; timeout (seconds) covers the migration hook."
  type = object({
    atomic          = optional(bool, true)
    wait            = optional(bool, true)
    timeout         = optional(number, 900)
    max_history     = optional(number, 10)
    cleanup_on_fail = optional(bool, true)
  })
  default = {}

  validation {
    condition     = var.release.timeout >= 60 && var.release.max_history >= 1
    error_message = "release.timeout must be at least 60 seconds and release.max_history at least 1."
  }
}

variable "labels" {
  description = "Labels added to the namespace, the module's resources and every resource of the chart."
  type        = map(string)
  default     = {}
}

################################################################################
# Image
################################################################################

variable "image" {
  description = "Appliance image; unset fields keep the chart defaults. A digest pins the image."
  type = object({
    registry   = optional(string)
    repository = optional(string)
    tag        = optional(string)
    digest     = optional(string)
  })
  default = {}

  validation {
    condition     = var.image.digest == null || can(regex("^sha256:[a-f0-9]{64}$", var.image.digest))
    error_message = "image.digest must look like sha256:<64 hex digits>."
  }
}

variable "image_registry" {
  description = "Registry that replaces the registry of every image (appliance, Vault Agent, vLLM): the mirror of an air-gapped network."
  type        = string
  default     = ""
}

variable "image_pull_secrets" {
  description = "Names of existing image pull secrets in the namespace."
  type        = list(string)
  default     = []
}

################################################################################
# Appliance
################################################################################

variable "replicas" {
  description = "Appliance replicas when autoscaling is disabled."
  type        = number
  default     = 2

  validation {
    condition     = var.replicas >= 1 && floor(var.replicas) == var.replicas
    error_message = "replicas must be a whole number of at least 1."
  }
}

variable "config" {
  description = "Appliance configuration as a YAML document, merged over the chart's `config` value. Secrets only as vault: references."
  type        = string
  default     = ""

  validation {
    condition     = var.config == "" || can(keys(yamldecode(var.config)))
    error_message = "config must be a YAML mapping (for example \"server:\\n  publicUrl: https://ai-la.example.com\")."
  }
}

variable "values" {
  description = "Extra Helm values documents (YAML), applied after everything this module sets."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for v in var.values : can(yamldecode(v))])
    error_message = "every entry of values must be valid YAML."
  }
}

variable "autoscaling" {
  description = "HorizontalPodAutoscaler of the appliance."
  type = object({
    enabled      = optional(bool, false)
    min_replicas = optional(number, 2)
    max_replicas = optional(number, 10)
  })
  default = {}

  validation {
    condition     = var.autoscaling.min_replicas >= 1 && var.autoscaling.max_replicas >= var.autoscaling.min_replicas
    error_message = "autoscaling needs 1 <= min_replicas <= max_replicas."
  }
}

variable "ingress" {
  description = "Ingress with TLS. Without tls_secret_name the controller's default certificate (or cert-manager through annotations) is used."
  type = object({
    enabled         = optional(bool, false)
    class_name      = optional(string, "")
    host            = optional(string, "")
    tls_secret_name = optional(string, "")
    annotations     = optional(map(string), {})
  })
  default = {}

  validation {
    condition     = !var.ingress.enabled || can(regex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", var.ingress.host))
    error_message = "ingress.host must be a DNS name when the Ingress is enabled."
  }
}

variable "exports_storage" {
  description = "PersistentVolumeClaim for compliance export bundles (ReadWriteMany so every replica serves every bundle)."
  type = object({
    enabled        = optional(bool, false)
    existing_claim = optional(string, "")
    storage_class  = optional(string, "")
    size           = optional(string, "20Gi")
  })
  default = {}

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi|Ti)$", var.exports_storage.size))
    error_message = "exports_storage.size must be a quantity such as 20Gi."
  }
}

################################################################################
# Database and secrets
################################################################################

variable "database_url" {
  description = "PostgreSQL URL written into the module's Kubernetes Secret. Prefer database.existing_secret, CloudNativePG or Vault: this value lands in the Terraform state."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.database_url == null || can(regex("^postgres(ql)?://", var.database_url))
    error_message = "database_url must start with postgres:// or postgresql://."
  }
}

variable "database" {
  description = "Where the database URL comes from (choose one, or database_url): an existing Secret, a CloudNativePG cluster created by this module, or Vault through the Agent Injector."
  type = object({
    existing_secret = optional(object({
      name = string
      key  = optional(string, "database-url")
    }))
    cloudnative_pg = optional(object({
      enabled       = optional(bool, false)
      instances     = optional(number, 3)
      storage_size  = optional(string, "20Gi")
      storage_class = optional(string)
      image         = optional(string)
      database      = optional(string, "aila")
      owner         = optional(string, "aila")
      parameters    = optional(map(string), {})
    }), {})
    vault = optional(object({
      path     = string
      field    = optional(string, "url")
      template = optional(string)
    }))
  })
  default = {}

  validation {
    condition     = var.database.cloudnative_pg.instances >= 1 && var.database.cloudnative_pg.instances <= 9
    error_message = "database.cloudnative_pg.instances must be between 1 and 9."
  }

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]*$", var.database.cloudnative_pg.database)) && can(regex("^[a-z_][a-z0-9_]*$", var.database.cloudnative_pg.owner))
    error_message = "database.cloudnative_pg.database and owner must be lower-case SQL identifiers."
  }
}

variable "kubernetes_secret_data" {
  description = "Extra keys of the module's Kubernetes Secret (for example oidc-connections.json); expose them with secret_files. Values land in the Terraform state."
  type        = map(string)
  default     = {}
  sensitive   = true
}

variable "secret_files" {
  description = "Extra secret files read through AILA_*_FILE: env is the configuration variable, key the file and Secret key, secret_name the Secret (default: the module's Secret), vault the Agent Injector source."
  type = list(object({
    env         = string
    key         = string
    secret_name = optional(string)
    vault = optional(object({
      path     = string
      field    = optional(string)
      template = optional(string)
    }))
  }))
  default = []

  validation {
    condition     = alltrue([for f in var.secret_files : can(regex("^AILA_[A-Z0-9_]+$", f.env)) && !endswith(f.env, "_FILE")])
    error_message = "secret_files[*].env must be an AILA_* variable name without the _FILE suffix."
  }

  validation {
    condition     = alltrue([for f in var.secret_files : can(regex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", f.key))])
    error_message = "secret_files[*].key must be a lower-case file name (letters, digits, '-', '.')."
  }
}

variable "vault_agent" {
  description = "Render secret files with the Vault Agent Injector (role and auth path as configured in Vault; see modules/vault-kubernetes-auth)."
  type = object({
    enabled        = optional(bool, false)
    role           = optional(string, "ai-la")
    auth_path      = optional(string, "auth/kubernetes")
    namespace      = optional(string, "")
    address        = optional(string, "")
    ca_cert_secret = optional(string, "")
    image = optional(object({
      registry   = optional(string)
      repository = optional(string)
      tag        = optional(string)
      digest     = optional(string)
    }), {})
  })
  default = {}

  validation {
    condition     = var.vault_agent.address == "" || can(regex("^https?://", var.vault_agent.address))
    error_message = "vault_agent.address must be an http(s) URL."
  }
}

variable "evidence_signing_keys" {
  description = "Ed25519 keys that sign receipts and log checkpoints (docs/vault.md): an existing Secret holding both keys as PKCS#8 PEM files, or Vault Transit ed25519 keys (the private keys never leave Vault; needs secrets.vault in config). Production needs one of them."
  type = object({
    existing_secret = optional(string, "")
    receipt_key     = optional(string, "receipt-signing-key.pem")
    log_key         = optional(string, "log-signing-key.pem")
    transit = optional(object({
      enabled     = optional(bool, false)
      mount       = optional(string, "transit")
      receipt_key = optional(string, "ai-la-receipts")
      log_key     = optional(string, "ai-la-log")
    }), {})
  })
  default = {}

  validation {
    condition     = !(var.evidence_signing_keys.transit.enabled && var.evidence_signing_keys.existing_secret != "")
    error_message = "evidence_signing_keys: set either transit.enabled or existing_secret, not both."
  }

  validation {
    condition = alltrue([
      for name in [var.evidence_signing_keys.transit.receipt_key, var.evidence_signing_keys.transit.log_key] :
      can(regex("^[A-Za-z0-9_.-]+$", name))
    ])
    error_message = "evidence_signing_keys.transit key names may contain only letters, digits, '_', '.' and '-'."
  }
}

################################################################################
# Network, model backends, monitoring
################################################################################

variable "network_policy" {
  description = "Default-deny NetworkPolicies. Peers outside the cluster are given as CIDRs; a CloudNativePG cluster of this module is added to the PostgreSQL peers."
  type = object({
    enabled                      = optional(bool, true)
    ingress_controller_namespace = optional(string, "ingress-nginx")
    monitoring_namespace         = optional(string, "monitoring")
    postgresql_cidrs             = optional(list(string), [])
    vault_cidrs                  = optional(list(string), [])
    vault_namespace              = optional(string, "")
    idp_cidrs                    = optional(list(string), [])
    vllm_cidrs                   = optional(list(string), [])
    otlp_cidrs                   = optional(list(string), [])
  })
  default = {}

  validation {
    condition = alltrue([
      for c in concat(var.network_policy.postgresql_cidrs, var.network_policy.vault_cidrs, var.network_policy.idp_cidrs, var.network_policy.vllm_cidrs, var.network_policy.otlp_cidrs) :
      can(cidrhost(c, 0))
    ])
    error_message = "every network_policy.*_cidrs entry must be a CIDR block such as 10.0.0.0/24."
  }
}

variable "vllm_services" {
  description = "Existing vLLM Services the gateway discovers by DNS (headless Services reach every pod); pod_labels select their pods for the NetworkPolicy."
  type = list(object({
    name       = string
    namespace  = optional(string)
    port       = optional(number, 8000)
    pod_labels = optional(map(string), {})
  }))
  default = []

  validation {
    condition     = alltrue([for s in var.vllm_services : s.port >= 1 && s.port <= 65535])
    error_message = "vllm_services[*].port must be a TCP port."
  }
}

variable "monitoring" {
  description = "Prometheus Operator ServiceMonitor and PrometheusRule, and the Grafana dashboard ConfigMap; labels are added to each (e.g. the Prometheus release selector)."
  type = object({
    service_monitor   = optional(bool, false)
    prometheus_rule   = optional(bool, false)
    grafana_dashboard = optional(bool, false)
    labels            = optional(map(string), {})
    runbook_base_url  = optional(string, "")
  })
  default = {}

  validation {
    condition     = var.monitoring.runbook_base_url == "" || can(regex("^https?://", var.monitoring.runbook_base_url))
    error_message = "monitoring.runbook_base_url must be an http(s) URL."
  }
}
