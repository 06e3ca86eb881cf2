#!/usr/bin/env bash
# Generates the Python stubs of Mnemo's protocols into python/mnemo_proto/ (git-ignored), with Debian's
# protoc (protobuf-compiler) and grpc_python_plugin (protobuf-compiler-grpc):
#   apt-get install protobuf-compiler protobuf-compiler-grpc python3-grpcio python3-protobuf python3-numpy
# Usage: python/generate.sh [OUT_DIR]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROTO="$HERE/../proto/src/main/proto"
OUT="${1:-$HERE/mnemo_proto}"
for tool in protoc grpc_python_plugin; do
  command -v "$tool" >/dev/null || { echo "generate.sh: '$tool' not found; apt-get install protobuf-compiler protobuf-compiler-grpc" >&2; exit 1; }
done
mkdir -p "$OUT"
protoc -I"$PROTO" --python_out="$OUT" --grpc_python_out="$OUT" \
  --plugin=protoc-gen-grpc_python="$(command -v grpc_python_plugin)" \
  "$PROTO"/mnemo/env/v1/env.proto "$PROTO"/mnemo/config/v1/config.proto "$PROTO"/mnemo/learner/v1/learner.proto
echo "generate.sh: stubs in $OUT" >&2
