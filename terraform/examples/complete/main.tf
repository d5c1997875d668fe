# A production shape: chart from an internal OCI registry, every image from a mirror, PostgreSQL
# from a CloudNativePG cluster, secrets from Vault through the Agent Injector with a least-privilege
# policy and Kubernetes auth role, TLS Ingress, autoscaling, monitoring, and existing vLLM Services
# discovered by DNS.

provider "kubernetes" {
  config_path    = var.kubeconfig_path
  config_context = var.kube_context
}

provider "helm" {
  kubernetes = {
    config_path    = var.kubeconfig_path
    config_context = var.kube_context
  }
}

provider "vault" {
  address = var.vault_address
}

locals {
  namespace = "ai-la"
}

module "ai_la" {
  source = "../.."

  namespace    = local.namespace
  release_name = "ai-la"
  labels       = { "cost-center" = "platform" }

  chart = {
    repository = "oci://${var.registry}/charts"
    name       = "ai-la"
    version    = "0.1.0"
  }

  image_registry     = var.registry
  image_pull_secrets = ["registry-credentials"]
  image = {
    repository = "ai-la/appliance"
    tag        = "0.1.0"
    digest     = var.appliance_digest
  }

  database = {
    cloudnative_pg = {
      enabled       = true
      instances     = 3
      storage_size  = "50Gi"
      storage_class = "fast-ssd"
      image         = "${var.registry}/cloudnative-pg/postgresql:16.4"
    }
  }

  vault_agent = {
    enabled        = true
    role           = module.vault.role_name
    auth_path      = module.vault.auth_path
    ca_cert_secret = "vault-ca"
  }

  secret_files = [
    {
      env   = "AILA_AUTH_OIDC_CONNECTIONS"
      key   = "oidc-connections.json"
      vault = { path = "secret/data/ai-la/oidc", field = "connections" }
    },
  ]

  config = yamlencode({
    server = { trustProxy = 1 }
    secrets = {
      vault = {
        address = "https://vault.vault.svc:8200"
        auth = {
          method  = "kubernetes"
          role    = "ai-la"
          jwtPath = "/var/run/secrets/kubernetes.io/serviceaccount/token"
        }
      }
    }
    telemetry = { otlp = { endpoint = "http://otel-collector.observability.svc:4318" } }
  })

  ingress = {
    enabled         = true
    class_name      = "nginx"
    host            = var.host
    tls_secret_name = "ai-la-tls"
    annotations = {
      "cert-manager.io/cluster-issuer"                 = "corporate-ca"
      "nginx.ingress.kubernetes.io/proxy-read-timeout" = "600"
      "nginx.ingress.kubernetes.io/proxy-buffering"    = "off"
    }
  }

  autoscaling = {
    enabled      = true
    min_replicas = 3
    max_replicas = 12
  }

  exports_storage = {
    enabled       = true
    storage_class = "nfs-client"
    size          = "100Gi"
  }

  network_policy = {
    vault_namespace = "vault"
    idp_cidrs       = ["10.30.1.0/28"]
    otlp_cidrs      = ["10.50.0.0/24"]
  }

  vllm_services = [
    {
      name       = "vllm-qwen-coder"
      namespace  = "gpu-inference"
      pod_labels = { app = "vllm-qwen-coder" }
    },
  ]

  monitoring = {
    service_monitor   = true
    prometheus_rule   = true
    grafana_dashboard = true
    labels            = { release = "kube-prometheus-stack" }
    runbook_base_url  = "https://docs.example.com/ai-la/operations"
  }
}

# The role binds both ServiceAccounts: the appliance and the migration hook Job. Terraform orders
# this before the release, whose Vault Agent annotations name the role.
module "vault" {
  source = "../../modules/vault-kubernetes-auth"

  namespace             = local.namespace
  service_account_names = module.ai_la.service_account_names
  kubernetes_auth_path  = "kubernetes"
  role_name             = "ai-la"
  policy_name           = "ai-la"
  kv                    = { mount = "secret", path = "ai-la" }
  transit               = { mount = "transit", key_prefix = "ai-la" }
}
