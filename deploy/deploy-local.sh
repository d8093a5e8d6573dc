#!/usr/bin/env bash
# Bring up the production deployment on this machine, as the systemd units would, without systemd:
#   PostgreSQL (the one on 127.0.0.1:5432, or Debian's package started here), the app under gunicorn with N
#   workers, the job worker, the scheduler, nginx (Debian's package) with a self-signed TLS certificate.
#
#   deploy/deploy-local.sh up      # → https://127.0.0.1:8443/ (http://127.0.0.1:8080/ redirects)
#   deploy/deploy-local.sh check   # health through the proxy
#   deploy/deploy-local.sh down
#
# Everything lives in $DEPLOY_DIR (default /tmp/taizhang-deploy): the env file, certificate, static and media
# files, logs, pid files. The processes run the same deploy/bin scripts the units run, with the same env file.
# Settings: DEPLOY_DB (PostgreSQL database, default taizhang_deploy), HTTPS_PORT, HTTP_PORT, APP_PORT, WORKERS.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DEPLOY_DIR=${DEPLOY_DIR:-/tmp/taizhang-deploy}
DEPLOY_DB=${DEPLOY_DB:-taizhang_deploy}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
HTTPS_PORT=${HTTPS_PORT:-8443}
HTTP_PORT=${HTTP_PORT:-8080}
APP_PORT=${APP_PORT:-8081}
WORKERS=${WORKERS:-3}
ENV_FILE=$DEPLOY_DIR/taizhang.env
export TAIZHANG_ENV_FILE=$ENV_FILE TAIZHANG_HOME=$ROOT

log() { echo "deploy-local: $*"; }

need_packages() {
  local missing=()
  command -v nginx >/dev/null || missing+=(nginx-light)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v pg_dump >/dev/null || missing+=(postgresql-client)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then echo "deploy-local needs: sudo apt-get install ${missing[*]}"; exit 1; fi
    log "installing ${missing[*]} from Debian's packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

pg_ok() { "$ROOT/.venv/bin/python" -c "import psycopg,sys; psycopg.connect('$PG_URL/postgres', connect_timeout=3).close()" 2>/dev/null; }

start() {  # start NAME COMMAND… — in the background, its own session, pid file and log
  local name=$1; shift
  setsid "$@" >>"$DEPLOY_DIR/log/$name.log" 2>&1 < /dev/null &
  echo $! > "$DEPLOY_DIR/run/$name.pid"
}

stop_one() {
  local pidfile=$DEPLOY_DIR/run/$1.pid
  [ -f "$pidfile" ] || return 0
  local pid; pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

wait_for() {  # wait_for URL [curl options]
  local url=$1; shift
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$@" "$url" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "deploy-local: $url did not answer"; return 1
}

up() {
  need_packages
  [ -x .venv/bin/gunicorn ] || { log "installing Taizhang into .venv"; make -s install >/dev/null; }
  if ! pg_ok; then
    log "no PostgreSQL on 127.0.0.1:5432: see .ci/run (installs and starts Debian's postgresql)"; exit 1
  fi
  down >/dev/null 2>&1 || true
  umask 022  # nginx's workers (nobody) read the static files
  mkdir -p "$DEPLOY_DIR"/{log,run,tls,static,media,backups,metrics}
  [ -f "$DEPLOY_DIR/secret_key" ] || (umask 077; openssl rand -hex 32 > "$DEPLOY_DIR/secret_key")
  cat > "$ENV_FILE" <<ENV
DJANGO_SETTINGS_MODULE=taizhang.settings.prod
SECRET_KEY=$(cat "$DEPLOY_DIR/secret_key")
ALLOWED_HOSTS=127.0.0.1,localhost
DATABASE_URL=$PG_URL/$DEPLOY_DB
MEDIA_ROOT=$DEPLOY_DIR/media
STATIC_ROOT=$DEPLOY_DIR/static
TAIZHANG_BACKUP_DIR=$DEPLOY_DIR/backups
GUNICORN_BIND=127.0.0.1:$APP_PORT
GUNICORN_WORKERS=$WORKERS
PROMETHEUS_MULTIPROC_DIR=$DEPLOY_DIR/metrics
TAIZHANG_TRUSTED_PROXIES=127.0.0.1
TAIZHANG_2FA_ENFORCED=1
TAIZHANG_WORKER_INTERVAL=1
LOG_FORMAT=json
ENV
  if [ ! -f "$DEPLOY_DIR/tls/cert.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -keyout "$DEPLOY_DIR/tls/key.pem" -out "$DEPLOY_DIR/tls/cert.pem" 2>/dev/null
  fi
  "$ROOT/.venv/bin/python" - <<PY
import psycopg
with psycopg.connect("$PG_URL/postgres", autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", ["$DEPLOY_DB"]).fetchone():
        conn.execute('CREATE DATABASE "$DEPLOY_DB"')
PY
  log "migrate, collectstatic, demo (if the database is empty)"
  deploy/bin/taizhang-manage migrate --noinput -v0
  deploy/bin/taizhang-manage collectstatic --noinput -v0
  deploy/bin/taizhang-manage load_demo --if-empty > "$DEPLOY_DIR/log/demo.log"
  deploy/bin/taizhang-manage check --deploy --fail-level WARNING

  start web deploy/bin/taizhang-web
  start worker deploy/bin/taizhang-worker
  start scheduler deploy/bin/taizhang-scheduler
  sed -e "s#@APP@#127.0.0.1:$APP_PORT#; s#@HTTP_PORT@#$HTTP_PORT#g; s#@HTTPS_PORT@#$HTTPS_PORT#g" \
      -e "s#@SERVER_NAME@#localhost 127.0.0.1#; s#@CERT@#$DEPLOY_DIR/tls/cert.pem#; s#@KEY@#$DEPLOY_DIR/tls/key.pem#" \
      -e "s#@STATIC_ROOT@#$DEPLOY_DIR/static#" deploy/nginx/taizhang.conf.template > "$DEPLOY_DIR/nginx-site.conf"
  cat > "$DEPLOY_DIR/nginx.conf" <<NGINX
worker_processes 1;
pid $DEPLOY_DIR/run/nginx.pid;
error_log $DEPLOY_DIR/log/nginx-error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $DEPLOY_DIR/log/nginx-access.log;
    client_body_temp_path $DEPLOY_DIR/run/nginx-body;
    proxy_temp_path $DEPLOY_DIR/run/nginx-proxy;
    fastcgi_temp_path $DEPLOY_DIR/run/nginx-fastcgi;
    uwsgi_temp_path $DEPLOY_DIR/run/nginx-uwsgi;
    scgi_temp_path $DEPLOY_DIR/run/nginx-scgi;
    sendfile on;
    include $DEPLOY_DIR/nginx-site.conf;
}
NGINX
  nginx -t -c "$DEPLOY_DIR/nginx.conf" -p "$DEPLOY_DIR" 2>>"$DEPLOY_DIR/log/nginx-error.log"
  nginx -c "$DEPLOY_DIR/nginx.conf" -p "$DEPLOY_DIR"   # daemonises; its pid file is run/nginx.pid
  wait_for "http://127.0.0.1:$APP_PORT/health/live/"
  wait_for "https://127.0.0.1:$HTTPS_PORT/health/live/" --cacert "$DEPLOY_DIR/tls/cert.pem"
  check
  log "up: https://127.0.0.1:$HTTPS_PORT/ (self-signed: $DEPLOY_DIR/tls/cert.pem); logs in $DEPLOY_DIR/log"
  grep -A3 "Two-factor" "$DEPLOY_DIR/log/demo.log" || true
}

check() {
  local cacert=(--cacert "$DEPLOY_DIR/tls/cert.pem")
  curl -fsS "${cacert[@]}" "https://127.0.0.1:$HTTPS_PORT/health/ready/?format=text"
  curl -fsS -o /dev/null -w "login page through the proxy: %{http_code}\n" "${cacert[@]}" "https://127.0.0.1:$HTTPS_PORT/accounts/login/"
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/")" = 301 ] || { echo "http does not redirect"; return 1; }
  [ "$(curl -s -o /dev/null -w '%{http_code}' "${cacert[@]}" "https://127.0.0.1:$HTTPS_PORT/metrics")" = 404 ] || { echo "/metrics open through the proxy"; return 1; }
  for name in web worker scheduler; do
    kill -0 "$(cat "$DEPLOY_DIR/run/$name.pid")" 2>/dev/null || { echo "$name is not running"; return 1; }
  done
  echo "deploy-local: checked (TLS, health, redirect, /metrics closed, web + worker + scheduler running)"
}

down() {
  if [ -f "$DEPLOY_DIR/run/nginx.pid" ]; then
    nginx -c "$DEPLOY_DIR/nginx.conf" -p "$DEPLOY_DIR" -s quit 2>/dev/null || true
    for _ in $(seq 1 25); do [ -f "$DEPLOY_DIR/run/nginx.pid" ] || break; sleep 0.2; done
  fi
  for name in scheduler worker web; do stop_one "$name"; done
  log "down"
}

case "${1:-up}" in
  up) up ;;
  check) check ;;
  down) down ;;
  *) echo "usage: $0 up|check|down"; exit 2 ;;
esac
