# shellcheck shell=bash
# Sourced by scripts/services.sh: the TLS certificate chain of Kafka's SASL_SSL listeners.
#
# A CA of our own and a server certificate it signs for 127.0.0.1 and localhost (subject
# alternative names, so a client that verifies the host name, as Go's crypto/tls does, accepts
# it), made with openssl once and kept under $SERVICES_DIR/tls:
#   ca.pem               the CA certificate: clients trust it (KAFKA_TLS_CA_FILE)
#   ca.key               the CA's key, kept to sign a new server certificate when this one ages
#   server.pem           the server certificate
#   server.key           its key (PKCS#8, unencrypted: it never leaves this directory)
#   server-keystore.pem  key, certificate and CA: the brokers' ssl.keystore.location (type PEM)
# A server certificate that expires within 30 days is made again (the CA lasts ten years).

TLS_DIR="$SERVICES_DIR/tls"
TLS_CA_FILE="$TLS_DIR/ca.pem"
TLS_KEYSTORE="$TLS_DIR/server-keystore.pem"

# tls_current: the chain exists and the server certificate is good for 30 more days.
tls_current() {
  [[ -s $TLS_CA_FILE && -s $TLS_KEYSTORE && -s $TLS_DIR/server.pem ]] \
    && openssl x509 -checkend $((30 * 86400)) -noout -in "$TLS_DIR/server.pem" >/dev/null 2>&1
}

tls_ensure() {
  command -v openssl >/dev/null || apt_install openssl
  tls_current && return
  mkdir -p "$TLS_DIR"
  local log="$TLS_DIR/openssl.log"
  : >"$log"
  if [[ ! -s $TLS_DIR/ca.key || ! -s $TLS_CA_FILE ]] \
     || ! openssl x509 -checkend $((60 * 86400)) -noout -in "$TLS_CA_FILE" >/dev/null 2>&1; then
    log "TLS: making a CA for the local brokers ($TLS_CA_FILE)"
    (umask 077 && openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 3650 \
      -keyout "$TLS_DIR/ca.key" -out "$TLS_CA_FILE" -subj "/CN=Taskstream local Kafka CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign") >>"$log" 2>&1 \
      || { cat "$log" >&2; die "openssl could not make the CA"; }
  fi
  log "TLS: making the brokers' certificate for 127.0.0.1 and localhost"
  local ext="$TLS_DIR/server.ext"
  cat >"$ext" <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
EOF
  (umask 077 \
    && openssl req -new -newkey rsa:2048 -nodes -sha256 -keyout "$TLS_DIR/server.key" \
      -out "$TLS_DIR/server.csr" -subj "/CN=localhost" \
    && openssl x509 -req -sha256 -days 825 -in "$TLS_DIR/server.csr" -CA "$TLS_CA_FILE" \
      -CAkey "$TLS_DIR/ca.key" -CAcreateserial -CAserial "$TLS_DIR/ca.srl" -extfile "$ext" \
      -out "$TLS_DIR/server.pem" \
    && cat "$TLS_DIR/server.key" "$TLS_DIR/server.pem" "$TLS_CA_FILE" >"$TLS_KEYSTORE.tmp" \
    && mv "$TLS_KEYSTORE.tmp" "$TLS_KEYSTORE") >>"$log" 2>&1 \
    || { cat "$log" >&2; die "openssl could not make the brokers' certificate"; }
  rm -f "$TLS_DIR/server.csr" "$ext"
  # Clients read the certificates; only the brokers (this user) read the keys (umask 077).
  chmod 644 "$TLS_CA_FILE" "$TLS_DIR/server.pem"
}
