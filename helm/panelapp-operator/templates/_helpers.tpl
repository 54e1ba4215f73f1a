{{/*
Names, labels and the operator's RBAC rules, shared by every template.
*/}}

{{- define "panelapp-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release's resource name. A release named like the chart is not repeated ("panelapp-operator",
not "panelapp-operator-panelapp-operator").
*/}}
{{- define "panelapp-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "panelapp-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "panelapp-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "panelapp-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "panelapp-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: panelapp
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "panelapp-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "panelapp-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
repository:tag, or repository@digest when a digest is given (a digest pins the exact image).
*/}}
{{- define "panelapp-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else if eq .Values.image.tag "latest" }}
{{- fail "image.tag must not be \"latest\": a moving tag cannot be rolled back; use a release tag or image.digest" }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
The namespaces the operator watches in "namespaces" mode, without duplicates, in the given order.
*/}}
{{- define "panelapp-operator.watchedNamespaces" -}}
{{- if eq .Values.watch.scope "namespaces" }}
{{- if not .Values.watch.namespaces }}
{{- fail "watch.namespaces must list at least one namespace when watch.scope is \"namespaces\"" }}
{{- end }}
{{- .Values.watch.namespaces | uniq | toJson }}
{{- else }}
{{- list | toJson }}
{{- end }}
{{- end }}

{{/*
Every right the operator needs on namespaced objects, granted by a ClusterRole (watch.scope
"cluster") or by a Role in each watched namespace (watch.scope "namespaces"): only the verbs
operator/panelapp_operator/kube.py and kopf use, no wildcards. tests/packaging/test_operator_rbac.py
runs the operator with exactly these rights; keep the two in step.
*/}}
{{- define "panelapp-operator.namespacedRules" -}}
# PanelApps: kopf lists and watches them; a reconcile re-reads one before acting. The operator
# keeps no finalizer or annotation on them, so it never writes the object itself.
- apiGroups: ["panelapp.org"]
  resources: ["panelapps"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["panelapp.org"]
  resources: ["panelapps/status"]
  verbs: ["patch"]
# PanelAppTasks: watched like PanelApps; patched once to make each owned by its PanelApp, and
# their status mirrors their Job.
- apiGroups: ["panelapp.org"]
  resources: ["panelapptasks"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["panelapp.org"]
  resources: ["panelapptasks/status"]
  verbs: ["patch"]
# Children: watched (label-selected) into the operator's cache, server-side applied (create +
# patch; dry-run applies need the same verbs) and pruned when the spec stops asking for them.
# Deployments are also read by name (get) before one is created under an autoscaler, since a
# cold cache is no proof that it does not exist.
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: [""]
  resources: ["services", "serviceaccounts"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["ingresses", "networkpolicies"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: ["autoscaling"]
  resources: ["horizontalpodautoscalers"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["list", "watch", "create", "patch", "delete"]
# Other projects' kinds, rendered only when the spec asks for them: the Prometheus Operator's
# PodMonitor (spec.metrics.podMonitor) and KEDA's ScaledObject and TriggerAuthentication
# (spec.worker.autoscaling.queue). Without their CRDs these rules grant nothing.
- apiGroups: ["monitoring.coreos.com"]
  resources: ["podmonitors"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: ["keda.sh"]
  resources: ["scaledobjects", "triggerauthentications"]
  verbs: ["list", "watch", "create", "patch", "delete"]
# ConfigMaps: the rendered one is a child; ConfigMaps named in spec.env/envFrom are read (get),
# and all are watched metadata-only so that a change to a referenced one rolls the pods at once.
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
# Jobs (migrate, collectstatic) are created once by name, read back, and deleted to retry.
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
# Secrets: referenced ones are read by name (only their resourceVersion and key names are kept);
# one generated SECRET_KEY Secret per PanelApp is created. list and watch are for a metadata-only
# watch (the API server sends PartialObjectMetadata, never the data) that rolls the pods as soon
# as a referenced Secret rotates.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create"]
# Pods are only read: listed to say why a component or Job fails (e.g. CrashLoopBackOff), and the
# migration and collectstatic Jobs' pods are watched to see a step finish at once.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch"]
# The last lines of a finished task's log are copied (masked) into its status.
- apiGroups: [""]
  resources: ["pods/log"]
  verbs: ["get"]
# Events explain the operator's decisions in `kubectl describe panelapp`.
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end }}


{{/*
Cluster-scoped reads kopf makes in both modes: it lists and watches CRDs (to find the PanelApp
resource and notice it change) and namespaces (to follow the watched ones). Neither is a
namespaced object, so namespaces mode still grants nothing cluster-wide on namespaced objects.
*/}}
{{- define "panelapp-operator.discoveryRules" -}}
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  verbs: ["list", "watch"]
- apiGroups: [""]
  resources: ["namespaces"]
  verbs: ["list", "watch"]
{{- end }}
