# shellcheck shell=bash
# Sourced by scripts/services.sh: a Kafka cluster of KAFKA_NODES combined broker+controller
# nodes on loopback (KAFKA_NODES=3 scripts/services.sh up), from the single node's jars.
#
# Every node is a voter of the controller quorum (controller.quorum.voters), so a quorum of
# three survives the loss of one node; every topic has three replicas and min.insync.replicas 2,
# so acks=all writes go on with one node down. Node N (1-based) lives in
# $SERVICES_DIR/kafka-cluster/node-N and listens on KAFKA_CLUSTER_PORT+100*(N-1) (PLAINTEXT),
# +1 (controller) and +2 (SASL_SSL): 19092/19093/19094, 19192/19193/19194, 19292/...

CLUSTER_DIR="$SERVICES_DIR/kafka-cluster"

# kafka_cluster_size: the number of nodes of the cluster, checked (at least 3, so that a quorum
# survives a loss; at most 9 on one machine).
kafka_cluster_size() {
  if [[ ! $KAFKA_NODES =~ ^[3-9]$ ]]; then
    die "KAFKA_NODES=$KAFKA_NODES: use 1 (the single node) or 3 to 9 (a cluster)"
  fi
  echo "$KAFKA_NODES"
}

# kafka_cluster_port N OFFSET: node N's port OFFSET (0 PLAINTEXT, 1 controller, 2 SASL_SSL).
kafka_cluster_port() { echo $((KAFKA_CLUSTER_PORT + 100 * ($1 - 1) + $2)); }

# kafka_cluster_list SIZE OFFSET [PREFIX]: the nodes' host:port, comma-separated, each port
# preceded by PREFIX with the node's id (the voters' form) when PREFIX is "voters".
kafka_cluster_list() {
  local i out=()
  for ((i = 1; i <= $1; i++)); do
    if [[ ${3:-} == voters ]]; then
      out+=("$i@$HOST:$(kafka_cluster_port "$i" "$2")")
    else
      out+=("$HOST:$(kafka_cluster_port "$i" "$2")")
    fi
  done
  (IFS=,; echo "${out[*]}")
}

# kafka_cluster_node N SIZE: make node N of a SIZE-node cluster the current node (the NODE_*
# variables of scripts/services.sh).
# shellcheck disable=SC2034
kafka_cluster_node() {
  NODE_NAME="Kafka node $1"
  NODE_ID=$1
  NODE_DIR="$CLUSTER_DIR/node-$1"
  NODE_PORT=$(kafka_cluster_port "$1" 0)
  NODE_CONTROLLER_PORT=$(kafka_cluster_port "$1" 1)
  NODE_SASL_PORT=$(kafka_cluster_port "$1" 2)
  NODE_ID_FILE="$CLUSTER_DIR/cluster.id"
  NODE_VOTERS="$(kafka_cluster_list "$2" 1 voters)"
  NODE_REPLICAS=3
  NODE_MIN_ISR=2
  NODE_HEAP=512m
}

# kafka_cluster_known: the sizes of clusters this script has started (node directories), so
# that `down` and `status` find them whatever KAFKA_NODES says now.
kafka_cluster_known() {
  local n=0
  while [[ -d $CLUSTER_DIR/node-$((n + 1)) ]]; do n=$((n + 1)); done
  echo "$n"
}

kafka_cluster_up() {
  local size i
  size="$(kafka_cluster_size)"
  mkdir -p "$CLUSTER_DIR"
  # The voters are written in the metadata log when the storage is formatted.
  if [[ -s $CLUSTER_DIR/nodes && $(cat "$CLUSTER_DIR/nodes") != "$size" ]]; then
    die "the cluster in $CLUSTER_DIR has $(cat "$CLUSTER_DIR/nodes") nodes; stop it and remove the directory to make one of $size"
  fi
  echo "$size" >"$CLUSTER_DIR/nodes"
  kafka_prepare
  kafka_cluster_format "$size"
  # All at once: a node's broker waits for a controller quorum, which needs a majority of them.
  for ((i = 1; i <= size; i++)); do
    kafka_cluster_node "$i" "$size"
    kafka_node_start
  done
  for ((i = 1; i <= size; i++)); do
    kafka_cluster_node "$i" "$size"
    kafka_node_wait
  done
  log "Kafka cluster: $size nodes on $(kafka_cluster_list "$size" 0) (SASL_SSL $(kafka_cluster_list "$size" 2))"
}

# kafka_cluster_format SIZE formats the storage of the nodes that have none, side by side (one
# JVM each: in turn they took half a minute on two cores).
kafka_cluster_format() {
  local i jobs=() failed=0
  kafka_cluster_node 1 "$1"
  kafka_cluster_id >/dev/null
  for ((i = 1; i <= $1; i++)); do
    kafka_cluster_node "$i" "$1"
    [[ -f $NODE_DIR/data/meta.properties ]] && continue
    (kafka_write_config && kafka_format) &
    jobs+=($!)
  done
  for i in "${jobs[@]}"; do wait "$i" || failed=1; done
  ((failed == 0)) || die "formatting the cluster's storage failed"
}

kafka_cluster_down() {
  local size i
  size="$(kafka_cluster_known)"
  ((size > 0)) || return 0
  # SIGTERM to every node first: a node stopping alone would wait for the others' quorum.
  for ((i = 1; i <= size; i++)); do
    kafka_cluster_node "$i" "$size"
    kafka_node_stop
  done
  for ((i = 1; i <= size; i++)); do
    kafka_cluster_node "$i" "$size"
    kafka_node_await
  done
}

kafka_cluster_status() {
  local size i
  size="$(kafka_cluster_known)"
  for ((i = 1; i <= size; i++)); do
    kafka_cluster_node "$i" "$size"
    kafka_node_status
  done
}
