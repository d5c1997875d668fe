{{/*
Secret files: AILA_*_FILE variables pointing at files rendered by the Vault Agent Injector under
/vault/secrets (entries with a `vault` source while secrets.vaultAgent is enabled) or projected
from Kubernetes Secrets (every other entry).
*/}}

{{/* "true" when this entry is rendered by the Vault Agent. Usage: include "ai-la.fromVault" (dict "root" $ "file" $entry) */}}
{{- define "ai-la.fromVault" -}}
{{- $vault := get .file "vault" | default dict -}}
{{- if and .root.Values.secrets.vaultAgent.enabled (or (get $vault "path") (get $vault "template")) -}}true{{- end -}}
{{- end -}}

{{/* Path of one secret file. Usage: include "ai-la.secretFilePath" (dict "root" $ "file" $entry) */}}
{{- define "ai-la.secretFilePath" -}}
{{- if include "ai-la.fromVault" . -}}
{{- printf "/vault/secrets/%s" .file.key -}}
{{- else -}}
{{- printf "%s/%s" (trimSuffix "/" .root.Values.secrets.mountPath) .file.key -}}
{{- end -}}
{{- end -}}

{{/* env entries `<env>_FILE=<path>` for every secret file. */}}
{{- define "ai-la.secretEnv" -}}
{{- $root := . -}}
{{- range .Values.secrets.files }}
- name: {{ printf "%s_FILE" .env }}
  value: {{ include "ai-la.secretFilePath" (dict "root" $root "file" .) | quote }}
{{- end }}
{{- end -}}

{{/* Entries projected from Kubernetes Secrets, as a YAML list. */}}
{{- define "ai-la.secretVolumeFiles" -}}
{{- $files := list -}}
{{- range .Values.secrets.files -}}
{{- if not (include "ai-la.fromVault" (dict "root" $ "file" .)) -}}
{{- $files = append $files . -}}
{{- end -}}
{{- end -}}
{{- toYaml $files -}}
{{- end -}}

{{/* The projected volume of secret files (one source per file, so files may come from different Secrets). */}}
{{- define "ai-la.secretVolume" -}}
{{- $files := include "ai-la.secretVolumeFiles" . | fromYamlArray -}}
{{- if $files }}
- name: secrets
  projected:
    defaultMode: 288
    sources:
      {{- range $files }}
      - secret:
          name: {{ get . "secretName" | default $.Values.secrets.existingSecret | quote }}
          items:
            - key: {{ .key | quote }}
              path: {{ .key | quote }}
      {{- end }}
{{- end }}
{{- end -}}

{{/* The matching volume mount. */}}
{{- define "ai-la.secretVolumeMount" -}}
{{- if include "ai-la.secretVolumeFiles" . | fromYamlArray }}
- name: secrets
  mountPath: {{ .Values.secrets.mountPath | quote }}
  readOnly: true
{{- end }}
{{- end -}}

{{/*
Vault Agent Injector annotations. Usage: include "ai-la.vaultAnnotations" (dict "root" $ "job" true)
A Job uses pre-populate-only so the agent runs as an init container and the Job can complete.
*/}}
{{- define "ai-la.vaultAnnotations" -}}
{{- $root := .root -}}
{{- $agent := $root.Values.secrets.vaultAgent -}}
{{- if $agent.enabled }}
vault.hashicorp.com/agent-inject: "true"
vault.hashicorp.com/role: {{ $agent.role | quote }}
vault.hashicorp.com/auth-path: {{ $agent.authPath | quote }}
vault.hashicorp.com/agent-image: {{ include "ai-la.image" (dict "image" $agent.image "global" $root.Values.global "defaultTag" "") | quote }}
vault.hashicorp.com/agent-run-as-same-user: "true"
vault.hashicorp.com/agent-pre-populate-only: {{ ternary "true" "false" (.job | default false) | quote }}
{{- with $agent.namespace }}
vault.hashicorp.com/namespace: {{ . | quote }}
{{- end }}
{{- with $agent.address }}
vault.hashicorp.com/service: {{ . | quote }}
{{- end }}
{{- with $agent.caCertSecret }}
vault.hashicorp.com/tls-secret: {{ . | quote }}
vault.hashicorp.com/ca-cert: "/vault/tls/ca.crt"
{{- end }}
{{- range $root.Values.secrets.files }}
{{- if include "ai-la.fromVault" (dict "root" $root "file" .) }}
{{- $vault := get . "vault" }}
vault.hashicorp.com/agent-inject-secret-{{ .key }}: {{ get $vault "path" | default .key | quote }}
{{- if get $vault "template" }}
vault.hashicorp.com/agent-inject-template-{{ .key }}: {{ get $vault "template" | quote }}
{{- else }}
vault.hashicorp.com/agent-inject-template-{{ .key }}: {{ printf "{{- with secret %q -}}{{ .Data.data.%s }}{{- end -}}" (get $vault "path") (get $vault "field" | default "value") | quote }}
{{- end }}
vault.hashicorp.com/agent-inject-perms-{{ .key }}: "0400"
{{- end }}
{{- end }}
{{- with $agent.annotations }}
{{ toYaml . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Evidence signing keys: Vault Transit (env only), or evidence.signingKeys.existingSecret (env, volume and mount); empty without either. */}}
{{- define "ai-la.evidenceKeyEnv" -}}
{{- $keys := .Values.evidence.signingKeys -}}
{{- if $keys.transit.enabled }}
- name: AILA_EVIDENCE_KEYS_SOURCE
  value: transit
- name: AILA_EVIDENCE_KEYS_TRANSIT_MOUNT
  value: {{ $keys.transit.mount | quote }}
- name: AILA_EVIDENCE_KEYS_TRANSIT_RECEIPT_KEY
  value: {{ $keys.transit.receiptKey | quote }}
- name: AILA_EVIDENCE_KEYS_TRANSIT_LOG_KEY
  value: {{ $keys.transit.logKey | quote }}
{{- else if $keys.existingSecret }}
- name: AILA_EVIDENCE_KEYS_SOURCE
  value: file
- name: AILA_EVIDENCE_KEYS_RECEIPT_KEY_FILE
  value: {{ printf "%s/%s" (trimSuffix "/" $keys.mountPath) $keys.receiptKey | quote }}
- name: AILA_EVIDENCE_KEYS_LOG_KEY_FILE
  value: {{ printf "%s/%s" (trimSuffix "/" $keys.mountPath) $keys.logKey | quote }}
{{- end }}
{{- end -}}

{{- define "ai-la.evidenceKeyVolume" -}}
{{- $keys := .Values.evidence.signingKeys -}}
{{- if $keys.existingSecret }}
- name: evidence-keys
  secret:
    secretName: {{ $keys.existingSecret | quote }}
    defaultMode: 288
    items:
      - key: {{ $keys.receiptKey | quote }}
        path: {{ $keys.receiptKey | quote }}
      - key: {{ $keys.logKey | quote }}
        path: {{ $keys.logKey | quote }}
{{- end }}
{{- end -}}

{{- define "ai-la.evidenceKeyVolumeMount" -}}
{{- $keys := .Values.evidence.signingKeys -}}
{{- if $keys.existingSecret }}
- name: evidence-keys
  mountPath: {{ $keys.mountPath | quote }}
  readOnly: true
{{- end }}
{{- end -}}
