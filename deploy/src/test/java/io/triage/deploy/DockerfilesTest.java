package io.triage.deploy;

import io.triage.trainer.service.TrainerSettings;
import io.triage.service.OpsServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The images' Dockerfiles against the apps: ports, endpoints, settings, user and natives. */
class DockerfilesTest {
    static final String MODEL_STORE = "/var/lib/triage/models";
    static final String APP_LIB = "/opt/triage/lib";

    @ParameterizedTest
    @EnumSource(Apps.class)
    void buildsWithMavenAndRunsOnAJre(Apps app) {
        Dockerfile df = Dockerfile.read(app.dockerfile());
        assertEquals(2, df.stages().size(), "a build stage and a runtime stage");
        Dockerfile.Stage build = df.stage("build");
        assertEquals("maven:3-eclipse-temurin-17", build.from());
        assertEquals("eclipse-temurin:17-jre", df.runtime().from());
        assertEquals(List.of("--from=build /opt/triage /opt/triage"), df.runtime().arguments("COPY"),
                "the runtime stage takes only the build's /opt/triage");

        String packaging = String.join("\n", build.arguments("RUN"));
        assertTrue(packaging.contains("-pl " + app.module + " -am ") && packaging.contains("copy-dependencies")
                        && packaging.contains("-DincludeScope=runtime"),
                "packages module " + app.module + " with its runtime dependencies: " + packaging);
        assertTrue(packaging.contains(app.module + "/target/triage-" + app.module + "-*.jar")
                && packaging.contains(app.module + "/target/dependency/*.jar " + APP_LIB), packaging);
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void runsTheAppsMainClassOfflineFromItsLibFolder(Apps app) throws Exception {
        List<String> entrypoint = Dockerfile.execForm(Dockerfile.read(app.dockerfile()).runtime().only("ENTRYPOINT"));
        assertEquals("java", entrypoint.get(0));
        assertEquals(app.runsModels, entrypoint.contains("-Dai.djl.offline=true"),
                "DJL, where the app has it, must never reach for the network: " + entrypoint);
        int cp = entrypoint.indexOf("-cp");
        assertEquals(APP_LIB + "/*", entrypoint.get(cp + 1));
        assertEquals(app.mainClass, entrypoint.get(entrypoint.size() - 1), "the main class comes last");
        if (app != Apps.TRAINER) {
            Method main = Class.forName(app.mainClass).getMethod("main", String[].class);
            assertTrue(Modifier.isStatic(main.getModifiers()));
        }
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void exposesTheAppsHttpPortAndChecksItsHealthEndpoint(Apps app) {
        Dockerfile.Stage runtime = Dockerfile.read(app.dockerfile()).runtime();
        int port = app.httpPort(Map.of());
        assertEquals(String.valueOf(port), runtime.only("EXPOSE"));
        String health = runtime.only("HEALTHCHECK");
        assertTrue(health.contains("http://127.0.0.1:${TRIAGE_HTTP_PORT:-" + port + "}" + OpsServer.HEALTH_PATH),
                "the health check follows TRIAGE_HTTP_PORT, defaulting to the app's http.port: " + health);
        assertEquals("TRIAGE_HTTP_PORT", app.settings.envVar(Apps.HTTP_PORT));
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void runsAsAFixedNonRootUserWithTheModelStoreAsVolume(Apps app) {
        Dockerfile.Stage runtime = Dockerfile.read(app.dockerfile()).runtime();
        assertNotEquals(0, runtimeUid(app), "non-root");
        String setup = String.join("\n", runtime.arguments("RUN"));
        assertTrue(setup.contains("--uid " + runtimeUid(app)), "the user exists: " + setup);
        if (!app.storeVolume) {
            assertEquals(List.of(), runtime.arguments("VOLUME"), "keeps nothing on disk: its state is in Kafka");
            return;
        }
        String volumes = "\"" + MODEL_STORE + "\"" + app.settings.find(TrainerSettings.DATA_DIR) // the trainer's feedback
                .map(dataDir -> ", \"" + dataDir.defaultValue() + "\"").orElse("");
        assertEquals("[" + volumes + "]", runtime.only("VOLUME"));
        assertTrue(setup.contains("chown -R " + runtimeUid(app)), "the user owns /var/lib/triage: " + setup);
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void setsOnlyVariablesTheAppReads(Apps app) {
        Map<String, String> env = Dockerfile.read(app.dockerfile()).runtime().pairs("ENV");
        EnvVars.assertAllSettable(app.settings, env, app.dockerfile());
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void capsGlibcMallocArenasSoThatFreedNativeMemoryIsReturned(Apps app) {
        String arenas = Dockerfile.read(app.dockerfile()).runtime().pairs("ENV").get("MALLOC_ARENA_MAX");
        assertNotNull(arenas, "the runtime sets MALLOC_ARENA_MAX");
        assertTrue(Integer.parseInt(arenas) <= 4, "a few arenas, not glibc's 8 per core: " + arenas);
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void bakesThePyTorchNativesIntoTheDjlCacheItReadsAtRunTime(Apps app) {
        Dockerfile df = Dockerfile.read(app.dockerfile());
        if (!app.runsModels) {
            assertNull(df.runtime().pairs("ENV").get("DJL_CACHE_DIR"), "no natives: " + app.dockerfile());
            assertTrue(df.stage("build").arguments("RUN").stream().noneMatch(r -> r.contains("WarmUp.java")));
            return;
        }
        String cache = df.runtime().pairs("ENV").get("DJL_CACHE_DIR");
        assertNotNull(cache, "the runtime sets DJL_CACHE_DIR");
        assertTrue(cache.startsWith("/opt/triage/"), "inside what the runtime stage copies: " + cache);
        assertEquals("${PYTORCH_FLAVOR}", df.runtime().pairs("ENV").get("PYTORCH_FLAVOR"));
        for (Dockerfile.Stage stage : df.stages()) {
            assertEquals("cpu", stage.pairs("ARG").get("PYTORCH_FLAVOR"), "CPU natives by default, in every stage");
        }
        String warmUp = df.stage("build").arguments("RUN").stream().filter(r -> r.contains("WarmUp.java"))
                .findFirst().orElseThrow(() -> new AssertionError("the build stage runs deploy/docker/WarmUp.java"));
        assertTrue(warmUp.contains("DJL_CACHE_DIR=" + cache), "the warm-up fills the cache the app reads: " + warmUp);
        assertTrue(warmUp.contains("-cp '" + APP_LIB + "/*'"), "on the app's own class path: " + warmUp);
        Repo.path("deploy/docker/WarmUp.java");
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void leavesBuildOutputOutOfTheContext(Apps app) {
        List<String> ignored = Repo.read(app.dockerfile() + ".dockerignore").lines().map(String::strip).toList();
        assertTrue(ignored.contains("**/target") && ignored.contains(".git"), ignored.toString());
        assertTrue(ignored.contains(".gpu-kit"), "the GPU check's kit and work folder (hundreds of MB): " + ignored);
    }

    /** The numeric user the runtime stage runs as. */
    static int runtimeUid(Apps app) {
        String user = Dockerfile.read(app.dockerfile()).runtime().only("USER");
        assertTrue(user.matches("\\d+:\\d+"), "a numeric uid:gid, so Kubernetes can check runAsNonRoot: " + user);
        return Integer.parseInt(user.substring(0, user.indexOf(':')));
    }
}
