{{/* Name prefix of every object: <release>-xenon, or fullnameOverride. */}}
{{- define "xenon.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else if contains "xenon" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-xenon" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels of every object; call with (dict "ctx" $ "component" "console-app"). */}}
{{- define "xenon.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: xenon
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "xenon.selectorLabels" -}}
app.kubernetes.io/name: xenon
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* <registry>/<repository>:<tag>; call with (dict "ctx" $ "repository" "xenon-proxy"). */}}
{{- define "xenon.image" -}}
{{- printf "%s/%s:%s" .ctx.Values.image.registry .repository (default .ctx.Chart.AppVersion .ctx.Values.image.tag) -}}
{{- end -}}

{{- define "xenon.computeNamespace" -}}
{{- default .Release.Namespace .Values.computes.namespace -}}
{{- end -}}

{{/* Prometheus scrape annotations of a pod listening for HTTP on a port; call with (dict "ctx" $ "port" 8080). */}}
{{- define "xenon.podAnnotations" -}}
{{- if .ctx.Values.metrics.podAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/path: /actuator/prometheus
prometheus.io/port: {{ .port | quote }}
{{- end }}
{{- end -}}

{{/* Scheduling and pull secrets shared by every Xenon pod. */}}
{{- define "xenon.podCommon" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
{{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
{{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
{{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{/* The WAL nodes' base URLs, comma-separated (their stable StatefulSet DNS names). */}}
{{- define "xenon.walNodeUrls" -}}
{{- $fullname := include "xenon.fullname" . -}}
{{- $urls := list -}}
{{- range $i := until (int .Values.walNode.replicas) -}}
{{- $urls = append $urls (printf "http://%s-wal-node-%d.%s-wal-node.%s.svc:%d" $fullname $i $fullname $.Release.Namespace (int $.Values.walNode.port)) -}}
{{- end -}}
{{- join "," $urls -}}
{{- end -}}

{{- define "xenon.storageNodeUrl" -}}
{{- printf "http://%s-storage-node-0.%s-storage-node.%s.svc:%d" (include "xenon.fullname" .) (include "xenon.fullname" .) .Release.Namespace (int .Values.storageNode.port) -}}
{{- end -}}

{{/* Name of the Secret with the console's internal token, secret key and bootstrap API key. */}}
{{- define "xenon.consoleSecret" -}}
{{- default (printf "%s-console" (include "xenon.fullname" .)) .Values.console.existingSecret -}}
{{- end -}}

{{- define "xenon.s3Secret" -}}
{{- if .Values.s3.existingSecret -}}
{{- .Values.s3.existingSecret -}}
{{- else if .Values.s3.accessKey -}}
{{- printf "%s-s3" (include "xenon.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "xenon.metadataSecret" -}}
{{- if .Values.metadata.bundled -}}
{{- printf "%s-metadata" (include "xenon.fullname" .) -}}
{{- else -}}
{{- default (printf "%s-metadata" (include "xenon.fullname" .)) .Values.metadata.external.existingSecret -}}
{{- end -}}
{{- end -}}

{{- define "xenon.metadataUrl" -}}
{{- if .Values.metadata.bundled -}}
{{- printf "jdbc:postgresql://%s-metadata:5432/xenon_console" (include "xenon.fullname" .) -}}
{{- else -}}
{{- required "metadata.external.url is required when metadata.bundled is false" .Values.metadata.external.url -}}
{{- end -}}
{{- end -}}

{{/* A value kept across upgrades: the existing Secret's, else the given one, else random. */}}
{{- define "xenon.keptSecretValue" -}}
{{- $existing := dict -}}
{{- if .ctx.Release.IsUpgrade -}}
{{- $existing = lookup "v1" "Secret" .ctx.Release.Namespace .secret -}}
{{- end -}}
{{- if and $existing $existing.data (hasKey $existing.data .key) -}}
{{- index $existing.data .key | b64dec -}}
{{- else if .value -}}
{{- .value -}}
{{- else -}}
{{- randAlphaNum (int (default 32 .length)) -}}
{{- end -}}
{{- end -}}

{{- define "xenon.nodeTokenSecret" -}}
{{- default (printf "%s-node-token" (include "xenon.fullname" .)) .Values.nodeToken.existingSecret -}}
{{- end -}}

{{/* The env entry every process that serves or calls a node API gets. */}}
{{- define "xenon.nodeTokenEnv" -}}
- name: XENON_NODE_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "xenon.nodeTokenSecret" . }}
      key: node-token
{{- end -}}
