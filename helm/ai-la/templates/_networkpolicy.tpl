{{/*
One egress rule: `to` peers and every port on each protocol.
Usage: include "ai-la.egressRule" (dict "to" $peers "ports" $ports "protocols" (list "TCP"))
*/}}
{{- define "ai-la.egressRule" -}}
- to:
    {{- toYaml .to | nindent 4 }}
  ports:
    {{- $protocols := .protocols }}
    {{- range .ports }}
    {{- $port := . }}
    {{- range $protocols }}
    - protocol: {{ . }}
      port: {{ $port }}
    {{- end }}
    {{- end }}
{{- end -}}

{{/* Peers of the model backends: configured peers, discovered Services and the bundled vLLM. */}}
{{- define "ai-la.vllmPeers" -}}
{{- $peers := deepCopy .Values.networkPolicy.egress.vllm.to -}}
{{- range .Values.vllm.discovery.services -}}
{{- $peer := dict "podSelector" (get . "podSelector" | default dict) -}}
{{- $ns := get . "namespace" | default $.Release.Namespace -}}
{{- if get . "namespaceSelector" -}}
{{- $_ := set $peer "namespaceSelector" (get . "namespaceSelector") -}}
{{- else if ne $ns $.Release.Namespace -}}
{{- $_ := set $peer "namespaceSelector" (dict "matchLabels" (dict "kubernetes.io/metadata.name" $ns)) -}}
{{- end -}}
{{- $peers = append $peers $peer -}}
{{- end -}}
{{- if .Values.vllm.deploy.enabled -}}
{{- $labels := include "ai-la.selectorLabels" . | fromYaml -}}
{{- $_ := set $labels "app.kubernetes.io/component" "vllm" -}}
{{- $peers = append $peers (dict "podSelector" (dict "matchLabels" $labels)) -}}
{{- end -}}
{{- toYaml $peers -}}
{{- end -}}

{{/* Ports of the model backends: configured ports plus those of discovered Services and the bundled vLLM. */}}
{{- define "ai-la.vllmPorts" -}}
{{- $ports := list -}}
{{- range .Values.networkPolicy.egress.vllm.ports -}}{{- $ports = append $ports (int .) -}}{{- end -}}
{{- range .Values.vllm.discovery.services -}}{{- $ports = append $ports (get . "port" | default 8000 | int) -}}{{- end -}}
{{- if .Values.vllm.deploy.enabled -}}{{- $ports = append $ports (int .Values.vllm.deploy.port) -}}{{- end -}}
{{- toYaml (uniq $ports) -}}
{{- end -}}

{{/* Egress rules shared by the appliance and the migration Job: DNS, PostgreSQL, Vault. */}}
{{- define "ai-la.coreEgress" -}}
{{- $egress := .Values.networkPolicy.egress -}}
{{- include "ai-la.egressRule" (dict "to" $egress.dns.to "ports" $egress.dns.ports "protocols" (list "UDP" "TCP")) }}
{{ include "ai-la.egressRule" (dict "to" $egress.postgresql.to "ports" $egress.postgresql.ports "protocols" (list "TCP")) }}
{{- if $egress.vault.to }}
{{ include "ai-la.egressRule" (dict "to" $egress.vault.to "ports" $egress.vault.ports "protocols" (list "TCP")) }}
{{- end }}
{{- end -}}
