{{/*
Hook annotations of the migration resources. The Job and everything it needs run before the
release's own resources exist (pre-install) or change (pre-upgrade), so its ServiceAccount,
ConfigMap and NetworkPolicy are hooks too, created first (lower weight).
Usage: include "ai-la.migrationHook" (dict "root" $ "weight" "-10")
*/}}
{{- define "ai-la.migrationHook" -}}
{{- $extra := dict "helm.sh/hook" "pre-install,pre-upgrade" "helm.sh/hook-weight" .weight "helm.sh/hook-delete-policy" .root.Values.migrations.hookDeletePolicy -}}
{{- include "ai-la.annotations" (dict "root" .root "extra" $extra) -}}
{{- end -}}
