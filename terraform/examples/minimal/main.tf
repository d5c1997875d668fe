# The smallest real installation: the chart from this repository, the database URL in a Secret
# created beforehand, PostgreSQL outside the cluster reached by CIDR.
#
#   kubectl create namespace ai-la
#   kubectl -n ai-la create secret generic ai-la-database \
#     --from-literal=database-url='postgresql://aila:...@10.20.0.15:5432/aila?sslmode=verify-full'

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

variable "kubeconfig_path" {
  description = "Path of the kubeconfig file."
  type        = string
  default     = "~/.kube/config"
}

variable "kube_context" {
  description = "kubeconfig context of the target cluster (null: the current context)."
  type        = string
  default     = null
}

module "ai_la" {
  source = "../.."

  namespace        = "ai-la"
  create_namespace = false

  database = {
    existing_secret = { name = "ai-la-database", key = "database-url" }
  }

  network_policy = {
    postgresql_cidrs = ["10.20.0.0/24"]
  }
}

output "service_url" {
  description = "In-cluster URL of the appliance."
  value       = module.ai_la.service_url
}

output "release_revision" {
  description = "Helm release revision."
  value       = module.ai_la.release_revision
}
