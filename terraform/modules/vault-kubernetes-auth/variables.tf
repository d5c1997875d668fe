variable "namespace" {
  description = "Kubernetes namespace of the appliance."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.namespace))
    error_message = "namespace must be a DNS label."
  }
}

variable "service_account_names" {
  description = "ServiceAccounts allowed to log in (the root module's service_account_names output: appliance and migration Job)."
  type        = list(string)

  validation {
    condition     = length(var.service_account_names) > 0
    error_message = "service_account_names must name at least one ServiceAccount."
  }
}

variable "kubernetes_auth_path" {
  description = "Mount path of the Kubernetes auth method, which the Vault administrator has enabled and configured."
  type        = string
  default     = "kubernetes"
}

variable "role_name" {
  description = "Name of the Kubernetes auth role (the chart's secrets.vaultAgent.role and the appliance's secrets.vault auth role)."
  type        = string
  default     = "ai-la"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]+$", var.role_name))
    error_message = "role_name may contain letters, digits, '_' and '-'."
  }
}

variable "policy_name" {
  description = "Name of the Vault policy granted to the role."
  type        = string
  default     = "ai-la"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]+$", var.policy_name))
    error_message = "policy_name may contain letters, digits, '_' and '-'."
  }
}

variable "kv" {
  description = "KV version 2 secrets the appliance reads: mount and path prefix (secrets live under <mount>/data/<path>/...)."
  type = object({
    mount = optional(string, "secret")
    path  = optional(string, "ai-la")
  })
  default = {}

  validation {
    condition     = !startswith(var.kv.path, "/") && !endswith(var.kv.path, "/")
    error_message = "kv.path must not start or end with '/'."
  }
}

variable "transit" {
  description = "Transit keys the appliance signs evidence with (keys named <key_prefix>*); null grants no Transit access."
  type = object({
    mount      = optional(string, "transit")
    key_prefix = optional(string, "ai-la")
  })
  default = {}
}

variable "database_credentials" {
  description = "Dynamic PostgreSQL credentials from the database secrets engine (<mount>/creds/<role>); null grants none."
  type = object({
    mount = optional(string, "database")
    role  = string
  })
  default = null
}

variable "token_ttl" {
  description = "TTL of tokens issued to the appliance, in seconds."
  type        = number
  default     = 3600

  validation {
    condition     = var.token_ttl >= 300
    error_message = "token_ttl must be at least 300 seconds."
  }
}

variable "token_max_ttl" {
  description = "Maximum TTL of renewed tokens, in seconds."
  type        = number
  default     = 86400

  validation {
    condition     = var.token_max_ttl >= var.token_ttl
    error_message = "token_max_ttl must not be shorter than token_ttl."
  }
}

variable "audience" {
  description = "Audience the ServiceAccount token must carry (null accepts the cluster default)."
  type        = string
  default     = null
}
