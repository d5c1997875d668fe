{{/*
Names, labels and image references. Nothing else lives here.
*/}}

{{/* Chart name, overridable. */}}
{{- define "ai-la.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Full name used as the prefix of every resource: the release name, suffixed with the chart name
unless the release name already contains it. Truncated to leave room for suffixes.
*/}}
{{- define "ai-la.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Chart label value. */}}
{{- define "ai-la.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select this release's pods (component is added per workload). */}}
{{- define "ai-la.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ai-la.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Common labels of every resource. */}}
{{- define "ai-la.labels" -}}
helm.sh/chart: {{ include "ai-la.chart" . }}
{{ include "ai-la.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ai-la
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Common annotations block (empty when none). Usage: include "ai-la.annotations" (dict "root" . "extra" $map) */}}
{{- define "ai-la.annotations" -}}
{{- $all := merge (deepCopy (.extra | default dict)) (deepCopy (.root.Values.commonAnnotations | default dict)) -}}
{{- with $all }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Name of the appliance ServiceAccount. */}}
{{- define "ai-la.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "ai-la.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Name shared by the migration hook Job and its ServiceAccount, ConfigMap and NetworkPolicy. */}}
{{- define "ai-la.migrationName" -}}
{{- printf "%s-migrate" (include "ai-la.fullname" .) -}}
{{- end -}}

{{/* Name of the bundled vLLM Deployment and its headless Service. */}}
{{- define "ai-la.vllmName" -}}
{{- printf "%s-vllm" (include "ai-la.fullname" .) -}}
{{- end -}}

{{/*
Image reference: [registry/]repository[:tag][@digest]. global.imageRegistry replaces the
registry of every image so an air-gapped mirror needs one value.
Usage: include "ai-la.image" (dict "image" .Values.image "global" .Values.global "defaultTag" .Chart.AppVersion)
*/}}
{{- define "ai-la.image" -}}
{{- $registry := .image.registry -}}
{{- if .global.imageRegistry -}}
{{- $registry = .global.imageRegistry -}}
{{- end -}}
{{- $ref := .image.repository -}}
{{- if $registry -}}
{{- $ref = printf "%s/%s" $registry .image.repository -}}
{{- end -}}
{{- $tag := .image.tag | default .defaultTag | toString -}}
{{- if .image.digest -}}
{{- if $tag -}}
{{- printf "%s:%s@%s" $ref $tag .image.digest -}}
{{- else -}}
{{- printf "%s@%s" $ref .image.digest -}}
{{- end -}}
{{- else -}}
{{- printf "%s:%s" $ref $tag -}}
{{- end -}}
{{- end -}}

{{/* The appliance image reference. */}}
{{- define "ai-la.applianceImage" -}}
{{- include "ai-la.image" (dict "image" .Values.image "global" .Values.global "defaultTag" .Chart.AppVersion) -}}
{{- end -}}

{{/* imagePullSecrets block (empty when none). */}}
{{- define "ai-la.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . | quote }}
  {{- end }}
{{- end }}
{{- end -}}
