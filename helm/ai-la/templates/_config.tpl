{{/*
The appliance configuration file. `config` is rendered as given, with three derived defaults:
server.publicUrl from the first Ingress host when unset, compliance.exports.dir on the exports volume
(persistence.exports.mountPath) when unset, and gateway.backends extended with an entry
`{dns: {name, port}}` per discovered vLLM Service and for the bundled vLLM.
*/}}
{{- define "ai-la.config" -}}
{{- $config := deepCopy (.Values.config | default dict) -}}
{{- if and .Values.ingress.enabled .Values.ingress.hosts -}}
{{- $server := get $config "server" | default dict -}}
{{- if not (get $server "publicUrl") -}}
{{- $scheme := ternary "https" "http" (gt (len .Values.ingress.tls) 0) -}}
{{- $_ := set $server "publicUrl" (printf "%s://%s" $scheme (first .Values.ingress.hosts).host) -}}
{{- end -}}
{{- $_ := set $config "server" $server -}}
{{- end -}}
{{- $compliance := get $config "compliance" | default dict -}}
{{- $exports := get $compliance "exports" | default dict -}}
{{- if not (get $exports "dir") -}}
{{- $_ := set $exports "dir" .Values.persistence.exports.mountPath -}}
{{- $_ := set $compliance "exports" $exports -}}
{{- $_ := set $config "compliance" $compliance -}}
{{- end -}}
{{- $backends := include "ai-la.discoveredBackends" . | fromYamlArray -}}
{{- if $backends -}}
{{- $gateway := get $config "gateway" | default dict -}}
{{- $_ := set $gateway "backends" (concat (get $gateway "backends" | default list) $backends) -}}
{{- $_ := set $config "gateway" $gateway -}}
{{- end -}}
{{- toYaml $config -}}
{{- end -}}

{{/* Gateway backend entries for discovered vLLM Services and the bundled vLLM, as a YAML list. */}}
{{- define "ai-la.discoveredBackends" -}}
{{- $backends := list -}}
{{- range .Values.vllm.discovery.services -}}
{{- $entry := deepCopy (get . "backend" | default dict) -}}
{{- $ns := get . "namespace" | default $.Release.Namespace -}}
{{- $port := get . "port" | default 8000 | int -}}
{{- $_ := set $entry "dns" (dict "name" (printf "%s.%s.svc.%s" .name $ns $.Values.clusterDomain) "port" $port) -}}
{{- if not (hasKey $entry "name") -}}{{- $_ := set $entry "name" .name -}}{{- end -}}
{{- $backends = append $backends $entry -}}
{{- end -}}
{{- if .Values.vllm.deploy.enabled -}}
{{- $entry := deepCopy (.Values.vllm.deploy.backend | default dict) -}}
{{- $name := printf "%s.%s.svc.%s" (include "ai-la.vllmName" .) .Release.Namespace .Values.clusterDomain -}}
{{- $_ := set $entry "dns" (dict "name" $name "port" (.Values.vllm.deploy.port | int)) -}}
{{- if not (hasKey $entry "name") -}}{{- $_ := set $entry "name" (include "ai-la.vllmName" .) -}}{{- end -}}
{{- $backends = append $backends $entry -}}
{{- end -}}
{{- toYaml $backends -}}
{{- end -}}

{{/* HTTP port of the appliance, from config.server.port. */}}
{{- define "ai-la.httpPort" -}}
{{- dig "server" "port" 8080 .Values.config | int -}}
{{- end -}}

{{/* Metrics port of the appliance, from config.metrics.port. */}}
{{- define "ai-la.metricsPort" -}}
{{- dig "metrics" "port" 9464 .Values.config | int -}}
{{- end -}}

{{/* "true" when the metrics listener is enabled in config. */}}
{{- define "ai-la.metricsEnabled" -}}
{{- if dig "metrics" "enabled" true .Values.config -}}true{{- end -}}
{{- end -}}

{{/* "true" when the pods authenticate to Vault (Agent Injector or the appliance's own client). */}}
{{- define "ai-la.usesVault" -}}
{{- if or .Values.secrets.vaultAgent.enabled (dig "secrets" "vault" "" .Values.config) -}}true{{- end -}}
{{- end -}}

{{/* Whether to mount the ServiceAccount token: explicit value, else only when Vault is used. */}}
{{- define "ai-la.automountToken" -}}
{{- $v := .Values.serviceAccount.automountServiceAccountToken -}}
{{- if kindIs "bool" $v -}}
{{- $v -}}
{{- else -}}
{{- ternary "true" "false" (eq (include "ai-la.usesVault" .) "true") -}}
{{- end -}}
{{- end -}}
