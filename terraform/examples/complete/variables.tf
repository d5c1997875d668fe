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

variable "vault_address" {
  description = "Address of Vault for the vault provider (the token comes from VAULT_TOKEN)."
  type        = string
  default     = "https://vault.example.com:8200"

  validation {
    condition     = can(regex("^https?://", var.vault_address))
    error_message = "vault_address must be an http(s) URL."
  }
}

variable "host" {
  description = "Public host name of the appliance."
  type        = string
  default     = "ai-la.example.com"
}

variable "registry" {
  description = "Internal registry mirroring the appliance, Vault and vLLM images (air-gapped)."
  type        = string
  default     = "registry.example.internal"
}

variable "appliance_digest" {
  description = "Digest of the mirrored appliance image, pinned for reproducible rollouts."
  type        = string
  default     = null
}
