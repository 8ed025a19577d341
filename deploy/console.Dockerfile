# syntax=docker/dockerfile:1
# The review console's image. Build it from the repository root:
#
#   docker build -f deploy/console.Dockerfile -t triage/console:latest .
#
# The console reads and writes topics and serves its pages; for "Why?" it loads a version on the CPU with PyTorch
# (CPU natives only: explanations are on demand, off the inference path). Its state (leases, labels given) lives in
# a compacted topic, so it needs no volume; artifacts it downloads go to the temporary folder.

FROM maven:3-eclipse-temurin-17 AS build
ARG PYTORCH_FLAVOR=cpu
WORKDIR /src
COPY . .
# The app's jar and its runtime dependencies side by side, as the other apps'. Tests run in CI, not in the image build.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -pl console -am -Dmaven.test.skip=true package dependency:copy-dependencies -DincludeScope=runtime \
 && mkdir -p /opt/triage/lib \
 && cp console/target/triage-console-*.jar console/target/dependency/*.jar /opt/triage/lib/ \
 && cp deploy/docker/log4j2.xml /opt/triage/
# Load the model once so that DJL unpacks the CPU natives into the image's DJL cache (offline, from the jar).
RUN DJL_CACHE_DIR=/opt/triage/djl-cache PYTORCH_FLAVOR="$PYTORCH_FLAVOR" \
      java -Dai.djl.offline=true -cp '/opt/triage/lib/*' deploy/docker/WarmUp.java

FROM eclipse-temurin:17-jre
ARG PYTORCH_FLAVOR=cpu
# curl for the HEALTHCHECK (newer Temurin images ship without it); a fixed non-root user that Kubernetes'
# runAsNonRoot can check by id.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 triage \
 && useradd --system --uid 10001 --gid triage --home-dir /var/lib/triage --shell /usr/sbin/nologin triage \
 && mkdir -p /var/lib/triage \
 && chown -R 10001:10001 /var/lib/triage
COPY --from=build /opt/triage /opt/triage
# A small heap is plenty: the queue holds at most console.queue.max events, and a loaded model's weights live
# outside it. DJL reads its natives from the cache filled at build time. MALLOC_ARENA_MAX as the other apps'.
ENV DJL_CACHE_DIR=/opt/triage/djl-cache \
    PYTORCH_FLAVOR=${PYTORCH_FLAVOR} \
    MALLOC_ARENA_MAX=2 \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
WORKDIR /var/lib/triage
EXPOSE 8070
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${TRIAGE_HTTP_PORT:-8070}/health" || exit 1
# Arguments go to the app, e.g. `/etc/triage/console.properties`; TRIAGE_* variables override the file.
# TRIAGE_CONSOLE_TOKEN (the reviewers' sign-in token) is required.
ENTRYPOINT ["java", "-Dai.djl.offline=true", "-Dlog4j2.configurationFile=/opt/triage/log4j2.xml", "-cp", "/opt/triage/lib/*", "io.triage.console.TriageConsole"]
