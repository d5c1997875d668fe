{{/*
Rendering-time checks. Credentials must never be written in plain values (compare Grafana's
assertNoLeakedSecrets): they come from Kubernetes Secrets, the Vault Agent Injector or
`vault:<mount>/<path>#<key>` references that the appliance resolves at boot.
*/}}

{{/* Walks a value; fails on a secret-named string, a PEM private key or a URL with a password. */}}
{{- define "ai-la.assertNoLeakedSecrets" -}}
{{- $value := .value -}}
{{- $path := .path -}}
{{- $key := .key | toString -}}
{{- if kindIs "map" $value -}}
{{- range $k, $v := $value -}}
{{- include "ai-la.assertNoLeakedSecrets" (dict "path" (printf "%s.%s" $path $k) "key" $k "value" $v) -}}
{{- end -}}
{{- else if kindIs "slice" $value -}}
{{- range $i, $v := $value -}}
{{- include "ai-la.assertNoLeakedSecrets" (dict "path" (printf "%s[%d]" $path $i) "key" $key "value" $v) -}}
{{- end -}}
{{- else if and (kindIs "string" $value) $value (not (hasPrefix "vault:" $value)) -}}
{{- $advice := "use a `vault:<mount>/<path>#<key>` reference, or an AILA_*_FILE file from secrets.files (secrets.existingSecret or secrets.vaultAgent)" -}}
{{- if and (regexMatch "(?i)(password|passwd|secret|token|api[-_]?key|private[-_]?key|signing[-_]?key|hmac[-_]?key|encryption[-_]?key|credential|authorization)s?$" $key) (not (hasPrefix "existing" $key)) -}}
{{- fail (printf "%s: secrets must not be written in plain values; %s" $path $advice) -}}
{{- end -}}
{{- if regexMatch "-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----" $value -}}
{{- fail (printf "%s: a private key must not be written in plain values; %s" $path $advice) -}}
{{- end -}}
{{- if regexMatch "^[A-Za-z][A-Za-z0-9+.-]*://[^/@\\s]*:[^/@\\s]+@" $value -}}
{{- fail (printf "%s: a URL with an embedded password must not be written in plain values; %s" $path $advice) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Fails on env entries whose name looks secret and whose value is plain text. */}}
{{- define "ai-la.assertNoPlainSecretEnv" -}}
{{- $path := .path -}}
{{- range $i, $e := .env -}}
{{- $value := get $e "value" | toString -}}
{{- if and $value (not (hasPrefix "vault:" $value)) (regexMatch "(?i)(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTHORIZATION|DATABASE_URL)$" (get $e "name" | toString)) -}}
{{- fail (printf "%s[%d] (%s): secrets must not be written in plain values; use valueFrom.secretKeyRef, an AILA_*_FILE variable from secrets.files or a `vault:` reference" $path $i (get $e "name")) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* All checks; included once from validate.yaml. */}}
{{- define "ai-la.validate" -}}
{{- /* The derived configuration, so backend entries added by vLLM discovery are checked too. */ -}}
{{- include "ai-la.assertNoLeakedSecrets" (dict "path" "config" "key" "config" "value" (include "ai-la.config" . | fromYaml)) -}}
{{- include "ai-la.assertNoPlainSecretEnv" (dict "path" "extraEnv" "env" .Values.extraEnv) -}}
{{- include "ai-la.assertNoPlainSecretEnv" (dict "path" "vllm.deploy.extraEnv" "env" .Values.vllm.deploy.extraEnv) -}}
{{- $root := . -}}

{{- /* Where secret files come from: the Vault Agent for entries with a vault source, else a Secret. */ -}}
{{- range $i, $f := .Values.secrets.files -}}
{{- if not (include "ai-la.fromVault" (dict "root" $root "file" $f)) -}}
{{- if not (or (get $f "secretName") $root.Values.secrets.existingSecret) -}}
{{- if $root.Values.secrets.vaultAgent.enabled -}}
{{- fail (printf "secrets.files[%d] (%s): give it a vault source (vault.path and vault.field, or vault.template) or a Secret (secretName or secrets.existingSecret)" $i $f.key) -}}
{{- else -}}
{{- fail (printf "secrets.files[%d] (%s): set secrets.existingSecret to the Secret holding key %q (or secretName on the entry), or enable secrets.vaultAgent" $i $f.key $f.key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- /* A database must be configured: the image runs with NODE_ENV=production, which never embeds one. */ -}}
{{- $db := false -}}
{{- if or (dig "database" "url" "" .Values.config) .Values.extraEnvFrom -}}{{- $db = true -}}{{- end -}}
{{- range .Values.secrets.files -}}{{- if eq .env "AILA_DATABASE_URL" -}}{{- $db = true -}}{{- end -}}{{- end -}}
{{- range .Values.extraEnv -}}{{- if has (get . "name") (list "AILA_DATABASE_URL" "AILA_DATABASE_URL_FILE") -}}{{- $db = true -}}{{- end -}}{{- end -}}
{{- if not $db -}}
{{- fail "no database configured: keep the AILA_DATABASE_URL entry in secrets.files, or set config.database.url to a `vault:` reference" -}}
{{- end -}}

{{- if and (not .Values.migrations.enabled) (not (dig "database" "migrateOnStart" false .Values.config)) -}}
{{- fail "migrations.enabled is false and config.database.migrateOnStart is false: the appliance refuses to serve with pending migrations; enable one of them" -}}
{{- end -}}

{{- if .Values.networkPolicy.enabled -}}
{{- if not .Values.networkPolicy.egress.postgresql.to -}}
{{- fail "networkPolicy.egress.postgresql.to is empty: list the PostgreSQL peers (podSelector/namespaceSelector or ipBlock) or disable networkPolicy" -}}
{{- end -}}
{{- if and (include "ai-la.usesVault" .) (not .Values.networkPolicy.egress.vault.to) -}}
{{- fail "networkPolicy.egress.vault.to is empty but Vault is used: list the Vault peers" -}}
{{- end -}}
{{- end -}}

{{- $transit := .Values.evidence.signingKeys.transit -}}
{{- if and $transit.enabled .Values.evidence.signingKeys.existingSecret -}}
{{- fail "evidence.signingKeys: set either transit.enabled (keys in Vault Transit) or existingSecret (key files), not both" -}}
{{- end -}}
{{- if and $transit.enabled (not (dig "secrets" "vault" "" .Values.config)) -}}
{{- fail "evidence.signingKeys.transit.enabled needs config.secrets.vault: the appliance signs through its own Vault client" -}}
{{- end -}}

{{- if and .Values.secrets.vaultAgent.enabled (eq (include "ai-la.automountToken" .) "false") -}}
{{- fail "secrets.vaultAgent needs the ServiceAccount token: do not set serviceAccount.automountServiceAccountToken to false" -}}
{{- end -}}

{{- if and .Values.ingress.enabled (not .Values.ingress.tls) -}}
{{- fail "ingress.tls is empty: the appliance carries SSO sessions and API keys and is only exposed over TLS" -}}
{{- end -}}

{{- if and .Values.monitoring.serviceMonitor.enabled (not (include "ai-la.metricsEnabled" .)) -}}
{{- fail "monitoring.serviceMonitor.enabled needs config.metrics.enabled" -}}
{{- end -}}

{{- if .Values.vllm.deploy.enabled -}}
{{- $v := .Values.vllm.deploy -}}
{{- if not (and $v.servedModelName $v.modelPath $v.modelVolume.existingClaim) -}}
{{- fail "vllm.deploy needs servedModelName, modelPath and modelVolume.existingClaim (weights are never downloaded at runtime)" -}}
{{- end -}}
{{- end -}}
{{- end -}}
