{{/* Names, labels and the parts both Deployments share. */}}

{{- define "pave.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "pave.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "pave.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "pave.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "pave.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "pave.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: pave
{{- end -}}

{{/* Selector labels of one component: include with (dict "root" $ "component" "web"). */}}
{{- define "pave.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pave.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end -}}

{{- define "pave.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "pave.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "pave.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (toString (default .Chart.AppVersion .Values.image.tag)) -}}
{{- end -}}
{{- end -}}

{{/* The ConfigMap's data: pave's non-secret variables (hashed into the pods' annotations). */}}
{{- define "pave.configData" -}}
HOST: "0.0.0.0"
PORT: "3000"
STATE_MIRROR_DIR: /var/lib/pave/state-mirror.git
{{- range $name, $value := .Values.env }}
{{- if ne (toString $value) "" }}
{{ $name }}: {{ toString $value | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The pod spec both processes share: include with (dict "root" $ "component" "web"|"worker" "values" .Values.web|.Values.worker). */}}
{{- define "pave.podSpec" -}}
{{- $root := .root -}}
{{- $s := $root.Values.secrets -}}
serviceAccountName: {{ include "pave.serviceAccountName" $root }}
automountServiceAccountToken: false
securityContext:
  {{- toYaml $root.Values.podSecurityContext | nindent 2 }}
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if eq .component "worker" }}
terminationGracePeriodSeconds: {{ .values.terminationGracePeriodSeconds }}
{{- end }}
containers:
  - name: pave
    image: {{ include "pave.image" $root | quote }}
    imagePullPolicy: {{ $root.Values.image.pullPolicy }}
    ports:
      - name: http
        containerPort: 3000
        protocol: TCP
    envFrom:
      - configMapRef:
          name: {{ include "pave.fullname" $root }}
      {{- with $root.Values.extraEnvFrom }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
    env:
      - name: PAVE_ROLE
        value: {{ .component }}
      - name: WEBHOOK_SECRET
        valueFrom:
          secretKeyRef:
            name: {{ required "secrets.existingSecret: name the Secret that holds pave's credentials" $s.existingSecret }}
            key: {{ required "secrets.keys.webhookSecret: the Secret key of the webhook secret" $s.keys.webhookSecret }}
      {{- if $s.keys.githubToken }}
      - name: GITHUB_TOKEN
        valueFrom:
          secretKeyRef:
            name: {{ $s.existingSecret }}
            key: {{ $s.keys.githubToken }}
      {{- end }}
      {{- if $s.keys.redisUrl }}
      - name: REDIS_URL
        valueFrom:
          secretKeyRef:
            name: {{ $s.existingSecret }}
            key: {{ $s.keys.redisUrl }}
      {{- end }}
      {{- if $s.keys.uiToken }}
      - name: PAVE_UI_TOKEN
        valueFrom:
          secretKeyRef:
            name: {{ $s.existingSecret }}
            key: {{ $s.keys.uiToken }}
      {{- end }}
      {{- if $s.keys.githubClientSecret }}
      - name: GITHUB_CLIENT_SECRET
        valueFrom:
          secretKeyRef:
            name: {{ $s.existingSecret }}
            key: {{ $s.keys.githubClientSecret }}
      {{- end }}
      {{- if $s.keys.githubAppPrivateKey }}
      - name: GITHUB_PRIVATE_KEY_PATH
        value: /var/run/secrets/pave/github-app-private-key.pem
      {{- end }}
      {{- if $s.keys.masterKey }}
      - name: PAVE_SECRET_KEY_FILE
        value: /var/run/secrets/pave/master-key
      {{- end }}
      {{- with $root.Values.extraEnv }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
    startupProbe:
      httpGet: { path: /healthz, port: http }
      periodSeconds: 2
      failureThreshold: 30
    livenessProbe:
      httpGet: { path: /healthz, port: http }
      periodSeconds: 10
      timeoutSeconds: 3
      failureThreshold: 3
    readinessProbe:
      httpGet: { path: /readyz, port: http }
      periodSeconds: 5
      timeoutSeconds: 3
      failureThreshold: 2
    resources:
      {{- toYaml .values.resources | nindent 6 }}
    securityContext:
      {{- toYaml $root.Values.securityContext | nindent 6 }}
    volumeMounts:
      - name: state
        mountPath: /var/lib/pave
      - name: tmp
        mountPath: /tmp
      {{- if or $s.keys.githubAppPrivateKey $s.keys.masterKey }}
      - name: credentials
        mountPath: /var/run/secrets/pave
        readOnly: true
      {{- end }}
volumes:
  - name: state
    {{- if $root.Values.persistence.existingClaim }}
    persistentVolumeClaim:
      claimName: {{ $root.Values.persistence.existingClaim }}
    {{- else }}
    emptyDir: {}
    {{- end }}
  - name: tmp
    emptyDir: {}
  {{- if or $s.keys.githubAppPrivateKey $s.keys.masterKey }}
  - name: credentials
    secret:
      secretName: {{ $s.existingSecret }}
      defaultMode: 288 # 0440: readable by the pod's group (fsGroup)
      items:
        {{- if $s.keys.githubAppPrivateKey }}
        - key: {{ $s.keys.githubAppPrivateKey }}
          path: github-app-private-key.pem
        {{- end }}
        {{- if $s.keys.masterKey }}
        - key: {{ $s.keys.masterKey }}
          path: master-key
        {{- end }}
  {{- end }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
