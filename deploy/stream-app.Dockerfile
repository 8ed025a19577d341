# syntax=docker/dockerfile:1
# The stream app's image. Build it from the repository root:
#
#   docker build -f deploy/stream-app.Dockerfile -t triage/stream-app:latest .                  # CPU
#   docker build -f deploy/stream-app.Dockerfile --build-arg PYTORCH_FLAVOR=cu128 \
#                -t triage/stream-app:latest-cu128 .                                           # NVIDIA GPU
#
# PYTORCH_FLAVOR picks the PyTorch natives, which go into the image at build time (the container never downloads):
# - cpu (default): the pytorch-native-cpu jar, a Maven dependency; DJL only unpacks it.
# - cu128 (CUDA 12.8, the CUDA build DJL 0.35.1's JNI ships for): not on Maven Central, so DJL downloads it from its
#   own site while the image is built. The host needs an NVIDIA driver for CUDA 12.8 and the NVIDIA Container Toolkit;
#   the image works on a CPU-only host too (model.device=auto falls back to the CPU).

FROM maven:3-eclipse-temurin-17 AS build
ARG PYTORCH_FLAVOR=cpu
WORKDIR /src
COPY . .
# The app's jar and its runtime dependencies side by side, no fat jar: DJL finds its engines and natives through
# service files and resources that a merged jar would clash on. Tests run in CI, not in the image build.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -pl stream-app -am -Dmaven.test.skip=true package dependency:copy-dependencies -DincludeScope=runtime \
 && mkdir -p /opt/triage/lib \
 && cp stream-app/target/triage-stream-app-*.jar stream-app/target/dependency/*.jar /opt/triage/lib/ \
 && cp deploy/docker/log4j2.xml /opt/triage/
# Load the model once so that DJL puts the natives into the image's DJL cache (offline for cpu: unpacked from the jar).
RUN set -eu; offline=true; \
    if [ "$PYTORCH_FLAVOR" != cpu ]; then rm /opt/triage/lib/pytorch-native-cpu-*.jar; offline=false; fi; \
    DJL_CACHE_DIR=/opt/triage/djl-cache PYTORCH_FLAVOR="$PYTORCH_FLAVOR" \
      java -Dai.djl.offline=$offline -cp '/opt/triage/lib/*' deploy/docker/WarmUp.java

FROM eclipse-temurin:17-jre
ARG PYTORCH_FLAVOR=cpu
# curl for the HEALTHCHECK (newer Temurin images ship without it); a fixed non-root user that Kubernetes'
# runAsNonRoot can check by id; the model store and Kafka Streams' state owned by it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 triage \
 && useradd --system --uid 10001 --gid triage --home-dir /var/lib/triage --shell /usr/sbin/nologin triage \
 && mkdir -p /var/lib/triage/models /var/lib/triage/streams \
 && chown -R 10001:10001 /var/lib/triage
COPY --from=build /opt/triage /opt/triage
# DJL reads its natives from the cache filled at build time, read-only; PYTORCH_FLAVOR tells it which one.
# The JVM heap gets half the container's memory: PyTorch's weights and activations live outside it.
# MALLOC_ARENA_MAX: glibc's default of 8 arenas per core keeps memory that PyTorch freed on other threads (models
# load on a background thread); bench swap measured RSS +226 MB over 20 swaps with the default, +55 MB with 2.
ENV DJL_CACHE_DIR=/opt/triage/djl-cache \
    PYTORCH_FLAVOR=${PYTORCH_FLAVOR} \
    MALLOC_ARENA_MAX=2 \
    TRIAGE_KAFKA_STATE_DIR=/var/lib/triage/streams \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
WORKDIR /var/lib/triage
VOLUME ["/var/lib/triage/models"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${TRIAGE_HTTP_PORT:-8080}/health" || exit 1
# Arguments go to the app, e.g. `--config /etc/triage/stream-app.properties`; TRIAGE_* variables override the file.
ENTRYPOINT ["java", "-Dai.djl.offline=true", "-Dlog4j2.configurationFile=/opt/triage/log4j2.xml", "-cp", "/opt/triage/lib/*", "io.triage.stream.TriageStreamApp"]
